/**
 * Generic nonlinear fit of any Form: multi-start L-BFGS on Σ wᵢ·ρ(rᵢ) with analytic gradients, where rᵢ is the
 * log residual ln yᵢ − ln ŷᵢ (default) or the linear one yᵢ − ŷᵢ, ρ is ½r² or Huber(δ). Positive parameters are
 * optimised as their logarithm (bounds by transform).
 */
import { insideRange, paramTransforms } from './bounds.js';
import type { Form } from './forms.js';
import { Lbfgs, type LbfgsOptions } from './lbfgs.js';

export interface NlsOptions {
  /** Residual space. Default 'log'. */
  space?: 'log' | 'linear';
  /** Loss on residuals. Default 'ls'. */
  loss?: 'ls' | 'huber';
  /** Huber threshold (residual units). Default 1e-3. */
  delta?: number;
  weights?: ArrayLike<number>;
  lbfgs?: LbfgsOptions;
  /** Called after each start (long fits report progress through it). */
  onProgress?: (done: number, total: number) => void;
}

export interface NlsResult {
  values: Float64Array;
  objective: number;
  converged: boolean;
  starts: number;
}

/** Objective in transformed coordinates u (u_j = ln p_j for positive parameters; bounds.ts for other bounds). */
export function nlsObjective(form: Form, inputs: Float64Array[], y: Float64Array, options: NlsOptions = {}) {
  const space = options.space ?? 'log';
  const loss = options.loss ?? 'ls';
  const delta = options.delta ?? 1e-3;
  const w = options.weights;
  const k = form.params.length;
  const p = new Float64Array(k);
  const gp = new Float64Array(k);
  const xi = new Float64Array(inputs.length);
  const transforms = paramTransforms(form);
  const slope = new Float64Array(k);
  const toParams = (u: ArrayLike<number>, out: Float64Array): Float64Array => {
    for (let j = 0; j < k; j++) out[j] = transforms[j]!.toParam(u[j]!);
    return out;
  };
  const fg = (u: Float64Array, g: Float64Array): number => {
    toParams(u, p);
    for (let j = 0; j < k; j++) slope[j] = transforms[j]!.slope(u[j]!);
    g.fill(0);
    let f = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = w === undefined ? 1 : w[i]!;
      for (let c = 0; c < inputs.length; c++) xi[c] = inputs[c]![i]!;
      if (wi === 0) {
        // A row a resample or a fold leaves out is still an observed input: the law must stay defined there
        // (loss-to-loss may not move E₁ above a held-out L₁), or predicting that row afterwards gives NaN.
        const held = form.predict(p, xi);
        if (!(space === 'log' ? held > 0 : Number.isFinite(held))) return Number.POSITIVE_INFINITY;
        continue;
      }
      const pred = form.gradient(p, xi, gp);
      let r: number;
      let scale: number;
      if (space === 'log') {
        if (!(pred > 0)) return Number.POSITIVE_INFINITY;
        r = Math.log(y[i]!) - Math.log(pred);
        scale = -1 / pred;
      } else {
        r = y[i]! - pred;
        scale = -1;
      }
      // ρ(r) and ψ(r) = ρ'(r): ½r² / r, or Huber's linear tails beyond δ.
      const linear = loss === 'huber' && Math.abs(r) > delta;
      const psi = linear ? (r > 0 ? delta : -delta) : r;
      f += wi * (linear ? delta * (Math.abs(r) - 0.5 * delta) : 0.5 * r * r);
      for (let j = 0; j < k; j++) g[j] = g[j]! + wi * psi * scale * gp[j]! * slope[j]!;
    }
    return f;
  };
  const toU = (params: ArrayLike<number>): Float64Array => {
    const u = new Float64Array(k);
    for (let j = 0; j < k; j++) u[j] = transforms[j]!.toU(params[j]!);
    return u;
  };
  return { fg, toParams, toU };
}

/** Minimise from every start (parameter vectors in natural units); returns the best. */
export function fitNls(
  form: Form,
  inputs: Float64Array[],
  y: Float64Array,
  starts: ArrayLike<number>[],
  options: NlsOptions = {},
): NlsResult {
  const { fg, toParams, toU } = nlsObjective(form, inputs, y, options);
  const opt = new Lbfgs(form.params.length);
  let best: NlsResult = {
    values: new Float64Array(form.params.length).fill(Number.NaN),
    objective: Infinity,
    converged: false,
    starts: starts.length,
  };
  let done = 0;
  for (const start of starts) {
    if (done > 0) options.onProgress?.(done, starts.length);
    done++;
    let ok = true;
    for (let j = 0; j < form.params.length; j++) if (!insideRange(form, j, start[j]!)) ok = false;
    if (!ok) continue;
    const u = toU(start);
    const res = opt.minimize(fg, u, { maxIterations: 2000, relTol: 1e-12, gradTol: 1e-10, ...options.lbfgs });
    if (Number.isFinite(res.f) && res.f < best.objective) {
      best = {
        values: toParams(u, new Float64Array(form.params.length)),
        objective: res.f,
        converged: res.converged,
        starts: starts.length,
      };
    }
  }
  options.onProgress?.(starts.length, starts.length);
  return best;
}
