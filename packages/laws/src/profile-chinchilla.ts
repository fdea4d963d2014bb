/**
 * Profile intervals for the Chinchilla law L = E + A/N^α + B/D^β. One parameter is held at a value, the others
 * re-optimised (warm-started along the path, on the centred coordinates of `fitChinchillaRaw`), and the
 * interval is where the objective increase stays below the calibrated limit.
 *
 * Calibration: for least squares, the F interval (RSS_R − RSS)/(RSS/(n−p)) ≤ t²(n−p). For the Huber objective
 * (not a likelihood) the robust likelihood-ratio ("drop in dispersion") test of Schrader & Hettmansperger
 * (1980): 2·(F_R − F)·λ ~ χ²₁ with λ = E[ψ′]/E[ψ²], estimated from the residuals at the fit, with the same
 * (n−p)/n small-sample factor and t² limit (it reduces to the F interval when δ = ∞). E[ψ′] = P(|r| ≤ δ) is
 * estimated by a kernel-smoothed count, because δ = 1e-3 is often narrower than the residual spread and a
 * plain count of residuals inside ±δ would rest on a handful of points.
 */
import { centre, chinchillaObjective, fromCentred, toCentred } from './chinchilla-objective.js';
import { fitChinchillaRaw, thetaToParams, toLogData } from './chinchilla.js';
import { chinchilla as form } from './forms.js';
import { normalCdf, quantile, studentTQuantile } from './distributions.js';
import { LawsError, LawsInputError } from './errors.js';
import { Lbfgs, type ObjectiveFn } from './lbfgs.js';
import { findCrossing } from './profile-core.js';

export type ChinchillaParam = 'E' | 'A' | 'B' | 'alpha' | 'beta';
const ALL: ChinchillaParam[] = ['E', 'A', 'B', 'alpha', 'beta'];

export interface ChinchillaProfileOptions {
  /** Huber threshold; Infinity for least squares. Default 1e-3 (as the fit). */
  delta?: number;
  weights?: Float64Array;
  level?: number;
  /** θ = (a, b, e, α, β) of an existing fit with the same data and options (skips refitting). */
  theta?: Float64Array;
}

export interface ChinchillaProfile {
  /** Intervals in natural units; an end is ±Infinity (or 0 for E, A, B) where the profile never crossed the limit. */
  ci: Partial<Record<ChinchillaParam, [number, number]>>;
  level: number;
  /** Allowed objective increase above the optimum. */
  objectiveIncrease: number;
  /** λ = E[ψ′]/E[ψ²] (1/σ² for least squares). */
  scale: number;
  method: string;
  /** Constrained refits done. */
  refits: number;
  warnings: string[];
}

/** Centred coordinates x = (a′, b′, e, α, β), a = a′ + α·c_N, b = b′ + β·c_D; the profiled quantity is n·x. */
const normals = (cN: number, cD: number): Record<ChinchillaParam, Float64Array> => ({
  A: Float64Array.of(1, 0, 0, cN, 0),
  B: Float64Array.of(0, 1, 0, 0, cD),
  E: Float64Array.of(0, 0, 1, 0, 0),
  alpha: Float64Array.of(0, 0, 0, 1, 0),
  beta: Float64Array.of(0, 0, 0, 0, 1),
});

/** Objective restricted to the plane n·x = const: the gradient is projected onto the plane, so L-BFGS stays on it. */
function onPlane(fg: ObjectiveFn, normal: Float64Array): ObjectiveFn {
  let nn = 0;
  for (const v of normal) nn += v * v;
  return (x, g) => {
    const f = fg(x, g);
    let gn = 0;
    for (let i = 0; i < 5; i++) gn += g[i]! * normal[i]!;
    for (let i = 0; i < 5; i++) g[i] = g[i]! - (gn / nn) * normal[i]!;
    return f;
  };
}

/** λ = E[ψ′]/E[ψ²]·(n−p)/n from the residuals at the optimum, with a smoothed estimate of P(|r| ≤ δ). */
function robustScale(r: Float64Array, w: Float64Array | undefined, delta: number, p: number): number {
  let nEff = 0;
  let s2 = 0;
  for (let i = 0; i < r.length; i++) {
    const wi = w?.[i] ?? 1;
    const psi = Math.max(-delta, Math.min(delta, r[i]!));
    nEff += wi;
    s2 += wi * psi * psi;
  }
  let s1 = nEff;
  if (Number.isFinite(delta)) {
    // Silverman's bandwidth on the (weighted-by-expansion) residuals; the kernel-smoothed indicator of |r| ≤ δ.
    const expanded: number[] = [];
    for (let i = 0; i < r.length; i++) for (let c = 0; c < (w?.[i] ?? 1); c++) expanded.push(r[i]!);
    const sorted = Float64Array.from(expanded).sort();
    const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
    const sd = Math.sqrt(sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, sorted.length - 1));
    const iqr = (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 1.349;
    const h = 0.9 * Math.min(sd, iqr > 0 ? iqr : sd) * sorted.length ** -0.2;
    s1 = 0;
    for (let i = 0; i < r.length; i++) {
      const wi = w?.[i] ?? 1;
      s1 += wi * (h > 0 ? normalCdf((delta - r[i]!) / h) - normalCdf((-delta - r[i]!) / h) : Math.abs(r[i]!) <= delta ? 1 : 0);
    }
  }
  if (!(s1 > 0 && s2 > 0))
    throw new LawsError(`profile calibration failed: E[ψ′] estimate ${s1}, E[ψ²] estimate ${s2} (residuals all zero?)`);
  return (s1 / s2) * ((nEff - p) / nEff);
}

/**
 * Profile-likelihood intervals of Chinchilla parameters (all five by default). Needs more points than the
 * five parameters. Runs in roughly 20–40 constrained refits per interval end.
 */
export function profileChinchilla(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  params: readonly ChinchillaParam[] = ALL,
  options: ChinchillaProfileOptions = {},
): ChinchillaProfile {
  const delta = options.delta ?? 1e-3;
  const level = options.level ?? 0.95;
  for (const p of params) if (!ALL.includes(p)) throw new LawsInputError(`chinchilla has no parameter '${p}' (has ${ALL.join(', ')})`);
  const data = toLogData(N, D, L);
  const n = data.lnL.length;
  let nEff = 0;
  for (let i = 0; i < n; i++) nEff += options.weights?.[i] ?? 1;
  if (nEff <= 5) throw new LawsInputError(`profile intervals need more points than the 5 parameters, found ${nEff}`);
  const theta = options.theta ?? fitChinchillaRaw(data, { delta, weights: options.weights }).theta;
  const { centred, cN, cD } = centre(data);
  const fg = chinchillaObjective(centred, delta, options.weights);
  const opt = new Lbfgs(5);
  const strict = { relTol: 1e-13, gradTol: 1e-10, maxIterations: 2000 };
  const xHat = toCentred(theta, cN, cD);
  const fHat = opt.minimize(fg, xHat, strict).f;
  const values = thetaToParams(fromCentred(xHat, cN, cD));
  const residuals = Float64Array.from(data.lnL, (lnL, i) => Math.log(form.predict(values, [N[i]!, D[i]!])) - lnL);
  const scale = robustScale(residuals, options.weights, delta, 5);
  const increase = studentTQuantile(0.5 + level / 2, nEff - 5) ** 2 / (2 * scale);
  const limit = fHat + increase;
  const warnings: string[] = [];
  const planes = normals(cN, cD);
  let refits = 0;
  let minLnL = Infinity;
  for (const v of data.lnL) minLnL = Math.min(minLnL, v);

  // Constrained minimum with n·x = value, warm-started from `from` moved onto the plane along its own axis.
  const profileAt = (param: ChinchillaParam, value: number, from: Float64Array): { f: number; x: Float64Array } => {
    const normal = planes[param];
    const x = Float64Array.from(from);
    let dot = 0;
    for (let i = 0; i < 5; i++) dot += normal[i]! * x[i]!;
    const axis = normal.findIndex((v) => v !== 0);
    x[axis] = x[axis]! + (value - dot) / normal[axis]!;
    const res = opt.minimize(onPlane(fg, normal), x, strict);
    refits++;
    return { f: res.f, x };
  };

  const ci: ChinchillaProfile['ci'] = {};
  for (const param of params) {
    const normal = planes[param];
    let est = 0;
    for (let i = 0; i < 5; i++) est += normal[i]! * xHat[i]!;
    const isLog = param === 'E' || param === 'A' || param === 'B';
    const end = (dir: 1 | -1): number => {
      let inside = est;
      let insideF = fHat;
      let insideX: Float64Array = Float64Array.from(xHat);
      let step = isLog ? 0.05 : 0.01;
      for (let k = 0; k < 60; k++) {
        const trial = inside + dir * step;
        // ln E, ln A, ln B far below the data's scale: the term vanishes and the profile has no end on that side.
        if (isLog && dir < 0 && trial < minLnL - 20) return -Infinity;
        if (Math.abs(trial - est) > (isLog ? 50 : 20)) return dir * Infinity;
        const out = profileAt(param, trial, insideX);
        if (out.f < fHat * (1 - 1e-9))
          warnings.push(`profile of ${param} found a lower objective (${out.f} < ${fHat}): the main fit is not the global optimum`);
        if (out.f > limit || !Number.isFinite(out.f)) {
          let warm = insideX;
          const excess = (v: number): number => {
            const at = profileAt(param, v, warm);
            if (!Number.isFinite(at.f)) return increase;
            if (at.f <= limit) warm = at.x;
            return at.f - limit;
          };
          const hOut = Number.isFinite(out.f) ? out.f - limit : increase;
          return findCrossing(excess, inside, insideF - limit, trial, hOut, 1e-7 * Math.max(1, Math.abs(inside)));
        }
        inside = trial;
        insideF = out.f;
        insideX = out.x;
        step *= 1.6;
      }
      return dir * Infinity;
    };
    const lo = end(-1);
    const hi = end(1);
    if (!Number.isFinite(lo) || !Number.isFinite(hi))
      warnings.push(
        `the ${Math.round(level * 100)}% profile interval of ${param} is unbounded ${!Number.isFinite(lo) ? 'below' : 'above'}`,
      );
    ci[param] = isLog ? [Math.exp(lo), Math.exp(hi)] : [lo, hi];
  }
  const calibration = Number.isFinite(delta) ? `robust LR (Huber δ=${delta}, λ=${scale.toPrecision(4)})` : 'F';
  return {
    ci,
    level,
    objectiveIncrease: increase,
    scale,
    method: `profile likelihood, ${calibration}, t² with ${nEff - 5} dof`,
    refits,
    warnings: [...new Set(warnings)],
  };
}
