/** Test helpers: locating ../shared (reference data beside the clone) without making tests depend on it. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCsv, numericColumn, type Table } from '../src/csv.js';

export const SHARED = resolve(import.meta.dirname, '../../../../shared');

/** The shared CSV as a table, or null (with the reason logged once) when ../shared is absent. */
export function sharedTable(rel: string): Table | null {
  const path = resolve(SHARED, rel);
  if (!existsSync(path)) {
    console.warn(`skipping: ${path} not found (../shared is not beside this clone)`);
    return null;
  }
  return parseCsv(readFileSync(path, 'utf8'), path);
}

/** Chinchilla runs with the 5 highest-loss rows dropped and D = C/(6N), as Besiroglu et al. */
export function chinchillaData(): { N: Float64Array; D: Float64Array; y: Float64Array } | null {
  const t = sharedTable('data/chinchilla/svg_extracted_data.csv');
  if (!t) return null;
  const N = numericColumn(t, 'Model Size');
  const C = numericColumn(t, 'Training FLOP');
  const L = numericColumn(t, 'loss');
  const order = Array.from(L.keys()).sort((a, b) => L[b]! - L[a]!);
  const keep = order.slice(5).sort((a, b) => a - b);
  return {
    N: Float64Array.from(keep, (i) => N[i]!),
    D: Float64Array.from(keep, (i) => C[i]! / (6 * N[i]!)),
    y: Float64Array.from(keep, (i) => L[i]!),
  };
}
