/** CSV cells: the strict decimal number reader, and the writer that keeps spreadsheet formulas inert. Browser-safe. */
import { CsvError, type CsvPlace } from './csv.js';

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

/**
 * `parseNumberCell` that throws a `CsvError` naming the place:
 * `<source>: row <row>, column '<column>': expected a finite number, <problem>` and ` (line <line>)` when known.
 */
export function readNumberCell(cell: string, place: CsvPlace & { row: number; column: string }): number {
  const v = parseNumberCell(cell);
  if (typeof v === 'number') return v;
  const problem = `expected a finite number, ${v.problem}`;
  const at = place.line === undefined ? '' : ` (line ${place.line})`;
  throw new CsvError(`${place.source}: row ${place.row}, column '${place.column}': ${problem}${at}`, place, problem);
}

/** Text a spreadsheet or a reader would take as a number (decimal, or a NaN / infinity marker). */
function readsAsNumber(text: string): boolean {
  const t = text.trim();
  return NUMBER.test(t) || /^(nan|NaN)$/.test(t) || /^[+-]?(inf|Infinity)$/i.test(t);
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break (RFC 4180), and — when it is text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or carriage return) — prefixed with
 * `'` so it stays text (OWASP CSV injection). Numbers, and text that reads as a plain number such as `-1.5`,
 * are written as they are.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const plain = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';
  let text = plain ? String(value) : typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !readsAsNumber(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV text with a header line; `columns` default to the first row's keys. Every field goes through `csvCell`. */
export function formatCsv(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[] = Object.keys(rows[0] ?? {})): string {
  if (columns.length === 0) return '';
  const lines = [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))];
  return `${lines.join('\n')}\n`;
}
