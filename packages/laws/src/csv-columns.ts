/**
 * Streaming CSV → numeric columns: text arrives in chunks (any size, split anywhere), only the requested columns
 * are kept, each as a Float64Array. A 10⁷-row table costs 8 bytes per cell kept instead of a string per cell.
 * Tokenizing is `@scalewise/core`'s (the same dialect as `parseCsv`); errors name the source, row, line and column.
 */
import { checkCsvHeader, CsvTokenizer, parseNumberCell, readNumberCell } from '@scalewise/core';
import { lawsCsvError } from './csv.js';
import { LawsInputError } from './errors.js';

/** The strict decimal cell reader, now core's; re-exported where callers have always found it. */
export { parseNumberCell };

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
  private readonly tokenizer: CsvTokenizer;
  private header: string[] | null = null;
  private indices: number[] = [];
  private readonly store: GrowingColumn[];
  private rows = 0;

  constructor(
    private readonly source: string,
    private readonly wanted: readonly string[],
  ) {
    this.store = wanted.map(() => new GrowingColumn());
    this.tokenizer = new CsvTokenizer(source, (fields, line) => (this.header ? this.onRow(fields, line) : this.onHeader(fields)));
  }

  /** Number of data rows read so far. */
  get rowCount(): number {
    return this.rows;
  }

  push(chunk: string): void {
    try {
      this.tokenizer.push(chunk);
    } catch (error) {
      throw lawsCsvError(error);
    }
  }

  end(): CsvColumns {
    try {
      this.tokenizer.end();
    } catch (error) {
      throw lawsCsvError(error);
    }
    if (!this.header) throw new LawsInputError(`${this.source}: empty file, expected a header row`);
    if (this.rows === 0) {
      throw new LawsInputError(`${this.source}: no data rows: the file has a header (${this.header.join(', ')}) and nothing else`);
    }
    const columns: Record<string, Float64Array> = {};
    this.wanted.forEach((name, c) => (columns[name] = this.store[c]!.data.slice(0, this.rows)));
    return { header: this.header, columns, rows: this.rows };
  }

  private onHeader(fields: string[]): void {
    checkCsvHeader(fields, this.source);
    this.header = fields;
    this.indices = this.wanted.map((name) => {
      const j = fields.indexOf(name);
      if (j < 0) throw new LawsInputError(`${this.source}: no column '${name}'; columns are: ${fields.join(', ')}`);
      return j;
    });
  }

  private onRow(fields: string[], line: number): void {
    const header = this.header!;
    const row = this.rows + 1;
    if (fields.length !== header.length) {
      throw new LawsInputError(`${this.source}: row ${row} (line ${line}) has ${fields.length} fields, the header has ${header.length}`);
    }
    for (let c = 0; c < this.indices.length; c++) {
      const cell = fields[this.indices[c]!]!;
      // The fast path stays inline (one call per cell on 10⁷-row tables); the throwing reader words the error.
      const v = parseNumberCell(cell);
      const value = typeof v === 'number' ? v : readNumberCell(cell, { source: this.source, row, column: this.wanted[c]!, line });
      this.store[c]!.push(value, this.rows);
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
