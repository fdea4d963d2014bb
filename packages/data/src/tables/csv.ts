import { CsvError, readCsvRecords } from '@scalewise/core';
import { DataInputError } from '../errors.js';

/** A parsed CSV: header cells and data rows with the 1-based line each row starts on. */
export interface CsvData {
  header: string[];
  rows: Array<{ line: number; cells: string[] }>;
}

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), tokenized by `@scalewise/core`; every row must have
 * as many cells as the header. Errors are `DataInputError`s worded `<file> line <n>: …` like the rest of this package.
 */
export function parseCsv(text: string, file: string): CsvData {
  let records;
  try {
    records = readCsvRecords(text, file);
  } catch (error) {
    if (error instanceof CsvError && error.line !== undefined) {
      throw new DataInputError(`${file} line ${error.line}: ${error.problem}`, { cause: error });
    }
    throw error;
  }
  const [head, ...rest] = records;
  if (!head) throw new DataInputError(`${file}: expected a header row, found an empty file`);
  const header = head.fields.map((h) => h.trim());
  const rows = rest.map(({ fields, line }) => {
    if (fields.length !== header.length) {
      throw new DataInputError(`${file} line ${line}: expected ${header.length} cells (${header.join(', ')}), found ${fields.length}`);
    }
    return { line, cells: fields };
  });
  return { header, rows };
}
