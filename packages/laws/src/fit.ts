/** One entry point for every form: validates input, picks the fitting method, returns a FitResult. */
import { fitChinchilla, type ChinchillaMethod } from './chinchilla.js';
import { studentTQuantile } from './distributions.js';
import { LawsError } from './errors.js';
import { getForm, type Form } from './forms.js';
import { inverseSpd } from './linalg.js';
import { fitNls, type NlsOptions } from './nls.js';
import { fitPowerOls } from './ols.js';
import { profileFromFit } from './profile-core.js';
import type { FitResult, Observations } from './types.js';
import { checkedInputs, type ColumnLabels } from './validate.js';
import { projectLinear } from './varpro.js';

export interface FitOptions {
  form: string | Form;
  /** power: 'ols' (default, log-log OLS) or 'nls'; chinchilla: 'varpro' (default) or 'grid'. */
  method?: 'ols' | 'nls' | ChinchillaMethod;
  /** Residual loss: chinchilla defaults to 'huber' (δ = 1e-3), every other form to 'ls'. */
  loss?: 'ls' | 'huber';
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
}

const logspace = (lo: number, hi: number, k: number): number[] => Array.from({ length: k }, (_, i) => lo * (hi / lo) ** (i / Math.max(1, k - 1)));

/** Default starting points for the nonlinear forms. */
export function defaultStarts(form: Form, inputs: Float64Array[], y: Float64Array): number[][] {
  const x = inputs[0]!;
  const pw = fitPowerOls(x, y);
  const a = pw.params.a!;
  const b = pw.params.b!;
  let minY = Infinity;
  for (const v of y) minY = Math.min(minY, v);
  if (form.name === 'power') return [[a, b]];
  if (form.name.startsWith('kaplan-') && form.inputs.length === 1) {
    const alpha = Math.max(Math.abs(b), 1e-3);
    return [[a ** (1 / alpha), alpha]];
  }
  if (form.name === 'saturating') {
    const starts: number[][] = [];
    for (let i = 1; i <= 40; i++) {
      const al = 0.025 * i * 2;
      const lin = projectLinear(al, 0, x, null, y);
      if (lin && lin[0]! > 0 && lin[1]! > 0) starts.push([lin[0]!, lin[1]!, al]);
    }
    starts.push([0.5 * minY, a, -b]);
    return starts;
  }
  if (form.name === 'kaplan-nd') {
    const starts: number[][] = [];
    for (const an of [0.05, 0.1, 0.3]) for (const ad of [0.05, 0.1, 0.3]) for (const nc of logspace(1e8, 1e16, 3)) for (const dc of logspace(1e8, 1e16, 3)) starts.push([nc, dc, an, ad]);
    return starts;
  }
  if (form.name === 'chinchilla') return [];
  // bnsl: breaks at quantiles of x, both directions of slope change.
  const k = (form.params.length - 3) / 3;
  const sorted = Float64Array.from(x).sort();
  const starts: number[][] = [];
  for (const a0 of [0, 0.5 * minY]) {
    for (const q of [0.25, 0.5, 0.75]) {
      for (const c of [-0.5, 0.5]) {
        for (const f of [0.3, 1]) {
          const s = [a0, Math.max(a - a0, 1e-3 * a), -b];
          for (let j = 0; j < k; j++) s.push(c, sorted[Math.floor(((q + j * 0.1) % 1) * (sorted.length - 1))]!, f);
          starts.push(s);
        }
      }
    }
  }
  return starts;
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
  const level = options.level ?? 0.95;
  const space = options.space ?? 'log';
  const { inputs, y } = checkedInputs(form, obs, options.labels, space === 'log');
  if (form.name === 'power' && (options.method ?? 'ols') === 'ols' && obs.weights === undefined) {
    return fitPowerOls(inputs[0]!, y, level);
  }
  if (form.name === 'chinchilla') {
    const huber = (options.loss ?? 'huber') === 'huber';
    const res = fitChinchilla(inputs[0]!, inputs[1]!, y, {
      method: options.method === 'grid' ? 'grid' : 'varpro',
      delta: huber ? (options.delta ?? 1e-3) : Infinity,
      weights: obs.weights ? Float64Array.from(obs.weights) : undefined,
    });
    res.ci_level = level;
    return res;
  }
  const nlsOptions: NlsOptions = { space, loss: options.loss ?? 'ls', delta: options.delta ?? 1e-3, weights: obs.weights };
  const given = options.starts ?? [];
  const starts = options.onlyGivenStarts && given.length > 0 ? [...given] : [...defaultStarts(form, inputs, y), ...given];
  const res = fitNls(form, inputs, y, starts, nlsOptions);
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
    // A Wald interval that crosses a positive parameter's bound (E at 0 when no saturation is visible) or that
    // could not be computed says nothing: those parameters get profile-likelihood intervals instead.
    const profiled: string[] = [];
    form.params.forEach((name, j) => {
      const wci = wald.ci[name];
      if (wci && !(form.positive[j] && wci[0] <= 0)) return;
      try {
        wald.ci[name] = profileFromFit(form, inputs, y, { values: res.values, objective: res.objective, se: wald.se }, j, { level, space });
        profiled.push(name);
      } catch {
        delete wald.ci[name];
      }
    });
    if (profiled.length > 0) {
      ciMethod += `; profile likelihood (F) for ${profiled.join(', ')}`;
      warnings.push(`the Wald interval of ${profiled.join(', ')} ${profiled.length > 1 ? 'are' : 'is'} invalid (crosses the bound 0 or is singular): profile-likelihood interval reported instead${profiled.some((nm) => !wald.ci[nm]!.every(Number.isFinite)) ? ' (unbounded where the profile never crossed the limit)' : ''}`);
    }
  }
  if (wald.dof <= 0) warnings.push(`${y.length} points for ${form.params.length} parameters: no residual degrees of freedom, no intervals`);
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
    method: `lbfgs multi-start (${res.starts} starts)`,
    warnings,
    se: wald.se,
    sigma: Math.sqrt(wald.rss / Math.max(1, wald.dof)),
    residuals,
  };
}
