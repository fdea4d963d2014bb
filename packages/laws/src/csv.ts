/**
 * Small strict CSV tables (RFC 4180: header row, comma separator, double-quoted fields with "" escapes, CRLF or
 * LF), read by `@scalewise/core`'s one CSV tokenizer. Browser-safe: it parses text; reading files is the caller's
 * job. Errors are `LawsInputError`s naming the source, row and column.
 */
import { CsvError, parseCsv as parseCsvTable, readNumberCell } from '@scalewise/core';
import { LawsInputError } from './errors.js';

export interface Table {
  header: string[];
  /** Data rows as strings (row i here is line i + 2 of the file, after the header). */
  rows: string[][];
}

/** Core's CSV errors as this package's error class (same message), so callers catching `LawsInputError` still do. */
export function lawsCsvError(error: unknown): unknown {
  return error instanceof CsvError ? new LawsInputError(error.message, { cause: error }) : error;
}

/** Parse CSV text; every row must have as many fields as the header. */
export function parseCsv(text: string, source = 'input'): Table {
  try {
    const { header, rows } = parseCsvTable(text, source);
    return { header, rows };
  } catch (error) {
    throw lawsCsvError(error);
  }
}

/** Numeric column by name (decimal cells only, see `parseNumberCell`); rows are numbered from 1 (first data row) in messages. */
export function numericColumn(table: Table, name: string, source = 'input'): Float64Array {
  const j = table.header.indexOf(name);
  if (j < 0) throw new LawsInputError(`${source}: no column '${name}'; columns are: ${table.header.join(', ')}`);
  const out = new Float64Array(table.rows.length);
  try {
    table.rows.forEach((r, k) => (out[k] = readNumberCell(r[j] ?? '', { source, row: k + 1, column: name })));
  } catch (error) {
    throw lawsCsvError(error);
  }
  return out;
}
