/** Reading a results table for `scalewise fit`: CSV or JSON rows → checked numeric columns. */
import { readFile } from 'node:fs/promises';
import { LawsInputError, numericColumn, parseCsv, type Table } from '@scalewise/laws';
import { UsageError } from '../kit.js';

/** Read FILE as a table: `.json` (or text starting with `[`/`{`) as an array of row objects, otherwise CSV. */
export async function readTable(path: string, display: string): Promise<Table> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${display}: cannot read the file (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`, { cause: error });
  }
  const trimmed = text.trimStart();
  if (path.toLowerCase().endsWith('.json') || trimmed.startsWith('[') || trimmed.startsWith('{')) return jsonTable(text, display);
  return parseCsv(text, display);
}

function jsonTable(text: string, display: string): Table {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LawsInputError(`${display}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const rows = Array.isArray(data) ? data : (data as { rows?: unknown }).rows;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new LawsInputError(`${display}: expected a non-empty JSON array of row objects (or {"rows": [...]})`);
  }
  const header: string[] = [];
  rows.forEach((r, k) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new LawsInputError(`${display}: row ${k + 1} is not an object`);
    for (const key of Object.keys(r)) if (!header.includes(key)) header.push(key);
  });
  return {
    header,
    rows: rows.map((r: Record<string, unknown>) =>
      header.map((h) => {
        const v = r[h];
        return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
      }),
    ),
  };
}

/** A numeric column, with positivity checked on the file's own row numbers when the form is fitted in logs. */
export function column(table: Table, name: string, display: string, positive: boolean): Float64Array {
  const col = numericColumn(table, name, display);
  if (positive) {
    col.forEach((v, i) => {
      if (!(v > 0)) throw new LawsInputError(`${display}: row ${i + 1}, column '${name}': expected a positive number for a log-space fit, found ${v}`);
    });
  }
  return col;
}

/** Indices of the rows kept after dropping the `k` rows of highest y (Besiroglu et al. drop 5). */
export function dropTop(y: Float64Array, k: number): number[] {
  const order = Array.from(y.keys()).sort((a, b) => y[b]! - y[a]! || a - b);
  const dropped = new Set(order.slice(0, k));
  return Array.from(y.keys()).filter((i) => !dropped.has(i));
}
