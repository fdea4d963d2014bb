/**
 * The explorer's data: a CSV or JSON table read into numeric columns. Browser-safe (the page's worker runs it, and
 * `writeExplorer` runs it in Node to refuse a bad FILE before writing anything). Errors name the file, row and column.
 */
import { LawsInputError, numericColumn, parseCsv, type Table } from '@scalewise/laws';

export interface ExplorerTable {
  /** File name as the user gave it (messages name it). */
  name: string;
  rows: number;
  /** Every column, in file order. */
  columns: string[];
  /** Columns whose every cell is a decimal number, as arrays. */
  numeric: Record<string, Float64Array>;
}

/** Largest table the page accepts (characters): a bigger file belongs to `scalewise fit`. */
export const MAX_TABLE_CHARS = 64 * 1024 * 1024;

function cellText(v: unknown, name: string, row: number, key: string): string {
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  if (v === null || v === undefined) return '';
  throw new LawsInputError(
    `${name}: row ${row}, field '${key}': expected a number or a string, found ${Array.isArray(v) ? 'an array' : typeof v}`,
  );
}

/** JSON: an array of row objects, or `{ "rows": [...] }`; cells become strings so CSV and JSON take one path. */
function jsonTable(text: string, name: string): Table {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LawsInputError(`${name}: not valid JSON (${(error as Error).message})`);
  }
  const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new LawsInputError(`${name}: expected a JSON array of row objects (or {"rows": [...]})`);
  const header: string[] = [];
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new LawsInputError(`${name}: row ${i + 1}: expected an object`);
    for (const k of Object.keys(r)) if (!header.includes(k)) header.push(k);
  });
  return {
    header,
    rows: rows.map((r: Record<string, unknown>, i) => header.map((k) => cellText(r[k], name, i + 1, k))),
  };
}

/** Whether text is JSON rather than CSV: a `.json` name, or text that opens with `[` or `{`. */
export function looksLikeJson(text: string, name: string): boolean {
  return /\.json$/i.test(name) || /^\s*[[{]/.test(text.replace(/^\ufeff/, ''));
}

/** Read a table; at least one row and two numeric columns (an x and a y), else a LawsInputError naming the file. */
export function readExplorerTable(text: string, name: string): ExplorerTable {
  if (text.length > MAX_TABLE_CHARS)
    throw new LawsInputError(`${name}: ${text.length} characters, more than the explorer's ${MAX_TABLE_CHARS} (use 'scalewise fit')`);
  if (text.includes('\u0000')) throw new LawsInputError(`${name}: not a text table (the file contains NUL bytes; binary data?)`);
  const body = text.replace(/^\ufeff/, '');
  const table = looksLikeJson(body, name) ? jsonTable(body, name) : parseCsv(body, name);
  if (table.rows.length === 0) throw new LawsInputError(`${name}: no data rows`);
  const numeric: Record<string, Float64Array> = {};
  for (const column of table.header) {
    try {
      numeric[column] = numericColumn(table, column, name);
    } catch {
      // A text column (model names): listed, not offered as x or y.
    }
  }
  const found = Object.keys(numeric);
  if (found.length < 2) {
    throw new LawsInputError(
      `${name}: needs at least two numeric columns (an input and a measured quantity); numeric: ${found.join(', ') || 'none'}`,
    );
  }
  return { name, rows: table.rows.length, columns: table.header, numeric };
}
