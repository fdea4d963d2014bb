/**
 * A benchmark table checked and turned into numbers: models × benchmark scores (NaN where a cell is empty), and
 * the optional target metric and training compute. Every problem is a LawsInputError naming the source, the row
 * (1 = first data row) and the column, raised before any analysis runs.
 */
import { parseNumberCell } from '@scalewise/core';
import { LawsInputError } from '../errors.js';
import type { Table } from '../csv.js';

/** What to read from a table: benchmark columns for the PCA, and optionally a target metric and compute. */
export interface BenchmarkSpec {
  benchmarks: readonly string[];
  target?: string;
  /** Training compute column (any unit, e.g. `FLOPs (1E21)`); the fit uses its log10. */
  compute?: string;
  /** Column with model names (default: `Model` when present, else row numbers). */
  modelColumn?: string;
}

/** Numbers ready for `observationalScaling`: NaN marks a missing cell. */
export interface BenchmarkScores {
  models: string[];
  benchmarks: string[];
  /** One row per model, one entry per benchmark, each a fraction in [0, 1] or NaN. */
  scores: Float64Array[];
  target?: { name: string; values: Float64Array };
  compute?: { name: string; values: Float64Array };
}

/** Numeric columns by name (NaN = missing), e.g. `datasets.obsScaling`. */
export interface NumericTable {
  header: readonly string[];
  model?: readonly string[];
  columns: Readonly<Record<string, readonly number[]>>;
}

/** Fewest models for a PCA over the benchmarks. */
export const MIN_MODELS = 3;

type Cell = (row: number, column: string) => number;

function cellReader(table: Table | NumericTable, source: string): { header: readonly string[]; rows: number; cell: Cell } {
  if ('columns' in table) {
    const rows = Object.values(table.columns)[0]?.length ?? 0;
    return { header: table.header, rows, cell: (i, name) => table.columns[name]?.[i] ?? NaN };
  }
  return {
    header: table.header,
    rows: table.rows.length,
    cell: (i, name) => {
      const text = (table.rows[i]![table.header.indexOf(name)] ?? '').trim();
      if (text === '') return NaN;
      const v = parseNumberCell(text);
      if (typeof v === 'number') return v;
      throw new LawsInputError(`${source}: row ${i + 1}, column '${name}': expected a number or an empty cell, ${v.problem}`);
    },
  };
}

function checkSpec(spec: BenchmarkSpec, header: readonly string[], source: string): void {
  if (spec.benchmarks.length < 2) throw new LawsInputError(`${source}: need at least 2 benchmark columns, given ${spec.benchmarks.length}`);
  const seen = new Set<string>();
  for (const name of spec.benchmarks) {
    if (seen.has(name)) throw new LawsInputError(`${source}: benchmark column '${name}' is listed twice`);
    seen.add(name);
  }
  for (const [what, name] of [
    ['target', spec.target],
    ['compute', spec.compute],
  ] as const) {
    if (name !== undefined && seen.has(name))
      throw new LawsInputError(`${source}: the ${what} column '${name}' is also a benchmark: the PCA must not see what it predicts`);
  }
  if (spec.target !== undefined && spec.target === spec.compute)
    throw new LawsInputError(`${source}: the target and compute columns are the same ('${spec.target}')`);
  for (const name of [...spec.benchmarks, spec.target, spec.compute, spec.modelColumn]) {
    if (name !== undefined && !header.includes(name))
      throw new LawsInputError(`${source}: no column '${name}'; columns are: ${header.join(', ')}`);
  }
}

function fraction(v: number, i: number, name: string, source: string, what: string): number {
  if (Number.isNaN(v) || (v >= 0 && v <= 1)) return v;
  throw new LawsInputError(
    `${source}: row ${i + 1}, column '${name}': ${what} must be a fraction in [0, 1], found ${v}` +
      (v > 1 && v <= 100 ? ' (percentages? divide by 100)' : ''),
  );
}

/** Read and check the columns of `spec` from a parsed CSV (`parseCsv`) or a numeric table (`datasets.obsScaling`). */
export function benchmarkScores(table: Table | NumericTable, spec: BenchmarkSpec, source = 'input'): BenchmarkScores {
  const { header, rows, cell } = cellReader(table, source);
  checkSpec(spec, header, source);
  const names =
    'columns' in table && table.model
      ? [...table.model]
      : Array.from({ length: rows }, (_, i) => {
          const col = spec.modelColumn ?? (header.includes('Model') ? 'Model' : undefined);
          return col !== undefined && !('columns' in table) ? table.rows[i]![header.indexOf(col)]! : `row ${i + 1}`;
        });
  const scores = Array.from({ length: rows }, (_, i) => {
    const row = Float64Array.from(spec.benchmarks, (name) => fraction(cell(i, name), i, name, source, 'a benchmark score'));
    if (row.every(Number.isNaN))
      throw new LawsInputError(`${source}: row ${i + 1}: no benchmark score (every one of ${spec.benchmarks.join(', ')} is empty)`);
    return row;
  });
  if (rows < MIN_MODELS) throw new LawsInputError(`${source}: ${rows} model rows: the PCA needs at least ${MIN_MODELS}`);
  spec.benchmarks.forEach((name, j) => {
    if (scores.every((r) => Number.isNaN(r[j]!)))
      throw new LawsInputError(`${source}: column '${name}' is empty in every row: no score to impute it from`);
  });
  const out: BenchmarkScores = { models: names, benchmarks: [...spec.benchmarks], scores };
  if (spec.target !== undefined) {
    const name = spec.target;
    out.target = { name, values: Float64Array.from({ length: rows }, (_, i) => fraction(cell(i, name), i, name, source, 'the target')) };
  }
  if (spec.compute !== undefined) {
    const name = spec.compute;
    const values = Float64Array.from({ length: rows }, (_, i) => {
      const v = cell(i, name);
      if (Number.isNaN(v) || (v > 0 && Number.isFinite(v))) return v;
      throw new LawsInputError(
        `${source}: row ${i + 1}, column '${name}': compute must be a positive number (its log is fitted), found ${v}`,
      );
    });
    out.compute = { name, values };
  }
  return out;
}
