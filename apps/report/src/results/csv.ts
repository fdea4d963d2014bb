import { CsvError, readCsvRecords } from '@scalewise/core';
import { ReportInputError } from '../errors.js';
import type { Cell } from '../types.js';

/** The writer is core's (formula neutralisation included); re-exported where report callers have always found it. */
export { csvCell, formatCsv } from '@scalewise/core';

/** A parsed table: column names in file order and one record per row. */
export interface ParsedTable {
  columns: string[];
  rows: Array<Record<string, Cell>>;
}

/** A numeric-looking field becomes a number; empty becomes null; anything else stays text. */
export function parseValue(text: string): Cell {
  const t = text.trim();
  if (t === '') return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^(nan|NaN)$/.test(t)) return Number.NaN;
  if (/^[+-]?(inf|Infinity)$/i.test(t)) return t.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

/** Parse a CSV with a header row (tokenized by `@scalewise/core`); every data row must have as many fields as the header. */
export function parseCsv(text: string, file: string): ParsedTable {
  let records;
  try {
    // Lines holding only spaces are blank lines here too.
    records = readCsvRecords(text, file).filter((r) => !(r.fields.length === 1 && r.fields[0]!.trim() === ''));
  } catch (error) {
    if (error instanceof CsvError && error.line !== undefined) {
      throw new ReportInputError(`${file}: ${error.problem} (line ${error.line})`, { cause: error });
    }
    throw error;
  }
  const header = records[0]?.fields;
  if (!header) throw new ReportInputError(`${file}: expected a header row, found an empty file`);
  const columns = header.map((h, i) => h.trim() || `column_${i + 1}`);
  const rows = records.slice(1).map(({ fields }, r) => {
    if (fields.length !== columns.length) {
      const names = columns.join(', ');
      throw new ReportInputError(`${file}: row ${r + 2} has ${fields.length} fields, expected ${columns.length} (header: ${names})`);
    }
    return Object.fromEntries(columns.map((c, i) => [c, parseValue(fields[i]!)]));
  });
  return { columns, rows };
}
