/** Model comparison: AIC/BIC, leave-one-out error, fit-on-small/predict-large error. */
import { LawsError } from './errors.js';
import { fitLaw, type FitOptions } from './fit.js';
import { getForm, type InputName } from './forms.js';
import type { FitResult, Observations } from './types.js';

/** Gaussian information criteria on the fit's residuals (k parameters + 1 for the noise variance). */
export function informationCriteria(fit: FitResult): { aic: number; bic: number; aicc: number } {
  const n = fit.n_points;
  let rss = 0;
  for (const r of fit.residuals) rss += r * r;
  const k = fit.values.length + 1;
  const ll = -0.5 * n * (Math.log((2 * Math.PI * Math.max(rss, 1e-300)) / n) + 1);
  const aic = 2 * k - 2 * ll;
  return { aic, bic: k * Math.log(n) - 2 * ll, aicc: n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : Number.POSITIVE_INFINITY };
}

function subset(obs: Observations, keep: number[]): Observations {
  const pick = (a: ArrayLike<number> | undefined): number[] | undefined => (a === undefined ? undefined : keep.map((i) => a[i]!));
  return { x: pick(obs.x), N: pick(obs.N), D: pick(obs.D), U: pick(obs.U), y: pick(obs.y)! };
}

function inputsAt(obs: Observations, inputs: readonly string[], i: number): number[] {
  return inputs.map((name) => (obs as unknown as Record<string, ArrayLike<number>>)[name]![i]!);
}

/** Leave-one-out: refit without each row, report mean absolute relative error of the held-out predictions. */
export function leaveOneOut(obs: Observations, options: FitOptions): { errors: Float64Array; meanAbsRelError: number } {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const n = obs.y.length;
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const keep = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    const fit = fitLaw(subset(obs, keep), { ...options, intervals: false });
    const pred = form.predict(fit.values, inputsAt(obs, form.inputs, i));
    errors[i] = Math.abs(pred - obs.y[i]!) / Math.abs(obs.y[i]!);
  }
  const mean = errors.reduce((s, e) => s + e, 0) / n;
  if (!Number.isFinite(mean)) throw new LawsError('leave-one-out produced a non-finite error');
  return { errors, meanAbsRelError: mean };
}

/**
 * Fit on the rows with the smallest `by` input (all but the largest `holdOut` rows), predict the rest:
 * absolute relative error of each extrapolated point (the Hitchhiker's-guide criterion).
 */
export function fitSmallPredictLarge(
  obs: Observations,
  options: FitOptions,
  holdOut = 1,
  by: InputName = 'x',
): { held: number[]; absRelErrors: number[] } {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const key = obs[by];
  if (!key) throw new LawsError(`fitSmallPredictLarge: observations have no '${by}'`);
  const order = Array.from({ length: obs.y.length }, (_, i) => i).sort((a, b) => key[a]! - key[b]!);
  const train = order.slice(0, order.length - holdOut);
  const held = order.slice(order.length - holdOut);
  const fit = fitLaw(subset(obs, train), { ...options, intervals: false });
  return {
    held,
    absRelErrors: held.map((i) => Math.abs(form.predict(fit.values, inputsAt(obs, form.inputs, i)) - obs.y[i]!) / Math.abs(obs.y[i]!)),
  };
}
