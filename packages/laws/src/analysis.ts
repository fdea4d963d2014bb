/** Derived quantities: exponent tests, diminishing returns, compute-optimal allocation. */
import { normalCdf, normalQuantile, orderQuantile, studentTCdf, studentTQuantile } from './distributions.js';
import { LawsInputError } from './errors.js';
import { assertComparable, type Exponent } from './units.js';

export interface ExponentTest {
  /** Estimated minus reference exponent. */
  difference: number;
  t: number;
  /** Two-sided p-value (t with `dof` degrees of freedom). */
  pValue: number;
  dof: number;
  /** Models needed (same design spread and noise) to detect this difference at `power` and `alpha`. */
  modelsNeeded: number;
  warnings: string[];
}

/**
 * Is an OLS exponent different from a reference (e.g. Kaplan's −α_N)? Refuses mismatched y units.
 * `sdLnX` is the standard deviation of ln x over the design (for the sample-size answer).
 */
export function exponentTest(
  estimate: Exponent & { se: number; dof: number; sdLnX: number },
  reference: Exponent,
  options: { alpha?: number; power?: number } = {},
): ExponentTest {
  const warnings = assertComparable(estimate, reference);
  if (!(estimate.se > 0) || estimate.dof < 1) throw new LawsInputError('exponentTest needs a positive standard error and ≥ 1 dof');
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  const difference = estimate.value - reference.value;
  const t = difference / estimate.se;
  const pValue = 2 * (1 - studentTCdf(Math.abs(t), estimate.dof));
  // se(n) = σ/(sd_lnx·√n); σ recovered from the current design: σ = se·sd_lnx·√(dof + 2).
  const sigma = estimate.se * estimate.sdLnX * Math.sqrt(estimate.dof + 2);
  let modelsNeeded = Number.POSITIVE_INFINITY;
  for (let n = 3; n <= 1e6; n = n < 100 ? n + 1 : Math.ceil(n * 1.05)) {
    const se = sigma / (estimate.sdLnX * Math.sqrt(n));
    const crit = studentTQuantile(1 - alpha / 2, n - 2);
    const achieved = 1 - normalCdf(crit - Math.abs(difference) / se);
    if (achieved >= power) {
      modelsNeeded = n;
      break;
    }
  }
  return { difference, t, pValue, dof: estimate.dof, modelsNeeded, warnings };
}

export interface ComputeOptimal {
  /** Compute budget C in FLOPs (C = 6·N·D). */
  C: number;
  N_opt: number;
  D_opt: number;
  tokensPerParam: number;
}

/** Hoffmann's closed form for L = E + A/N^α + B/D^β under C = 6ND: N_opt = G·(C/6)^(β/(α+β)), D_opt = (C/6)/N_opt. */
export function computeOptimal(p: { A: number; B: number; alpha: number; beta: number; E?: number }, C: number): ComputeOptimal {
  if (!(C > 0)) throw new LawsInputError(`compute budget must be positive, found ${C}`);
  const s = p.alpha + p.beta;
  const G = ((p.alpha * p.A) / (p.beta * p.B)) ** (1 / s);
  const N_opt = G * (C / 6) ** (p.beta / s);
  const D_opt = C / 6 / N_opt;
  return { C, N_opt, D_opt, tokensPerParam: D_opt / N_opt };
}

export interface DiminishingRow {
  from: number;
  to: number;
  yFrom: number;
  yTo: number;
  /** yTo − yFrom. */
  dy: number;
  /** Δy per 100M additional parameters (x units of 1e8). */
  dyPer100M: number;
  /** yTo / yFrom. */
  ratio: number;
  ci?: { dy: [number, number]; dyPer100M: [number, number]; ratio: [number, number] };
}

/**
 * Diminishing-returns table between consecutive sizes, from a fitted law `predict(x)`. With `draws` (one
 * predictor per bootstrap refit, see `bootstrapFit`), each row gets percentile intervals at `level`.
 */
export function diminishingReturns(
  sizes: readonly number[],
  predict: (x: number) => number,
  draws: readonly ((x: number) => number)[] = [],
  level = 0.95,
): DiminishingRow[] {
  const xs = [...sizes].sort((a, b) => a - b);
  const rows: DiminishingRow[] = [];
  for (let i = 1; i < xs.length; i++) {
    const from = xs[i - 1]!;
    const to = xs[i]!;
    const yFrom = predict(from);
    const yTo = predict(to);
    const row: DiminishingRow = {
      from,
      to,
      yFrom,
      yTo,
      dy: yTo - yFrom,
      dyPer100M: ((yTo - yFrom) / (to - from)) * 1e8,
      ratio: yTo / yFrom,
    };
    if (draws.length >= 2) {
      const dys = Float64Array.from(draws, (f) => f(to) - f(from)).sort();
      const ratios = Float64Array.from(draws, (f) => f(to) / f(from)).sort();
      const pct = (a: Float64Array): [number, number] => [orderQuantile(a, (1 - level) / 2), orderQuantile(a, (1 + level) / 2)];
      const dy = pct(dys);
      row.ci = { dy, dyPer100M: [(dy[0] / (to - from)) * 1e8, (dy[1] / (to - from)) * 1e8], ratio: pct(ratios) };
    }
    rows.push(row);
  }
  return rows;
}

/** Two-sided normal critical value (convenience). */
export const zCritical = (level: number): number => normalQuantile(0.5 + level / 2);
