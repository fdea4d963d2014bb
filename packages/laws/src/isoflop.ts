/**
 * Chinchilla approaches 1 and 2. Approach 2 fits a parabola of loss against ln N on each IsoFLOP slice and a
 * power law N_opt ∝ C^a through the vertices. Its known biases — a slice grid off-centre from the true optimum,
 * or too wide for a parabola to describe L(ln N) when α ≠ β — are shown by `approach2Bias` on noiseless data.
 */
import { LawsInputError } from './errors.js';
import { chinchilla } from './forms.js';
import { leastSquares } from './linalg.js';
import { fitPowerOls } from './ols.js';

export interface IsoflopRun {
  N: number;
  /** Compute budget of the slice (FLOPs). Runs with equal C form one slice. */
  C: number;
  loss: number;
}

export interface Approach2Result {
  /**
   * One per budget used. Approach 2 adds the sampled range of N (`N_min`, `N_max`) and `outside`: the parabola's
   * vertex lies outside it, so N_opt is an extrapolation.
   */
  slices: { C: number; N_opt: number; points: number; N_min?: number; N_max?: number; outside?: boolean }[];
  /** Exponent a of N_opt = k·C^a, and k. */
  a: number;
  k: number;
  ciA: [number, number];
  /** Interval of k (t-based, from the same log-log regression). */
  ciK?: [number, number];
  /** Slices left out or extrapolated and why (fewer than 3 runs, a parabola that is not convex, a vertex outside the sampled sizes). */
  warnings?: string[];
}

/** Approach 2 on IsoFLOP slices (≥ 3 runs per slice; at least 3 slices). */
export function approach2(runs: readonly IsoflopRun[]): Approach2Result {
  const byC = new Map<number, IsoflopRun[]>();
  for (const r of runs) byC.set(r.C, [...(byC.get(r.C) ?? []), r]);
  const slices: Approach2Result['slices'] = [];
  const warnings: string[] = [];
  const small = [...byC.entries()].filter(([, rs]) => rs.length < 3).map(([C, rs]) => ({ C, runs: rs.length }));
  if (small.length > 3) {
    // Many thin slices (compute values that are not on a few budgets) get one line, not one each.
    const cs = small.map((s) => s.C).sort((p, q) => p - q);
    warnings.push(
      `${small.length} budgets between C = ${cs[0]!.toExponential(1)} and ${cs.at(-1)!.toExponential(1)} FLOP have fewer than 3 runs: ` +
        'a parabola needs 3, slices left out (are the rows on a few compute budgets? a wider budget tolerance groups nearby values)',
    );
  }
  for (const [C, rs] of [...byC.entries()].sort((p, q) => p[0] - q[0])) {
    if (rs.length < 3) {
      if (small.length <= 3)
        warnings.push(`the slice at C = ${C.toExponential(1)} FLOP has ${rs.length} run(s): a parabola needs 3, slice left out`);
      continue;
    }
    const a = new Float64Array(rs.length * 3);
    rs.forEach((r, i) => a.set([1, Math.log(r.N), Math.log(r.N) ** 2], i * 3));
    const c = leastSquares(
      a,
      rs.length,
      3,
      rs.map((r) => r.loss),
    );
    if (!c || !(c[2]! > 0)) {
      warnings.push(`the loss at C = ${C.toExponential(1)} FLOP is not convex in ln N (no minimum inside the slice): slice left out`);
      continue;
    }
    const N_opt = Math.exp(-c[1]! / (2 * c[2]!));
    const N_min = Math.min(...rs.map((r) => r.N));
    const N_max = Math.max(...rs.map((r) => r.N));
    const outside = N_opt < N_min || N_opt > N_max;
    if (outside)
      warnings.push(
        `the parabola's vertex at C = ${C.toExponential(1)} FLOP (N_opt = ${N_opt.toExponential(2)} params) lies outside the sampled ` +
          `sizes ${N_min.toExponential(2)}–${N_max.toExponential(2)}: an extrapolation, slice kept`,
      );
    slices.push({ C, N_opt, points: rs.length, N_min, N_max, outside });
  }
  if (slices.length < 3) throw new LawsInputError(`approach 2 needs ≥ 3 IsoFLOP slices with a convex parabola, found ${slices.length}`);
  const fit = fitPowerOls(
    slices.map((s) => s.C),
    slices.map((s) => s.N_opt),
  );
  return { slices, a: fit.params.b!, k: fit.params.a!, ciA: fit.ci.b!, ciK: fit.ci.a, warnings };
}

/**
 * Approach 1: for each budget C, the N whose training curve reaches the lowest loss at D = C/(6N)
 * (log-linear interpolation inside each curve, no extrapolation), then N_opt ∝ C^a.
 */
export function approach1(curves: readonly { N: number; D: number[]; loss: number[] }[], budgets: readonly number[]): Approach2Result {
  const slices: Approach2Result['slices'] = [];
  for (const C of budgets) {
    let best = Infinity;
    let bestN = Number.NaN;
    for (const cv of curves) {
      const d = C / (6 * cv.N);
      for (let i = 1; i < cv.D.length; i++) {
        const d0 = cv.D[i - 1]!;
        const d1 = cv.D[i]!;
        if (d >= d0 && d <= d1) {
          const t = Math.log(d / d0) / Math.log(d1 / d0);
          const l = cv.loss[i - 1]! + t * (cv.loss[i]! - cv.loss[i - 1]!);
          if (l < best) {
            best = l;
            bestN = cv.N;
          }
        }
      }
    }
    if (Number.isFinite(bestN)) slices.push({ C, N_opt: bestN, points: curves.length });
  }
  if (slices.length < 3) throw new LawsInputError(`approach 1 needs ≥ 3 budgets covered by the curves, found ${slices.length}`);
  const fit = fitPowerOls(
    slices.map((s) => s.C),
    slices.map((s) => s.N_opt),
  );
  return { slices, a: fit.params.b!, k: fit.params.a!, ciA: fit.ci.b! };
}

/**
 * Noiseless IsoFLOP study of a Chinchilla law: slices of `points` sizes spanning `widthDecades` decades of N
 * centred `offsetDecades` away from the true optimum, or the same `fixedSizes` for every budget (as real sweeps
 * do). With a constant offset in ln N the parabola's vertex error is a constant factor and the exponent stays
 * unbiased; with fixed sizes the offset drifts with C and, when α ≠ β (asymmetric slices), the exponent is biased.
 * Returns approach 2's exponent and the true β/(α+β).
 */
export function approach2Bias(
  p: { E: number; A: number; B: number; alpha: number; beta: number },
  budgets: readonly number[],
  design: { points?: number; widthDecades?: number; offsetDecades?: number; fixedSizes?: readonly number[] } = {},
): { estimated: number; truth: number; bias: number } {
  const k = design.points ?? 9;
  const w = design.widthDecades ?? 1;
  const off = design.offsetDecades ?? 0;
  const s = p.alpha + p.beta;
  const G = ((p.alpha * p.A) / (p.beta * p.B)) ** (1 / s);
  const runs: IsoflopRun[] = [];
  const values = [p.E, p.A, p.B, p.alpha, p.beta];
  for (const C of budgets) {
    const nOpt = G * (C / 6) ** (p.beta / s);
    const sizes = design.fixedSizes ?? Array.from({ length: k }, (_, i) => nOpt * 10 ** (off - w / 2 + (w * i) / (k - 1)));
    for (const N of sizes) runs.push({ N, C, loss: chinchilla.predict(values, [N, C / (6 * N)]) });
  }
  const est = approach2(runs).a;
  const truth = p.beta / s;
  return { estimated: est, truth, bias: est - truth };
}

export interface IsoflopBracket {
  C: number;
  /** Size of the run with the lowest loss at this budget. */
  bestN: number;
  bestLoss: number;
  /** The best run is the smallest or the largest size of the grid: the budget's optimum is not bracketed. */
  atEdge: boolean;
}

/**
 * Whether each budget's measured optimum lies inside the grid of sizes. An optimum at the edge means approach 2
 * and the compute-optimal allocation extrapolate; each such budget gets a warning.
 */
export function isoflopBracketing(runs: readonly IsoflopRun[]): { budgets: IsoflopBracket[]; warnings: string[] } {
  const sizes = [...new Set(runs.map((r) => r.N))].sort((a, b) => a - b);
  const budgets: IsoflopBracket[] = [];
  const warnings: string[] = [];
  for (const C of [...new Set(runs.map((r) => r.C))].sort((a, b) => a - b)) {
    const best = runs.filter((r) => r.C === C).sort((a, b) => a.loss - b.loss)[0]!;
    const atEdge = best.N === sizes[0] || best.N === sizes.at(-1);
    budgets.push({ C, bestN: best.N, bestLoss: best.loss, atEdge });
    if (atEdge)
      warnings.push(
        `at C = ${C.toExponential(1)} FLOP the best model is at the edge of the ladder (${best.N} params): the grid does not bracket ` +
          `the optimum`,
      );
  }
  return { budgets, warnings };
}
