/**
 * Streaming CSV → numeric columns: text arrives in chunks (any size, split anywhere), only the requested columns
 * are kept, each as a Float64Array. A 10⁷-row table costs 8 bytes per cell kept instead of a string per cell.
 * Same dialect as `parseCsv` (RFC 4180, LF or CRLF, optional BOM); errors name the source, row, line and column.
 */
import { LawsInputError } from './errors.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number cell, strictly: no hexadecimal, binary, `Infinity`, `NaN`, digit separators or empty cells
 * (JavaScript's `Number()` accepts several of these). Returns the number, or why the cell is not one.
 */
export function parseNumberCell(cell: string): number | { problem: string } {
  const s = cell.trim();
  if (NUMBER.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : { problem: `found '${cell}', which is out of the range of a double` };
  }
  if (s === '') return { problem: cell === '' ? 'found an empty cell' : 'found a blank cell' };
  if (/^[+-]?nan$/i.test(s)) return { problem: 'found a not-a-number marker' };
  if (/^[+-]?inf(inity)?$/i.test(s)) return { problem: 'found an infinite value' };
  if (/^[+-]?0[xob]/i.test(s)) return { problem: `found '${cell}' (hexadecimal, octal and binary are not accepted: write it in decimal)` };
  return { problem: `found '${cell}'` };
}

/** Split one complete record (quotes balanced) into fields; `line` is its first line, for messages. */
function splitQuoted(record: string, source: string, line: number): string[] {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atStart = true;
  while (i < record.length) {
    const ch = record[i]!;
    if (quoted) {
      if (ch === '"') {
        if (record[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        const next = record[i + 1];
        if (next !== undefined && next !== ',')
          throw new LawsInputError(`${source}: line ${line}: unexpected character '${next}' after a closing quote`);
      } else field += ch;
    } else if (ch === '"') {
      if (!atStart) throw new LawsInputError(`${source}: line ${line}: a quote inside an unquoted field`);
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      atStart = true;
      i++;
      continue;
    } else field += ch;
    atStart = false;
    i++;
  }
  fields.push(field);
  return fields;
}

class GrowingColumn {
  data = new Float64Array(1024);
  push(v: number, n: number): void {
    if (n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[n] = v;
  }
}

export interface CsvColumns {
  header: string[];
  /** Requested columns by name, one value per data row. */
  columns: Record<string, Float64Array>;
  rows: number;
}

/** Incremental reader of numeric columns; call `push` with each chunk of text, then `end`. */
export class CsvColumnReader {
  private pending = '';
  private record = '';
  private recordLine = 0;
  private quotes = 0;
  private line = 0;
  private header: string[] | null = null;
  private indices: number[] = [];
  private readonly store: GrowingColumn[];
  private rows = 0;
  private first = true;

  constructor(
    private readonly source: string,
    private readonly wanted: readonly string[],
  ) {
    this.store = wanted.map(() => new GrowingColumn());
  }

  /** Number of data rows read so far. */
  get rowCount(): number {
    return this.rows;
  }

  push(chunk: string): void {
    let text = this.pending + chunk;
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line++;
      this.onLine(text.charCodeAt(nl - 1) === 13 && nl > start ? text.slice(start, nl - 1) : text.slice(start, nl), true);
      start = nl + 1;
    }
    this.pending = text.slice(start);
  }

  end(): CsvColumns {
    if (this.pending !== '') {
      this.line++;
      this.onLine(this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending, false);
      this.pending = '';
    }
    if (this.quotes % 2 === 1) throw new LawsInputError(`${this.source}: line ${this.recordLine}: unterminated quoted field`);
    if (!this.header) throw new LawsInputError(`${this.source}: empty file, expected a header row`);
    if (this.rows === 0)
      throw new LawsInputError(`${this.source}: no data rows: the file has a header (${this.header.join(', ')}) and nothing else`);
    const columns: Record<string, Float64Array> = {};
    this.wanted.forEach((name, c) => (columns[name] = this.store[c]!.data.slice(0, this.rows)));
    return { header: this.header, columns, rows: this.rows };
  }

  private onLine(line: string, newline: boolean): void {
    let q = 0;
    for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) q++;
    if (this.quotes % 2 === 1) {
      // Inside a quoted field that spans lines: the newline belongs to the field.
      this.record += `\n${line}`;
      this.quotes += q;
    } else {
      if (line === '' && newline) return;
      this.record = line;
      this.recordLine = this.line;
      this.quotes = q;
    }
    if (this.quotes % 2 === 1) return;
    const fields = this.quotes === 0 ? this.record.split(',') : splitQuoted(this.record, this.source, this.recordLine);
    this.quotes = 0;
    if (this.header) this.onRow(fields);
    else this.onHeader(fields);
  }

  private onHeader(fields: string[]): void {
    if (fields.some((f) => f.includes('\r'))) {
      throw new LawsInputError(
        `${this.source}: line 1: a carriage return inside the header (old Mac line endings?): use LF or CRLF line endings`,
      );
    }
    const seen = new Set<string>();
    for (const h of fields) {
      if (seen.has(h)) throw new LawsInputError(`${this.source}: duplicate column '${h}' in the header`);
      seen.add(h);
    }
    this.header = fields;
    this.indices = this.wanted.map((name) => {
      const j = fields.indexOf(name);
      if (j < 0) throw new LawsInputError(`${this.source}: no column '${name}'; columns are: ${fields.join(', ')}`);
      return j;
    });
  }

  private onRow(fields: string[]): void {
    const header = this.header!;
    const row = this.rows + 1;
    if (fields.length !== header.length) {
      throw new LawsInputError(
        `${this.source}: row ${row} (line ${this.recordLine}) has ${fields.length} fields, the header has ${header.length}`,
      );
    }
    for (let c = 0; c < this.indices.length; c++) {
      const cell = fields[this.indices[c]!]!;
      const v = parseNumberCell(cell);
      if (typeof v !== 'number') {
        throw new LawsInputError(
          `${this.source}: row ${row}, column '${this.wanted[c]}': expected a finite number, ${v.problem} (line ${this.recordLine})`,
        );
      }
      this.store[c]!.push(v, this.rows);
    }
    this.rows++;
  }
}

/** Numeric columns of a whole CSV text (the one-chunk case of `CsvColumnReader`). */
export function readCsvColumns(text: string, columns: readonly string[], source = 'input'): CsvColumns {
  const reader = new CsvColumnReader(source, columns);
  reader.push(text);
  return reader.end();
}
