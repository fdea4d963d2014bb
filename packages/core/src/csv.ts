/**
 * The one CSV reader and writer of scalewise (RFC 4180: header row, comma separator, double-quoted fields with ""
 * escapes, LF or CRLF line endings, optional BOM). Browser-safe: it works on text; reading files is the caller's job.
 * A carriage return outside quotes that does not end a line is refused (old Mac line endings would otherwise read
 * as one long line). Errors are `CsvError`s (kind 'input') naming the source, line, and where known row and column.
 */
import { InputError } from './errors.js';

/** Where a CSV problem is: `row` is the 1-based data row (the header is not a row), `line` the 1-based text line. */
export interface CsvPlace {
  source: string;
  line?: number;
  row?: number;
  column?: string;
}

/** Bad CSV input. `problem` is the message without the place, for callers that word places their own way. */
export class CsvError extends InputError {
  override name = 'CsvError';
  readonly source: string;
  readonly line: number | undefined;
  readonly row: number | undefined;
  readonly column: string | undefined;
  constructor(
    message: string,
    place: CsvPlace,
    readonly problem: string = message,
  ) {
    super(message);
    this.source = place.source;
    this.line = place.line;
    this.row = place.row;
    this.column = place.column;
  }
}

/** One record as read: its fields and the line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

const CR_HINT = '(old Mac line endings?): use LF or CRLF line endings';

/** A printable rendering of one character for messages (never a raw control character). */
function shown(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
}

/**
 * Incremental tokenizer: `push` text in chunks split anywhere (inside quotes, between CR and LF), then `end`.
 * Each complete record goes to `onRecord` as soon as it is read, so memory holds one partial record, not the file.
 * Blank lines are skipped. Lines without quotes take a fast path (`indexOf` and `split`).
 */
export class CsvTokenizer {
  private buffer = '';
  private line = 1;
  private records = 0;
  private started = false;

  constructor(
    readonly source: string,
    private readonly onRecord: (fields: string[], line: number) => void,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    this.drain(false);
  }

  /** The text has ended: read the last record (a final line ending is optional). */
  end(): void {
    this.drain(true);
    this.buffer = '';
  }

  private fail(problem: string, line: number): CsvError {
    return new CsvError(`${this.source}: line ${line}: ${problem}`, { source: this.source, line }, problem);
  }

  private bareCr(line: number): CsvError {
    return this.fail(`a carriage return ${this.records === 0 ? 'inside the header' : 'outside quotes'} ${CR_HINT}`, line);
  }

  private emit(fields: string[], line: number): void {
    this.records++;
    this.onRecord(fields, line);
  }

  private drain(final: boolean): void {
    let text = this.buffer;
    if (!this.started) {
      if (text.length === 0) return;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.started = true;
    }
    const n = text.length;
    const find = (ch: string, from: number): number => {
      const at = text.indexOf(ch, from);
      return at < 0 ? n : at;
    };
    let nextQuote = -1;
    let nextCr = -1;
    let pos = 0;
    while (pos < n) {
      const lf = text.indexOf('\n', pos);
      const eol = lf < 0 ? n : lf;
      if (nextQuote < pos) nextQuote = find('"', pos);
      if (nextQuote >= eol) {
        if (nextCr < pos) nextCr = find('\r', pos);
        if (lf < 0 && !final) {
          // An incomplete line: wait for more text, unless it already holds a bare CR (a CR-only file never gets an LF).
          if (nextCr < n - 1) throw this.bareCr(this.line);
          break;
        }
        let stop = eol;
        if (nextCr < eol) {
          if (nextCr !== eol - 1) throw this.bareCr(this.line);
          stop = eol - 1;
        }
        if (stop > pos) this.emit(text.slice(pos, stop).split(','), this.line);
        this.line++;
        pos = eol + 1;
      } else {
        const next = this.quotedRecord(text, pos, final);
        if (next < 0) break;
        pos = next;
      }
    }
    this.buffer = pos >= n ? '' : text.slice(pos);
  }

  /** Read one record that holds a quote, char by char; returns where the next record starts, or -1 if incomplete. */
  private quotedRecord(text: string, start: number, final: boolean): number {
    const n = text.length;
    const first = this.line;
    const fields: string[] = [];
    let line = first;
    let i = start;
    for (;;) {
      if (text[i] === '"') {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            if (!final) return -1;
            throw this.fail('unterminated quoted field', first);
          }
          value += text.slice(j, q);
          if (q + 1 >= n && !final) return -1;
          if (text[q + 1] === '"') {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) line++;
        fields.push(value);
        const c = text[i];
        if (c !== undefined && c !== ',' && c !== '\n' && c !== '\r') {
          throw this.fail(`unexpected character '${shown(c)}' after a closing quote`, line);
        }
      } else {
        let k = i;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === 44 || c === 10 || c === 13) break;
          if (c === 34) throw this.fail('a quote inside an unquoted field', line);
          k++;
        }
        if (k >= n && !final) return -1;
        fields.push(text.slice(i, k));
        i = k;
      }
      // `i` is at the separator after a field: ',', LF, CR (LF), or the end of the text.
      const c = text[i];
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '\r') {
        if (i + 1 >= n && !final) return -1;
        if (i + 1 < n && text[i + 1] !== '\n') throw this.bareCr(line);
        i++;
      }
      this.emit(fields, first);
      this.line = line + 1;
      return i + 1;
    }
  }
}

/** Every record of a CSV text with the line it starts on; no shape checks (callers that word their own use this). */
export function readCsvRecords(text: string, source = 'input'): CsvRecord[] {
  const records: CsvRecord[] = [];
  const tokenizer = new CsvTokenizer(source, (fields, line) => records.push({ fields, line }));
  tokenizer.push(text);
  tokenizer.end();
  return records;
}

/** A small table as strings: `rows[i]` is data row i + 1 and starts on text line `lines[i]`. */
export interface CsvTable {
  header: string[];
  rows: string[][];
  lines: number[];
}

/** The header's names are unique; throws naming the first repeated one. */
export function checkCsvHeader(header: readonly string[], source = 'input'): void {
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new CsvError(`${source}: duplicate column '${h}' in the header`, { source, line: 1, column: h });
    seen.add(h);
  }
}

/** Parse a whole CSV text: a header with unique names, and every row as long as the header. */
export function parseCsv(text: string, source = 'input'): CsvTable {
  const records = readCsvRecords(text, source);
  const head = records[0];
  if (!head) throw new CsvError(`${source}: empty file, expected a header row`, { source });
  const header = head.fields;
  checkCsvHeader(header, source);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let k = 1; k < records.length; k++) {
    const { fields, line } = records[k]!;
    if (fields.length !== header.length) {
      const message = `${source}: row ${k} (line ${line}) has ${fields.length} fields, the header has ${header.length}`;
      throw new CsvError(message, { source, line, row: k });
    }
    rows.push(fields);
    lines.push(line);
  }
  return { header, rows, lines };
}
