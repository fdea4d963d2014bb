/**
 * Profile-likelihood intervals for one parameter of a least-squares fit: the parameter is fixed on a path
 * away from its estimate, the others re-optimised (warm-started along the path), and the interval is where
 * the residual sum of squares stays below RSS_min·(1 + t²/dof) (F calibration, exact for linear models and
 * the honest choice at small n) or RSS_min·exp(χ²₁/n) (likelihood-ratio calibration).
 * This core works from an existing fit, so `fitLaw` can use it without a module cycle.
 */
import { paramRange } from './bounds.js';
import { chiSquareQuantile, studentTQuantile } from './distributions.js';
import { LawsInputError } from './errors.js';
import type { Form } from './forms.js';
import { fitNls } from './nls.js';

export interface LsFit {
  values: Float64Array;
  /** ½·RSS at the optimum. */
  objective: number;
  se?: Record<string, number>;
}

export interface ProfileOptions {
  level?: number;
  space?: 'log' | 'linear';
}

function fixedForm(form: Form, j: number, value: number): Form {
  const full = new Float64Array(form.params.length);
  const gFull = new Float64Array(form.params.length);
  const fill = (p: ArrayLike<number>): Float64Array => {
    for (let k = 0, m = 0; k < full.length; k++) full[k] = k === j ? value : p[m++]!;
    return full;
  };
  return {
    ...form,
    name: `${form.name}|${form.params[j]}=${value}`,
    params: form.params.filter((_, k) => k !== j),
    positive: form.positive.filter((_, k) => k !== j),
    bounds: form.bounds?.filter((_, k) => k !== j),
    predict: (p, x) => form.predict(fill(p), x),
    gradient: (p, x, g) => {
      const y = form.gradient(fill(p), x, gFull);
      for (let k = 0, m = 0; k < full.length; k++) if (k !== j) g[m++] = gFull[k]!;
      return y;
    },
  };
}

/** Profile interval of parameter `j`; an end that never crosses the limit is ±Infinity, a positive parameter's lower end stops at 0. */
export function profileFromFit(
  form: Form,
  inputs: Float64Array[],
  y: Float64Array,
  fit: LsFit,
  j: number,
  options: ProfileOptions = {},
  calibration: 'F' | 'chi2' = 'F',
): [number, number] {
  const param = form.params[j]!;
  const level = options.level ?? 0.95;
  const n = y.length;
  const dof = n - form.params.length;
  if (dof < 1)
    throw new LawsInputError(`profile interval needs more points than parameters (${n} points, ${form.params.length} parameters)`);
  const rssMin = 2 * fit.objective;
  const limit =
    calibration === 'F'
      ? rssMin * (1 + studentTQuantile(0.5 + level / 2, dof) ** 2 / dof)
      : rssMin * Math.exp(chiSquareQuantile(level, 1) / n);
  const est = fit.values[j]!;
  const space = options.space ?? 'log';
  const rest = (vals: ArrayLike<number>): number[] => Array.from(vals).filter((_, k) => k !== j);
  const rssAt = (value: number, start: number[]): { rss: number; values: number[] } => {
    const res = fitNls(fixedForm(form, j, value), inputs, y, [start], { space });
    return { rss: 2 * res.objective, values: Array.from(res.values) };
  };
  const range = paramRange(form, j);
  const bound = (dir: 1 | -1): number => {
    if (form.positive[j] && dir < 0 && !(est > 1e-12 * Math.max(...y))) return 0;
    const edge = dir < 0 ? range[0] : range[1];
    let step =
      Math.max(Math.abs(est) * 0.02, 1e-3) *
      (fit.se?.[param] !== undefined ? Math.max(1, (fit.se[param]! / Math.max(Math.abs(est) * 0.02, 1e-3)) * 0.5) : 1);
    let inside = est;
    let insideRss = rssMin;
    let start = rest(fit.values);
    for (let k = 0; k < 60; k++) {
      let trial = inside + dir * step;
      if (Number.isFinite(edge) && !(dir * (edge - trial) > 0)) {
        // Approach the bound (0 for positive parameters) geometrically: the profile may cross its limit anywhere on the way.
        if (Math.abs(inside - edge) < 1e-9 * Math.max(Math.abs(est - edge), Math.abs(edge))) return edge;
        trial = edge + (inside - edge) / 4;
      }
      const r = rssAt(trial, start);
      if (!Number.isFinite(r.rss)) break;
      if (r.rss > limit) {
        let warm = start;
        const excess = (v: number): number => {
          const m = rssAt(v, warm);
          if (!Number.isFinite(m.rss)) return limit - rssMin;
          if (m.rss <= limit) warm = m.values;
          return m.rss - limit;
        };
        return findCrossing(
          excess,
          inside,
          insideRss - limit,
          trial,
          r.rss - limit,
          1e-9 * Math.max(Math.abs(est), Math.abs(trial - inside)),
        );
      }
      inside = trial;
      insideRss = r.rss;
      start = r.values;
      step *= 1.5;
    }
    return dir * Infinity;
  };
  return [bound(-1), bound(1)];
}

/**
 * Where `h` crosses 0 between `vIn` (h ≤ 0) and `vOut` (h > 0), to `tol` in v: Illinois regula falsi, which keeps
 * the bracket of bisection and converges superlinearly on the smooth profiles here. `h` must return a finite
 * positive value for points it cannot evaluate. Shared by every profile-interval search.
 */
export function findCrossing(h: (v: number) => number, vIn: number, hIn: number, vOut: number, hOut: number, tol: number): number {
  let side = 0;
  for (let it = 0; it < 60 && Math.abs(vOut - vIn) > tol; it++) {
    const secant = vIn - (hIn * (vOut - vIn)) / (hOut - hIn);
    const v = Number.isFinite(secant) && (secant - vIn) * (secant - vOut) < 0 ? secant : 0.5 * (vIn + vOut);
    const hv = h(v);
    if (hv > 0) {
      vOut = v;
      hOut = hv;
      if (side === 1) hIn /= 2;
      side = 1;
    } else {
      vIn = v;
      hIn = hv;
      if (side === -1) hOut /= 2;
      side = -1;
    }
  }
  return 0.5 * (vIn + vOut);
}
