/**
 * Least-squares fit of y = σ(α + βᵀx), the link the observational-scaling paper fits from capability (or
 * log-compute) to a downstream accuracy (its `curve_fit` with nonlinearity 'sigmoid'). Levenberg–Marquardt from a
 * start given by OLS on logit(y), so no user start is needed.
 */
import { LawsError } from '../errors.js';
import { leastSquares } from '../linalg.js';

export interface SigmoidParams {
  /** α then β₁…β_k. */
  values: Float64Array;
  /** Half the sum of squared residuals at the optimum. */
  objective: number;
  converged: boolean;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** σ(α + βᵀx) for one predictor row. */
export function predictSigmoid(values: ArrayLike<number>, x: ArrayLike<number>): number {
  let z = values[0]!;
  for (let j = 0; j < x.length; j++) z += values[j + 1]! * x[j]!;
  return sigmoid(z);
}

function halfSse(values: Float64Array, xs: readonly ArrayLike<number>[], y: ArrayLike<number>, w?: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (w ? w[i]! : 1) * (y[i]! - predictSigmoid(values, xs[i]!)) ** 2;
  return s / 2;
}

/**
 * Weighted OLS of logit(y), y clipped to [0.01, 0.99]: a start close to the optimum for data along one sigmoid.
 * Its QR also detects collinear predictors, which LM's damping would hide.
 */
function logitStart(xs: readonly ArrayLike<number>[], y: ArrayLike<number>, p: number, w?: ArrayLike<number>): Float64Array {
  const n = xs.length;
  const a = new Float64Array(n * p);
  const b = new Float64Array(n);
  xs.forEach((x, i) => {
    const s = Math.sqrt(w ? w[i]! : 1);
    const yi = Math.min(0.99, Math.max(0.01, y[i]!));
    a[i * p] = s;
    for (let j = 1; j < p; j++) a[i * p + j] = s * x[j - 1]!;
    b[i] = s * Math.log(yi / (1 - yi));
  });
  const start = leastSquares(a, n, p, b);
  if (!start) throw new LawsError('sigmoid fit: the predictors are collinear (no unique fit)');
  return start;
}

/**
 * Fit σ(α + βᵀx) to (xs, y) by Levenberg–Marquardt; `weights` (integer counts) serve the bootstrap. Throws
 * LawsError when the predictors are collinear (no unique fit).
 */
export function fitSigmoid(xs: readonly ArrayLike<number>[], y: ArrayLike<number>, weights?: ArrayLike<number>): SigmoidParams {
  const n = xs.length;
  const k = xs[0]?.length ?? 0;
  const p = k + 1;
  let values = logitStart(xs, y, p, weights);
  let obj = halfSse(values, xs, y, weights);
  let lambda = 1e-3;
  let converged = false;
  const jtj = new Float64Array(p * p);
  const jtr = new Float64Array(p);
  const g = new Float64Array(p);
  for (let it = 0; it < 500 && !converged; it++) {
    jtj.fill(0);
    jtr.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = weights ? weights[i]! : 1;
      if (wi === 0) continue;
      const f = predictSigmoid(values, xs[i]!);
      const d = f * (1 - f);
      g[0] = d;
      for (let j = 1; j < p; j++) g[j] = d * xs[i]![j - 1]!;
      const r = y[i]! - f;
      for (let a = 0; a < p; a++) {
        jtr[a] = jtr[a]! + wi * g[a]! * r;
        for (let b = 0; b < p; b++) jtj[a * p + b] = jtj[a * p + b]! + wi * g[a]! * g[b]!;
      }
    }
    let stepped = false;
    while (lambda < 1e12) {
      // Damped normal equations, solved as a least-squares problem so a singular JᵀJ shows up as null.
      const a = Float64Array.from(jtj);
      for (let d = 0; d < p; d++) a[d * p + d] = a[d * p + d]! * (1 + lambda) + 1e-300;
      const step = leastSquares(a, p, p, jtr);
      if (!step) throw new LawsError('sigmoid fit: the predictors are collinear (no unique fit)');
      const next = values.map((v, j) => v + step[j]!);
      const nextObj = halfSse(next, xs, y, weights);
      if (Number.isFinite(nextObj) && nextObj <= obj) {
        const small = step.every((s, j) => Math.abs(s) <= 1e-10 * (1 + Math.abs(values[j]!)));
        converged = small || obj - nextObj <= 1e-14 * Math.max(obj, 1e-300);
        values = next;
        obj = nextObj;
        lambda = Math.max(1e-12, lambda / 10);
        stepped = true;
        break;
      }
      lambda *= 10;
    }
    if (!stepped) converged = true;
  }
  if (!values.every(Number.isFinite)) throw new LawsError('sigmoid fit: no finite optimum');
  return { values, objective: obj, converged };
}
