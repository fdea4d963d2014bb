/**
 * Bench helpers: the Chinchilla runs come from the package's built-in dataset; ../shared (reference data
 * beside a development clone) is only used, when present, to check that the built-in copy still matches it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCsv, numericColumn } from '../src/csv.js';
import { chinchillaFitData, datasets } from '../src/datasets.js';

export const SHARED = resolve(import.meta.dirname, '../../../../shared');
const SHARED_CHINCHILLA = resolve(SHARED, 'data/chinchilla/svg_extracted_data.csv');

/** Chinchilla runs with the 5 highest-loss rows dropped and D = C/(6N), as Besiroglu et al. (n = 240). */
export function chinchillaData(): { N: Float64Array; D: Float64Array; y: Float64Array } {
  return chinchillaFitData(5);
}

/**
 * Where the ../shared CSV differs from the built-in runs (a one-line reason), or null when they agree
 * or ../shared is absent (nothing to compare).
 */
export function sharedChinchillaMismatch(): string | null {
  if (!existsSync(SHARED_CHINCHILLA)) return null;
  const t = parseCsv(readFileSync(SHARED_CHINCHILLA, 'utf8'), SHARED_CHINCHILLA);
  const { N, C, loss } = datasets.chinchilla;
  const columns: [string, readonly number[]][] = [
    ['Model Size', N],
    ['Training FLOP', C],
    ['loss', loss],
  ];
  for (const [name, builtIn] of columns) {
    const col = numericColumn(t, name);
    if (col.length !== builtIn.length) return `${name}: ${col.length} rows in ../shared, ${builtIn.length} built in`;
    const i = Array.from(col.keys()).find((k) => col[k] !== builtIn[k]);
    if (i !== undefined) return `${name} row ${i + 1}: ${col[i]} in ../shared, ${builtIn[i]} built in`;
  }
  return null;
}

/** A CSV of the built-in runs with the original column names, for the scipy reference script. */
export function chinchillaCsvPath(): string {
  const { N, C, loss } = datasets.chinchilla;
  const path = join(mkdtempSync(join(tmpdir(), 'laws-bench-')), 'svg_extracted_data.csv');
  writeFileSync(path, ['Model Size,Training FLOP,loss', ...N.map((n, i) => `${n},${C[i]},${loss[i]}`)].join('\n') + '\n');
  return path;
}
