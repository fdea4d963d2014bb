/**
 * Grouped saturating law for comparing architecture families: L_f(N) = E + A_f·N^(−α_f), one irreducible term E
 * shared by every family and a scale A_f and exponent α_f per family. Fitted jointly by least squares in log
 * space (as `saturating`), multi-start L-BFGS through `fitNls`, with Gauss–Newton (Wald) standard errors and
 * profile-likelihood intervals (`profileFromFit`, F calibration) for every parameter.
 */
import { studentTQuantile } from '../distributions.js';
import { LawsError, LawsInputError } from '../errors.js';
import type { Form } from '../forms.js';
import { inverseSpd } from '../linalg.js';
import { fitNls } from '../nls.js';
import { fitPowerOls } from '../ols.js';
import { profileFromFit } from '../profile-core.js';

/** One family's runs: sizes (e.g. non-embedding parameters) and losses; seed replicates are extra rows. */
export interface GroupRuns {
  name: string;
  N: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface GroupedFitOptions {
  /** Confidence level of the intervals. Default 0.95. */
  level?: number;
  /** Compute profile intervals (default true; resampling loops turn it off). */
  intervals?: boolean;
  /** Extra starts [E, A_1…A_k, α_1…α_k]; with `onlyGivenStarts` the default starts are skipped. */
  starts?: ArrayLike<number>[];
  onlyGivenStarts?: boolean;
}

export interface GroupedFit {
  form: 'grouped-saturating';
  formula: string;
  E: number;
  groups: { name: string; A: number; alpha: number; n: number }[];
  /** Parameter names in order: E, A[name]…, alpha[name]…. */
  paramNames: string[];
  values: Float64Array;
  /** Wald standard errors by parameter name (Gauss–Newton, log space); absent where singular. */
  se: Record<string, number>;
  /** Profile-likelihood intervals by parameter name (empty when `intervals` is false). */
  ci: Record<string, [number, number]>;
  ci_level: number;
  ciMethod: string;
  /** ½ Σ (ln y − ln ŷ)². */
  objective: number;
  /** Residual standard deviation of ln y. */
  sigma: number;
  dof: number;
  n_points: number;
  converged: boolean;
  warnings: string[];
}

/**
 * The grouped form over k families as a `Form` evaluated with two input columns: N and the 0-based family index.
 * Parameters [E, A_1…A_k, α_1…α_k]; E and A_f positive.
 */
export function groupedForm(names: readonly string[]): Form {
  const k = names.length;
  return {
    name: 'grouped-saturating',
    formula: 'y = E + A_f·N^(−alpha_f)',
    inputs: ['N', 'x'],
    params: ['E', ...names.map((n) => `A[${n}]`), ...names.map((n) => `alpha[${n}]`)],
    positive: [true, ...names.map(() => true), ...names.map(() => false)],
    predict: (p, x) => p[0]! + p[1 + x[1]!]! * x[0]! ** -p[1 + k + x[1]!]!,
    gradient: (p, x, g) => {
      const f = x[1]!;
      const t = x[0]! ** -p[1 + k + f]!;
      g.fill(0);
      g[0] = 1;
      g[1 + f] = t;
      g[1 + k + f] = -p[1 + f]! * t * Math.log(x[0]!);
      return p[0]! + p[1 + f]! * t;
    },
  };
}

/** Rows of every family as the form's two input columns, after checking them. */
export function groupedData(groups: readonly GroupRuns[]): { inputs: Float64Array[]; y: Float64Array } {
  if (groups.length < 1) throw new LawsInputError('grouped fit: expected at least one family of runs, found none');
  const seen = new Set<string>();
  const N: number[] = [];
  const f: number[] = [];
  const y: number[] = [];
  groups.forEach((g, gi) => {
    if (seen.has(g.name)) throw new LawsInputError(`grouped fit: family '${g.name}' is given twice`);
    seen.add(g.name);
    if (g.N.length !== g.y.length) throw new LawsInputError(`family '${g.name}': N has ${g.N.length} values but y has ${g.y.length}`);
    const distinct = new Set<number>();
    for (let i = 0; i < g.y.length; i++) {
      if (!(Number.isFinite(g.N[i]!) && g.N[i]! > 0))
        throw new LawsInputError(`family '${g.name}', row ${i + 1}, column 'N': expected a finite positive number, found ${g.N[i]}`);
      if (!(Number.isFinite(g.y[i]!) && g.y[i]! > 0))
        throw new LawsInputError(`family '${g.name}', row ${i + 1}, column 'y': expected a finite positive number, found ${g.y[i]}`);
      distinct.add(g.N[i]!);
      N.push(g.N[i]!);
      f.push(gi);
      y.push(g.y[i]!);
    }
    if (distinct.size < 2)
      throw new LawsInputError(`family '${g.name}': expected runs at 2 or more distinct sizes to fit an exponent, found ${distinct.size}`);
  });
  return { inputs: [Float64Array.from(N), Float64Array.from(f)], y: Float64Array.from(y) };
}

/** Starts: for E at fractions of the smallest loss, each family's OLS of ln(y − E) on ln N. */
function defaultGroupedStarts(groups: readonly GroupRuns[]): number[][] {
  let minY = Infinity;
  for (const g of groups) for (let i = 0; i < g.y.length; i++) minY = Math.min(minY, g.y[i]!);
  const starts: number[][] = [];
  for (const frac of [0.01, 0.3, 0.6, 0.8, 0.9, 0.97]) {
    const E = frac * minY;
    const A: number[] = [];
    const alpha: number[] = [];
    try {
      for (const g of groups) {
        const ols = fitPowerOls(
          Array.from(g.N),
          Array.from(g.y, (v) => Math.max(v - E, 1e-9 * v)),
        );
        A.push(ols.params.a!);
        alpha.push(-ols.params.b!);
      }
    } catch {
      continue;
    }
    starts.push([E, ...A, ...alpha]);
  }
  return starts;
}

/**
 * Gauss–Newton pieces of a log-space fit: the covariance s²·(JᵀJ)⁻¹ (row-major p×p) and each row's leverage
 * hᵢ = jᵢᵀ(JᵀJ)⁻¹jᵢ, with jᵢ = ∂ln ŷᵢ/∂p. Null when JᵀJ is singular or there is no residual dof.
 */
export function groupedCovariance(
  form: Form,
  inputs: Float64Array[],
  y: Float64Array,
  values: Float64Array,
  objective: number,
): { cov: Float64Array; leverage: Float64Array } | null {
  const p = values.length;
  const n = y.length;
  const dof = n - p;
  if (dof < 1) return null;
  const J = new Float64Array(n * p);
  const jtj = new Float64Array(p * p);
  const g = new Float64Array(p);
  const xi = new Float64Array(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < inputs.length; c++) xi[c] = inputs[c]![i]!;
    const pred = form.gradient(values, xi, g);
    for (let r = 0; r < p; r++) J[i * p + r] = g[r]! / pred;
    for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) jtj[r * p + c] = jtj[r * p + c]! + J[i * p + r]! * J[i * p + c]!;
  }
  const inv = inverseSpd(jtj, p);
  if (!inv) return null;
  const s2 = (2 * objective) / dof;
  const leverage = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) h += J[i * p + r]! * inv[r * p + c]! * J[i * p + c]!;
    leverage[i] = h;
  }
  return { cov: inv.map((v) => v * s2), leverage };
}

/** Joint fit of L_f(N) = E + A_f·N^(−α_f) over the families. Throws LawsInputError on bad input, LawsError when no fit is finite. */
export function fitGrouped(groups: readonly GroupRuns[], options: GroupedFitOptions = {}): GroupedFit {
  const names = groups.map((g) => g.name);
  const form = groupedForm(names);
  const { inputs, y } = groupedData(groups);
  const level = options.level ?? 0.95;
  const p = form.params.length;
  if (y.length < p)
    throw new LawsInputError(`grouped fit: ${p} parameters for ${groups.length} families but only ${y.length} runs: need at least ${p}`);
  const given = (options.starts ?? []).map((s) => Array.from(s));
  const starts = options.onlyGivenStarts && given.length > 0 ? given : [...defaultGroupedStarts(groups), ...given];
  const res = fitNls(form, inputs, y, starts, { space: 'log' });
  if (!Number.isFinite(res.objective) || res.values.some((v) => !Number.isFinite(v))) {
    throw new LawsError(`grouped fit: no start reached a finite fit (${starts.length} starts)`);
  }
  const dof = y.length - p;
  const gn = groupedCovariance(form, inputs, y, res.values, res.objective);
  const se: Record<string, number> = {};
  if (gn)
    form.params.forEach((name, j) => {
      const sd = Math.sqrt(gn.cov[j * p + j]!);
      if (Number.isFinite(sd)) se[name] = sd;
    });
  const warnings: string[] = [];
  if (!res.converged) warnings.push('the best start stopped before meeting the convergence tests');
  const ci: Record<string, [number, number]> = {};
  let ciMethod = 'none (intervals off)';
  if ((options.intervals ?? true) && dof >= 1) {
    ciMethod = `profile likelihood (F, ${dof} dof)`;
    form.params.forEach((name, j) => {
      try {
        ci[name] = profileFromFit(form, inputs, y, { values: res.values, objective: res.objective, se }, j, { level, space: 'log' });
      } catch {
        // Fall back to Wald where the profile search fails.
        if (se[name] !== undefined)
          ci[name] = [
            res.values[j]! - studentTQuantile(0.5 + level / 2, dof) * se[name]!,
            res.values[j]! + studentTQuantile(0.5 + level / 2, dof) * se[name]!,
          ];
      }
    });
    if (form.params.some((name) => ci[name] !== undefined && !ci[name].every(Number.isFinite)))
      warnings.push('some profile intervals are unbounded: the data do not pin those parameters down');
  } else if (dof < 1) {
    warnings.push(`${y.length} runs for ${p} parameters: no residual degrees of freedom, no intervals`);
  }
  const k = names.length;
  return {
    form: 'grouped-saturating',
    formula: 'L_f(N) = E + A_f·N^(−alpha_f)',
    E: res.values[0]!,
    groups: groups.map((g, i) => ({ name: g.name, A: res.values[1 + i]!, alpha: res.values[1 + k + i]!, n: g.y.length })),
    paramNames: [...form.params],
    values: res.values,
    se,
    ci,
    ci_level: level,
    ciMethod,
    objective: res.objective,
    sigma: Math.sqrt((2 * res.objective) / Math.max(1, dof)),
    dof,
    n_points: y.length,
    converged: res.converged,
    warnings,
  };
}

/** Prediction of the grouped law for family index `f` at size N. */
export function predictGrouped(fit: GroupedFit, family: string, N: number): number {
  const g = fit.groups.find((x) => x.name === family);
  if (g === undefined)
    throw new LawsInputError(`grouped fit: no family '${family}' (families: ${fit.groups.map((x) => x.name).join(', ')})`);
  return fit.E + g.A * N ** -g.alpha;
}
