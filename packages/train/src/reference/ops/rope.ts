import type { Arr } from './types.js';

/**
 * RoPE tables for positions 0..T-1, Hugging Face llama convention ("rotate half"):
 * angle[t, j] = t · theta^(−2j / D) for j < D/2.   cos, sin: [T, D/2], in float64.
 */
export function ropeTables(T: number, D: number, theta: number): { cos: Float64Array; sin: Float64Array } {
  const half = D / 2;
  const cos = new Float64Array(T * half);
  const sin = new Float64Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < half; j++) {
      const angle = t * Math.pow(theta, (-2 * j) / D);
      cos[t * half + j] = Math.cos(angle);
      sin[t * half + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * In-place rotation of x: [B·T, heads, D] (position t = row mod T):
 *   x'[j] = x[j] cos − x[j + D/2] sin,   x'[j + D/2] = x[j + D/2] cos + x[j] sin.
 * With `inverse` it rotates by −angle, which is exactly the backward (a rotation's transpose is its inverse).
 */
export function ropeApply(
  x: Arr,
  cos: Float64Array,
  sin: Float64Array,
  N: number,
  T: number,
  heads: number,
  D: number,
  inverse = false,
): void {
  const half = D / 2;
  const sign = inverse ? -1 : 1;
  for (let n = 0; n < N; n++) {
    const t = n % T;
    for (let h = 0; h < heads; h++) {
      const o = (n * heads + h) * D;
      for (let j = 0; j < half; j++) {
        const c = cos[t * half + j]!;
        const s = sign * sin[t * half + j]!;
        const a = x[o + j]!;
        const b = x[o + j + half]!;
        x[o + j] = a * c - b * s;
        x[o + j + half] = b * c + a * s;
      }
    }
  }
}
