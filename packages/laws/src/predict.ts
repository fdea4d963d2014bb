/**
 * Prediction intervals for new observations from any fitted form (built-in or custom): the spread of the fitted
 * curve over bootstrap refits (parameter uncertainty) convolved with the residual noise, both in the fit's own
 * residual space (log space for log-space fits), then mapped back to y.
 *
 * Noise: Student t with the fit's residual degrees of freedom, scaled by s = √(Σr² / (n − k)), so a small table
 * gets the wider interval its uncertain s calls for. Parameter part: deviations of the refitted predictions from
 * the fit's own, scaled by √(n / (n − k)) (pairs-bootstrap spread uses ML residuals; this is its usual correction).
 */
import { bootstrapFit, type BootstrapResult } from './bootstrap.js';
import { quantile, studentTQuantile } from './distributions.js';
import { LawsError, LawsInputError } from './errors.js';
import { getForm, type Form, type InputName } from './forms.js';
import type { FitOptions } from './fit.js';
import { resolveFitOptions, strategyOf } from './strategies.js';
import type { FitResult, Observations } from './types.js';

/** A prediction at one point: the inputs, the fitted law's value and its prediction interval for a new observation. */
export interface PredictionPoint {
  x?: number;
  N?: number;
  D?: number;
  /** Unique tokens (data-constrained form). */
  U?: number;
  y: number;
  pi: [number, number];
}

/** Options of `predictWithIntervals`; `boot` reuses bootstrap refits already made for this fit (no new refits). */
export interface PredictOptions {
  /** Probability that a new observation falls inside the interval. Default 0.95. */
  level?: number;
  /** Bootstrap refits when `boot` is not given. Default 400. */
  resamples?: number;
  seed?: number;
  boot?: BootstrapResult;
}

/** Default bootstrap refits behind a prediction interval. */
export const PREDICT_RESAMPLES = 400;
/** Noise quantiles combined with each refit (stratified, deterministic). */
const NOISE_POINTS = 100;

type At = { x?: ArrayLike<number>; N?: ArrayLike<number>; D?: ArrayLike<number>; U?: ArrayLike<number> };

/** The points to predict at, as one column per input of the form; refuses missing, extra, uneven or non-finite inputs. */
function checkedPoints(form: Form, at: At): Float64Array[] {
  for (const slot of ['x', 'N', 'D', 'U'] as const) {
    if (at[slot] !== undefined && !form.inputs.includes(slot))
      throw new LawsInputError(`form '${form.name}' takes ${form.inputs.join(' and ')}, not ${slot}: predict at ${form.inputs.join(', ')}`);
  }
  const cols = form.inputs.map((slot: InputName) => {
    const col = at[slot];
    if (col === undefined)
      throw new LawsInputError(`form '${form.name}' needs ${form.inputs.join(' and ')} to predict: ${slot} is missing`);
    return Float64Array.from(col);
  });
  const m = cols[0]!.length;
  cols.forEach((col, c) => {
    if (col.length !== m)
      throw new LawsInputError(`prediction inputs differ in length: ${form.inputs[0]} has ${m} values, ${form.inputs[c]} ${col.length}`);
    col.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new LawsInputError(`prediction point ${i + 1}: ${form.inputs[c]} must be a finite number, found ${v}`);
    });
  });
  return cols;
}

/**
 * The fitted law at new points, without intervals; throws LawsInputError on points the form does not take or
 * where the law has no finite value (no positive one for log-space fits). Cheap: check points with it before
 * spending refits on them.
 */
export function predictAt(fit: FitResult, options: FitOptions, at: At): Omit<PredictionPoint, 'pi'>[] {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const cols = checkedPoints(form, at);
  const logSpace = resolveFitOptions(form, options).space === 'log';
  const xi = new Float64Array(cols.length);
  return Array.from(cols[0]!, (_, i) => {
    cols.forEach((col, c) => (xi[c] = col[i]!));
    const y = form.predict(fit.values, xi);
    if (!(Number.isFinite(y) && (!logSpace || y > 0))) {
      const where = form.inputs.map((slot, c) => `${slot} = ${cols[c]![i]}`).join(', ');
      const found = Number.isNaN(y) ? 'undefined' : String(y);
      throw new LawsInputError(`the fitted law has no ${logSpace ? 'positive ' : ''}finite value at ${where} (found ${found})`);
    }
    // Inputs first, then y: the order a reader expects in printed JSON.
    const point = Object.fromEntries(form.inputs.map((slot, c) => [slot, cols[c]![i]!])) as Omit<PredictionPoint, 'pi'>;
    point.y = y;
    return point;
  });
}

/**
 * Predict the fitted law at new points with `level` prediction intervals (parameter uncertainty plus residual noise).
 * `fit` is the result of `fitLaw(obs, options)`. Throws LawsInputError on bad points or a fit without residual
 * degrees of freedom, LawsError when the bootstrap cannot refit.
 */
export function predictWithIntervals(
  obs: Observations,
  fit: FitResult,
  options: FitOptions,
  at: { x?: ArrayLike<number>; N?: ArrayLike<number>; D?: ArrayLike<number> },
  opts: PredictOptions = {},
): PredictionPoint[] {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new LawsInputError(`prediction level must be in (0, 1), found ${level}`);
  const points = predictAt(fit, options, at);
  const n = fit.n_points;
  const k = form.params.length;
  const dof = n - k;
  if (dof < 1) throw new LawsInputError(`${n} points for ${k} parameters: no residual degrees of freedom, so no prediction interval`);
  // Forms with an exact interval (power by log-log OLS) skip the bootstrap.
  const resolved = { ...resolveFitOptions(form, options), level };
  const exact = strategyOf(form).predictionInterval;
  if (exact) {
    const xs = new Float64Array(form.inputs.length);
    const intervals = points.map((point) => {
      form.inputs.forEach((slot, c) => (xs[c] = point[slot]!));
      return exact(obs, resolved, xs);
    });
    if (intervals.every((pi) => pi !== undefined)) return points.map((point, i) => ({ ...point, pi: intervals[i]! }));
  }
  const logSpace = resolved.space === 'log';
  const toSpace = logSpace ? Math.log : (v: number) => v;
  const fromSpace = logSpace ? Math.exp : (v: number) => v;
  let rss = 0;
  for (const r of fit.residuals) rss += r * r;
  const s = Math.sqrt(rss / dof);
  const noise = Float64Array.from({ length: NOISE_POINTS }, (_, j) => s * studentTQuantile((j + 0.5) / NOISE_POINTS, dof));
  const boot =
    opts.boot ?? bootstrapFit(obs, fit, options, { resamples: opts.resamples ?? PREDICT_RESAMPLES, seed: opts.seed ?? 0, level });
  const inflate = Math.sqrt(n / dof);
  const xi = new Float64Array(form.inputs.length);
  return points.map((point) => {
    form.inputs.forEach((slot, c) => (xi[c] = point[slot]!));
    const centre = toSpace(point.y);
    const deviations: number[] = [];
    for (let r = 0; r < boot.successful; r++) {
      const g = toSpace(form.predict(boot.samples.subarray(r * k, r * k + k), xi));
      if (Number.isFinite(g)) deviations.push(inflate * (g - centre));
    }
    // A refit whose curve is undefined at this point (e.g. negative in log space) says nothing about it.
    if (deviations.length < 2)
      throw new LawsError(`no bootstrap refit has a finite prediction at ${form.inputs.map((s) => `${s} = ${point[s]}`).join(', ')}`);
    const pool = new Float64Array(deviations.length * NOISE_POINTS);
    let p = 0;
    for (const d of deviations) for (const e of noise) pool[p++] = centre + d + e;
    pool.sort();
    return { ...point, pi: [fromSpace(quantile(pool, (1 - level) / 2)), fromSpace(quantile(pool, (1 + level) / 2))] };
  });
}
