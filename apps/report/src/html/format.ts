import type { Cell } from '../types.js';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Format a cell for reading: integers with thousands separators (124,635,456), other numbers with
 * `digits` significant digits, scientific notation beyond 1e±6; non-finite numbers are shown as
 * they are (never silently blank).
 */
export function formatCell(value: Cell, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-4)) return value.toExponential(digits - 1).replace('e+', 'e');
  return Number(value.toPrecision(digits)).toString();
}

/** Column header with its unit: "loss (nats/token)". */
export function headerText(column: string, unit: string | undefined): string {
  return unit ? `${column} (${unit})` : column;
}
