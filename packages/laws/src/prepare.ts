/**
 * Preparing observations before a fit, and the small derived quantities reported beside it: dropping the rows of
 * highest loss (Besiroglu et al. drop 5), tokens from FLOPs (D = C / 6N), the loss-unit refit of a perplexity
 * law, and log residuals of a fitted form.
 */
import { LawsInputError } from './errors.js';
import type { Form } from './forms.js';
import { fitPowerOls } from './ols.js';
import type { FitResult, Observations } from './types.js';
import { convertY, type YUnit } from './units.js';

/** Indices of the rows kept after dropping the `k` rows of highest y (ties: the earlier row is dropped first). */
export function dropTop(y: ArrayLike<number>, k: number): number[] {
  const n = y.length;
  if (!Number.isInteger(k) || k < 0 || k >= n)
    throw new LawsInputError(`cannot drop ${k} of ${n} rows: expected an integer in [0, ${n - 1}]`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[b]! - y[a]! || a - b);
  const dropped = new Set(order.slice(0, k));
  return Array.from({ length: n }, (_, i) => i).filter((i) => !dropped.has(i));
}

/** The observations without the `k` rows of highest y. */
export function dropTopRows(obs: Observations, k: number): Observations {
  const kept = dropTop(obs.y, k);
  const pick = (a: ArrayLike<number> | undefined): Float64Array | undefined =>
    a === undefined ? undefined : Float64Array.from(kept, (i) => a[i]!);
  const out: Observations = { y: pick(obs.y)! };
  if (obs.x) out.x = pick(obs.x);
  if (obs.N) out.N = pick(obs.N);
  if (obs.D) out.D = pick(obs.D);
  if (obs.weights) out.weights = pick(obs.weights);
  return out;
}

/** Training tokens from training FLOPs and parameters, D = C / (6N) (the 6ND rule). */
export function tokensFromFlops(C: ArrayLike<number>, N: ArrayLike<number>): Float64Array {
  if (C.length !== N.length) throw new LawsInputError(`FLOPs have ${C.length} values but parameters have ${N.length}`);
  return Float64Array.from({ length: C.length }, (_, i) => C[i]! / (6 * N[i]!));
}

export interface LossUnitRefit {
  /** Exponent of the power law refitted to loss (nats/token) instead of the reported unit. */
  b: number;
  ci_b: [number, number];
  note: string;
}

/**
 * A perplexity-space exponent is not a loss-space one: for a power law fitted to perplexity, refit ln(PPL) —
 * loss in nats — against the same x. Undefined (null) for other forms or units, or fewer than 3 points.
 */
export function lossUnitRefit(fit: FitResult, obs: Observations, unitY: YUnit): LossUnitRefit | null {
  if (fit.form !== 'power' || unitY !== 'perplexity' || !obs.x || fit.n_points < 3) return null;
  const lf = fitPowerOls(obs.x, convertY(obs.y, 'perplexity', 'loss_nats'), fit.ci_level);
  return {
    b: lf.params.b!,
    ci_b: lf.ci.b!,
    note: 'refit of ln(perplexity) = loss in nats; compare this exponent with loss-space laws (Kaplan alpha_N)',
  };
}

/** Log residuals ln y − ln ŷ of a fitted one-variable form at each (x, y). */
export function logResiduals(form: Form, values: ArrayLike<number>, x: readonly number[], y: readonly number[]): number[] {
  return x.map((xi, i) => Math.log(y[i]!) - Math.log(form.predict(values, [xi])));
}
