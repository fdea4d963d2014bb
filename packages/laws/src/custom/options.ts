/** Text options of a custom form: bounds `alpha>0` and starts `alpha=0.5` or ranges `alpha=0.1..1`. */
import { LawsInputError } from '../errors.js';

const NUMBER = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';
const START_RE = new RegExp(`^\\s*([A-Za-z_]\\w*)\\s*=\\s*(${NUMBER})\\s*(?:\\.\\.\\s*(${NUMBER})\\s*)?$`);

/** Parameters bounded below by 0 (fitted as their logarithm); only `NAME>0` is accepted. */
export function parseBounds(bounds: readonly string[], params: readonly string[]): Set<string> {
  const positive = new Set<string>();
  for (const text of bounds) {
    const m = /^\s*([A-Za-z_]\w*)\s*>\s*0*\.?0*\s*$/.exec(text);
    if (!m || !/>\s*0/.test(text))
      throw new LawsInputError(`bound '${text}': expected NAME>0 (a positive parameter, fitted as its logarithm)`);
    if (!params.includes(m[1]!))
      throw new LawsInputError(`bound '${text}': '${m[1]}' is not a parameter of the formula (parameters: ${params.join(', ')})`);
    positive.add(m[1]!);
  }
  return positive;
}

/** Start values per parameter from `NAME=V` or `NAME=LO..HI` (a range gives `points` values). */
export function parseStarts(
  starts: readonly string[],
  params: readonly string[],
  positive: Set<string>,
  points: number,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const text of starts) {
    const m = START_RE.exec(text);
    if (!m) throw new LawsInputError(`start '${text}': expected NAME=VALUE or NAME=LO..HI with decimal numbers`);
    const name = m[1]!;
    if (!params.includes(name))
      throw new LawsInputError(`start '${text}': '${name}' is not a parameter of the formula (parameters: ${params.join(', ')})`);
    if (out.has(name)) throw new LawsInputError(`start '${text}': '${name}' already has a start`);
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
      throw new LawsInputError(`start '${text}': expected LO ≤ HI, both finite`);
    }
    if (positive.has(name) && lo <= 0) throw new LawsInputError(`start '${text}': '${name}' is bounded > 0, so its starts must be > 0`);
    const k = hi === lo ? 1 : points;
    // Ranges of positive parameters are spaced evenly in log (they are fitted as logarithms).
    out.set(
      name,
      Array.from({ length: k }, (_, i) => {
        const t = k === 1 ? 0 : i / (k - 1);
        return positive.has(name) ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
      }),
    );
  }
  return out;
}

/** Every combination of the per-parameter start values (parameters without one start at 1). */
export function startGrid(params: readonly string[], values: Map<string, number[]>, max: number): number[][] {
  let grid: number[][] = [[]];
  for (const name of params) {
    const vs = values.get(name) ?? [1];
    grid = grid.flatMap((s) => vs.map((v) => [...s, v]));
    if (grid.length > max)
      throw new LawsInputError(`the start ranges give more than ${max} starting points: narrow them or give fewer ranges`);
  }
  return grid;
}
