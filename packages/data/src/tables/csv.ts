import { DataInputError } from '../errors.js';

/** A parsed CSV: header cells and data rows with the 1-based line each row starts on. */
export interface CsvData {
  header: string[];
  rows: Array<{ line: number; cells: string[] }>;
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF); every row must have as many cells as the header. */
export function parseCsv(text: string, file: string): CsvData {
  const records: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRecord = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        cell += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      start = line;
    } else cell += c;
    i += 1;
  }
  if (quoted) throw new DataInputError(`${file} line ${start}: expected a closing quote, found end of file`);
  if (cell !== '' || cells.length > 0) endRecord();
  const [head, ...rows] = records;
  if (!head) throw new DataInputError(`${file}: expected a header row, found an empty file`);
  const header = head.cells.map((h) => h.trim());
  for (const row of rows) {
    if (row.cells.length !== header.length) {
      throw new DataInputError(
        `${file} line ${row.line}: expected ${header.length} cells (${header.join(', ')}), found ${row.cells.length}`,
      );
    }
  }
  return { header, rows };
}
