/** One entry point for every form: validates input, picks the fitting method, returns a FitResult. */
import { paramRange } from './bounds.js';
import { studentTQuantile } from './distributions.js';
import { LawsError } from './errors.js';
import { getForm, type Form } from './forms.js';
import { identifiabilityWarnings } from './identifiability.js';
import { inverseSpd } from './linalg.js';
import { fitNls, type NlsOptions } from './nls.js';
import { profileFromFit } from './profile-core.js';
import type { FitResult, Observations } from './types.js';
import { checkedInputs, type ColumnLabels } from './validate.js';
import { resolveFitOptions, strategyOf, type FitLoss, type FitMethod } from './strategies.js';

export interface FitOptions {
  form: string | Form;
  /** power: 'ols' (default, log-log OLS) or 'nls'; chinchilla: 'varpro' (default) or 'grid'; others: 'nls'. */
  method?: FitMethod;
  /** Residual loss: chinchilla defaults to 'huber' (δ = 1e-3), every other form to 'ls'. */
  loss?: FitLoss;
  delta?: number;
  /** Residual space of nonlinear fits. Default 'log'. */
  space?: 'log' | 'linear';
  /** Confidence level of the reported intervals. Default 0.95. */
  level?: number;
  /** User column names, for error messages. */
  labels?: ColumnLabels;
  /** Extra starting points (natural parameter units) for nonlinear fits. */
  starts?: ArrayLike<number>[];
  /** Use only `starts`, not the form's default multi-start set (bootstrap warm starts of expensive forms). */
  onlyGivenStarts?: boolean;
  /**
   * Compute intervals (default true). Refits inside resampling loops (bootstrap, leave-one-out) turn this off:
   * nonlinear fits may profile parameters whose Wald interval is invalid, which costs extra refits.
   */
  intervals?: boolean;
  /** Called after each start of a multi-start fit (long fits on large tables report progress through it). */
  onProgress?: (done: number, total: number) => void;
}

/** Default starting points of the nonlinear forms (per-form, from `FORMS`). */
export function defaultStarts(form: Form, inputs: Float64Array[], y: Float64Array): number[][] {
  return strategyOf(form).starts(form, inputs, y);
}

/** Above this many rows, starts are made and tried on an evenly spaced subsample (see `multiStart`). */
export const SUBSAMPLE_ROWS = 20_000;

function everyKth(a: ArrayLike<number>, stride: number): Float64Array {
  return Float64Array.from({ length: Math.ceil(a.length / stride) }, (_, i) => a[i * stride]!);
}

/**
 * Multi-start NLS. On large tables (10⁷ rows: each objective pass costs ~0.1 s) every start on every row would
 * take hours, so the starts race on a subsample of ~20,000 rows and the winner is refined on subsamples ten
 * times larger each time, then on all rows: each refinement starts next to its optimum.
 */
function multiStart(form: Form, inputs: Float64Array[], y: Float64Array, options: FitOptions, nlsOptions: NlsOptions) {
  const given = options.starts ?? [];
  const progress = options.onProgress;
  const n = y.length;
  const own = !(options.onlyGivenStarts && given.length > 0);
  if (n <= SUBSAMPLE_ROWS || (!own && given.length === 1)) {
    const starts = own ? [...defaultStarts(form, inputs, y), ...given] : [...given];
    return { res: fitNls(form, inputs, y, starts, nlsOptions), starts, how: '' };
  }
  const strides: number[] = [];
  for (let stride = Math.ceil(n / SUBSAMPLE_ROWS); stride > 1; stride = Math.ceil(stride / 10)) strides.push(stride);
  strides.push(1);
  const level = (stride: number) => ({
    inputs: stride === 1 ? inputs : inputs.map((c) => everyKth(c, stride)),
    y: stride === 1 ? y : everyKth(y, stride),
    weights: nlsOptions.weights === undefined || stride === 1 ? nlsOptions.weights : everyKth(nlsOptions.weights, stride),
  });
  const first = level(strides[0]!);
  const starts = own ? [...defaultStarts(form, first.inputs, first.y), ...given] : [...given];
  // Progress in units of one start (~45 objective passes over SUBSAMPLE_ROWS rows); a refinement from a nearby
  // optimum takes ~15 passes over its rows, so it weighs rows / (3·SUBSAMPLE_ROWS) starts.
  const units = strides.slice(1).map((s) => Math.max(1, Math.round(n / s / (3 * SUBSAMPLE_ROWS))));
  const total = starts.length + units.reduce((a, b) => a + b, 0);
  const firstLbfgs = {
    relTol: Math.max(1e-12, 4e-16 * first.y.length),
    gradTol: Math.max(1e-10, 4e-16 * first.y.length),
    ...nlsOptions.lbfgs,
  };
  let res = fitNls(form, first.inputs, first.y, starts, {
    ...nlsOptions,
    lbfgs: firstLbfgs,
    weights: first.weights,
    onProgress: progress && ((done) => progress(done, total)),
  });
  let done = starts.length;
  strides.slice(1).forEach((stride, i) => {
    const lv = level(stride);
    // A sum of m terms is only accurate to ~m·ε relative: tighter stopping tests than that never trigger.
    const floor = Math.max(1e-12, 4e-16 * lv.y.length);
    const lbfgs = { relTol: floor, gradTol: Math.max(1e-10, floor), ...nlsOptions.lbfgs };
    const refined = fitNls(form, lv.inputs, lv.y, Number.isFinite(res.objective) ? [res.values] : starts, {
      ...nlsOptions,
      weights: lv.weights,
      lbfgs,
      onProgress: undefined,
    });
    res = refined;
    done += units[i]!;
    progress?.(done, total);
  });
  return {
    res: { ...res, starts: starts.length },
    starts,
    how: ` on a 1-in-${strides[0]} subsample of ${n} rows, the best refined on all rows`,
  };
}

/** Wald intervals from the Gauss-Newton covariance of a least-squares fit in the given space. */
function waldCi(form: Form, inputs: Float64Array[], y: Float64Array, values: Float64Array, space: 'log' | 'linear', level: number) {
  const n = y.length;
  const k = form.params.length;
  const jtj = new Float64Array(k * k);
  const g = new Float64Array(k);
  const xi = new Float64Array(inputs.length);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < inputs.length; c++) xi[c] = inputs[c]![i]!;
    const pred = form.gradient(values, xi, g);
    const scale = space === 'log' ? 1 / pred : 1;
    rss += (space === 'log' ? Math.log(y[i]!) - Math.log(pred) : y[i]! - pred) ** 2;
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) jtj[r * k + c] = jtj[r * k + c]! + g[r]! * scale * g[c]! * scale;
  }
  const dof = n - k;
  const inv = dof > 0 ? inverseSpd(jtj, k) : null;
  const ci: Record<string, [number, number]> = {};
  const se: Record<string, number> = {};
  if (!inv) return { ci, se, rss, dof };
  const s2 = rss / dof;
  const t = studentTQuantile(0.5 + level / 2, dof);
  form.params.forEach((name, j) => {
    const sd = Math.sqrt(s2 * inv[j * k + j]!);
    if (Number.isFinite(sd)) {
      se[name] = sd;
      ci[name] = [values[j]! - t * sd, values[j]! + t * sd];
    }
  });
  return { ci, se, rss, dof };
}

/** Fit a scaling law. Throws LawsInputError on bad input, LawsError when no finite fit was found. */
export function fitLaw(obs: Observations, options: FitOptions): FitResult {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const resolved = resolveFitOptions(form, options);
  const { level, space } = resolved;
  const { inputs, y } = checkedInputs(form, obs, options.labels, space === 'log');
  const special = strategyOf(form).fit?.(inputs, y, resolved, obs.weights);
  const diagnose = (values: ArrayLike<number>) =>
    identifiabilityWarnings(form, inputs, y, values, space, { correlations: options.intervals ?? true, labels: options.labels });
  if (special) return { ...special, warnings: [...special.warnings, ...diagnose(special.values)] };
  const nlsOptions: NlsOptions = {
    space,
    loss: resolved.loss,
    delta: resolved.delta,
    weights: obs.weights,
    onProgress: options.onProgress,
  };
  const { res, starts, how } = multiStart(form, inputs, y, options, nlsOptions);
  if (!Number.isFinite(res.objective) || res.values.some((v) => !Number.isFinite(v))) {
    throw new LawsError(`form '${form.name}': no start reached a finite fit (${starts.length} starts)`);
  }
  const wald = waldCi(form, inputs, y, res.values, space, level);
  const params: Record<string, number> = {};
  form.params.forEach((name, j) => (params[name] = res.values[j]!));
  const residuals = new Float64Array(y.length);
  const xi = new Float64Array(inputs.length);
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += space === 'log' ? Math.log(y[i]!) : y[i]!;
  mean /= y.length;
  let tss = 0;
  for (let i = 0; i < y.length; i++) {
    for (let c = 0; c < inputs.length; c++) xi[c] = inputs[c]![i]!;
    const pred = form.predict(res.values, xi);
    const obsV = space === 'log' ? Math.log(y[i]!) : y[i]!;
    residuals[i] = obsV - (space === 'log' ? Math.log(pred) : pred);
    tss += (obsV - mean) ** 2;
  }
  const warnings: string[] = [];
  if (!res.converged) warnings.push('the best start stopped before meeting the convergence tests');
  let ciMethod = `wald (Gauss-Newton, t with ${wald.dof} dof)`;
  if ((options.intervals ?? true) && wald.dof > 0 && nlsOptions.loss === 'ls' && obs.weights === undefined) {
    // A Wald interval that crosses a parameter's bound (a positive parameter's 0: E at 0 when no saturation is visible) or that
    // could not be computed says nothing: those parameters get profile-likelihood intervals instead.
    const profiled: string[] = [];
    form.params.forEach((name, j) => {
      const wci = wald.ci[name];
      const [lo, hi] = paramRange(form, j);
      if (wci && !(wci[0] <= lo || wci[1] >= hi)) return;
      try {
        wald.ci[name] = profileFromFit(form, inputs, y, { values: res.values, objective: res.objective, se: wald.se }, j, { level, space });
        profiled.push(name);
      } catch {
        delete wald.ci[name];
      }
    });
    if (profiled.length > 0) {
      ciMethod += `; profile likelihood (F) for ${profiled.join(', ')}`;
      warnings.push(
        `the Wald interval of ${profiled.join(', ')} ${profiled.length > 1 ? 'are' : 'is'} invalid (crosses a bound such as 0 or is ` +
          'singular): profile-likelihood interval reported instead' +
          (profiled.some((nm) => !wald.ci[nm]!.every(Number.isFinite)) ? ' (unbounded where the profile never crossed the limit)' : ''),
      );
    }
  }
  if (wald.dof <= 0) warnings.push(`${y.length} points for ${form.params.length} parameters: no residual degrees of freedom, no intervals`);
  warnings.push(...diagnose(res.values));
  return {
    form: form.name,
    n_points: y.length,
    params,
    values: res.values,
    objective: res.objective,
    objectiveName: `${nlsOptions.loss === 'huber' ? `sum Huber(delta=${nlsOptions.delta})` : 'half sum of squares'} of ${space} residuals`,
    r2: tss > 0 ? 1 - wald.rss / tss : null,
    ci: wald.ci,
    ci_level: level,
    ciMethod,
    method: `lbfgs multi-start (${res.starts} starts${how})`,
    warnings,
    se: wald.se,
    sigma: Math.sqrt(wald.rss / Math.max(1, wald.dof)),
    residuals,
  };
}
