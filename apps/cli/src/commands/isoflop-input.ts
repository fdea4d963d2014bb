/**
 * Reading `scalewise isoflop` tables: the numeric columns through fit's streaming reader, and the run column of
 * training curves as text (run names such as "run-3" are not numbers).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseCsv, type Table } from '@scalewise/laws';
import { UsageError } from '../kit.js';

/** Training-curve files are read whole to get the run column as text; larger ones are refused. */
const MAX_TEXT_BYTES = 256 * 1024 * 1024;

/** The values of column `name` as text, one per data row, from a CSV or JSON table. */
export async function readTextColumn(path: string, display: string, name: string): Promise<string[]> {
  const st = await stat(path);
  if (st.size > MAX_TEXT_BYTES)
    throw new UsageError(`${display}: ${(st.size / 1e6).toFixed(0)} MB is too large for training curves with --run (at most 256 MB)`);
  const text = (await readFile(path, 'utf8')).replace(/^\ufeff/, '');
  const head = text.trimStart();
  let table: Table | null = null;
  if (path.toLowerCase().endsWith('.json') || head.startsWith('[') || head.startsWith('{')) {
    const data = JSON.parse(text) as unknown;
    const rows = Array.isArray(data) ? data : (data as { rows?: unknown[] }).rows;
    return (rows ?? []).map((r, k) => cell((r as Record<string, unknown>)[name], display, k + 1, name));
  }
  table = parseCsv(text, display);
  const j = table.header.indexOf(name);
  if (j < 0) throw new UsageError(`${display}: no column '${name}' (--run); columns are: ${table.header.join(', ')}`);
  return table.rows.map((r, k) => cell(r[j], display, k + 1, name));
}

function cell(v: unknown, display: string, row: number, name: string): string {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (s === '') throw new UsageError(`${display}: row ${row}, column '${name}': the run name is empty`);
  return s;
}
