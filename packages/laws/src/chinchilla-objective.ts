/**
 * The Hoffmann et al. (2022) approach-3 objective, allocation-free over Float64Arrays:
 * θ = (a, b, e, α, β), log L̂ = logsumexp(a − α ln N, b − β ln D, e), objective = Σ wᵢ·Huber_δ(ln Lᵢ − log L̂ᵢ).
 * Weights let the bootstrap resample rows as integer counts without copying data.
 */
import type { ObjectiveFn } from './lbfgs.js';

/** Huber loss: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond (scipy.special.huber). */
export function huber(r: number, delta: number): number {
  const ar = Math.abs(r);
  return ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
}

export interface LogData {
  lnN: Float64Array;
  lnD: Float64Array;
  lnL: Float64Array;
}

/**
 * ln N and ln D minus their means: the same objective in a' = a − α·c_N, b' = b − β·c_D, far better conditioned
 * (a and α are otherwise almost collinear because ln N ≈ 20).
 */
export function centre(data: LogData): { centred: LogData; cN: number; cD: number } {
  const n = data.lnN.length;
  let cN = 0;
  let cD = 0;
  for (let i = 0; i < n; i++) {
    cN += data.lnN[i]! / n;
    cD += data.lnD[i]! / n;
  }
  return { centred: { lnN: data.lnN.map((v) => v - cN), lnD: data.lnD.map((v) => v - cD), lnL: data.lnL }, cN, cD };
}

/** θ = (a, b, e, α, β) → the centred coordinates (a′, b′, e, α, β) of `centre`. */
export function toCentred(theta: ArrayLike<number>, cN: number, cD: number): Float64Array {
  return Float64Array.of(theta[0]! - theta[3]! * cN, theta[1]! - theta[4]! * cD, theta[2]!, theta[3]!, theta[4]!);
}

/** Centred coordinates (a′, b′, e, α, β) → θ = (a, b, e, α, β). */
export function fromCentred(x: ArrayLike<number>, cN: number, cD: number): Float64Array {
  return Float64Array.of(x[0]! + x[3]! * cN, x[1]! + x[4]! * cD, x[2]!, x[3]!, x[4]!);
}

/** Objective + analytic gradient for θ = (a, b, e, α, β). `delta = Infinity` gives plain least squares (½Σr²). */
export function chinchillaObjective(data: LogData, delta: number, weights?: Float64Array): ObjectiveFn {
  const { lnN, lnD, lnL } = data;
  const n = lnN.length;
  return (x, g) => {
    const a = x[0]!;
    const b = x[1]!;
    const e = x[2]!;
    const al = x[3]!;
    const be = x[4]!;
    let f = 0;
    let ga = 0;
    let gb = 0;
    let ge = 0;
    let gal = 0;
    let gbe = 0;
    // exp(e) is shared by every row; the max-shift of logsumexp is only needed when exp would overflow,
    // which the grid's starts never reach (|a|, |b| ≤ 25), so the fast path skips it.
    const ee = Math.exp(e);
    for (let i = 0; i < n; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      if (w === 0) continue;
      const ln = lnN[i]!;
      const ld = lnD[i]!;
      const t1 = a - al * ln;
      const t2 = b - be * ld;
      let e1: number;
      let e2: number;
      let e3: number;
      let lse: number;
      if (t1 < 600 && t2 < 600 && e < 600 && (t1 > -600 || t2 > -600 || e > -600)) {
        e1 = Math.exp(t1);
        e2 = Math.exp(t2);
        e3 = ee;
        lse = Math.log(e1 + e2 + e3);
      } else {
        const mx = t1 > t2 ? (t1 > e ? t1 : e) : t2 > e ? t2 : e;
        e1 = Math.exp(t1 - mx);
        e2 = Math.exp(t2 - mx);
        e3 = Math.exp(e - mx);
        lse = mx + Math.log(e1 + e2 + e3);
      }
      const sum = e1 + e2 + e3;
      const r = lse - lnL[i]!;
      let psi: number;
      if (r > delta) {
        f += w * delta * (r - 0.5 * delta);
        psi = w * delta;
      } else if (r < -delta) {
        f += w * delta * (-r - 0.5 * delta);
        psi = -w * delta;
      } else {
        f += w * 0.5 * r * r;
        psi = w * r;
      }
      const inv = psi / sum;
      const p1 = e1 * inv;
      const p2 = e2 * inv;
      ga += p1;
      gb += p2;
      ge += e3 * inv;
      gal -= p1 * ln;
      gbe -= p2 * ld;
    }
    g[0] = ga;
    g[1] = gb;
    g[2] = ge;
    g[3] = gal;
    g[4] = gbe;
    return f;
  };
}

/** Hoffmann's 4,500-point start grid: α, β ∈ {0,…,2}, e ∈ {−1,…,1}, a, b ∈ {0, 5, …, 25}; rows are (a, b, e, α, β). */
export function hoffmannGrid(): Float64Array {
  const exps = [0, 0.5, 1, 1.5, 2];
  const es = [-1, -0.5, 0, 0.5, 1];
  const abs = [0, 5, 10, 15, 20, 25];
  const out = new Float64Array(4500 * 5);
  let k = 0;
  for (const al of exps)
    for (const be of exps)
      for (const e of es)
        for (const a of abs)
          for (const b of abs) {
            out.set([a, b, e, al, be], k * 5);
            k++;
          }
  return out;
}
