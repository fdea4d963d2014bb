import { ReportInputError } from '../errors.js';
import type { Cell } from '../types.js';

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

/** Split CSV text into records of fields (RFC 4180: quoted fields, doubled quotes, CRLF). */
function splitRecords(text: string, file: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = []; field = ''; line++;
    } else field += c;
  }
  if (quoted) throw new ReportInputError(`${file}: unterminated quoted field at end of file (line ${line})`);
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  return records.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
}

/** Parse a CSV with a header row; every data row must have as many fields as the header. */
export function parseCsv(text: string, file: string): ParsedTable {
  const records = splitRecords(text.replace(/^\uFEFF/, ''), file);
  const header = records[0];
  if (!header) throw new ReportInputError(`${file}: expected a header row, found an empty file`);
  const columns = header.map((h, i) => h.trim() || `column_${i + 1}`);
  const rows = records.slice(1).map((rec, r) => {
    if (rec.length !== columns.length) {
      throw new ReportInputError(`${file}: row ${r + 2} has ${rec.length} fields, expected ${columns.length} (header: ${columns.join(', ')})`);
    }
    return Object.fromEntries(columns.map((c, i) => [c, parseValue(rec[i] as string)]));
  });
  return { columns, rows };
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break (RFC 4180), and — when it is text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or carriage return) — prefixed with
 * `'` so it stays text (OWASP CSV injection). Numbers, and text that reads as a plain number such as `-1.5`,
 * are written as they are.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && typeof parseValue(text) !== 'number') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV text with a header line; `columns` default to the first row's keys. Every field goes through `csvCell`. */
export function formatCsv(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[] = Object.keys(rows[0] ?? {})): string {
  if (columns.length === 0) return '';
  const lines = [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))];
  return `${lines.join('\n')}\n`;
}
