/**
 * Small strict CSV parser (RFC 4180: header row, comma separator, double-quoted fields with "" escapes, CRLF or
 * LF). Browser-safe: it parses text; reading files is the caller's job. Errors name the source, row and column.
 */
import { parseNumberCell } from './csv-columns.js';
import { LawsInputError } from './errors.js';

export interface Table {
  header: string[];
  /** Data rows as strings (row i here is line i + 2 of the file, after the header). */
  rows: string[][];
}

/** Parse CSV text; every row must have as many fields as the header. */
export function parseCsv(text: string, source = 'input'): Table {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  let line = 1;
  const n = text.length;
  const endRecord = (): void => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new LawsInputError(`${source}: line ${line}: unexpected character '${next}' after a closing quote`);
        }
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new LawsInputError(`${source}: line ${line}: a quote inside an unquoted field`);
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) throw new LawsInputError(`${source}: line ${line}: unterminated quoted field`);
  if (field !== '' || record.length > 0) endRecord();
  const [header, ...rows] = records;
  if (!header) throw new LawsInputError(`${source}: empty file, expected a header row`);
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new LawsInputError(`${source}: duplicate column '${h}' in the header`);
    seen.add(h);
  }
  rows.forEach((r, k) => {
    if (r.length !== header.length) {
      throw new LawsInputError(`${source}: row ${k + 1} (line ${k + 2}) has ${r.length} fields, the header has ${header.length}`);
    }
  });
  return { header, rows };
}

/** Numeric column by name (decimal cells only, see `parseNumberCell`); rows are numbered from 1 (first data row) in messages. */
export function numericColumn(table: Table, name: string, source = 'input'): Float64Array {
  const j = table.header.indexOf(name);
  if (j < 0) throw new LawsInputError(`${source}: no column '${name}'; columns are: ${table.header.join(', ')}`);
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((r, k) => {
    const v = parseNumberCell(r[j] ?? '');
    if (typeof v !== 'number')
      throw new LawsInputError(`${source}: row ${k + 1}, column '${name}': expected a finite number, ${v.problem}`);
    out[k] = v;
  });
  return out;
}
