/**
 * Small dense ops on row-major Float32Arrays, written as tight loops without per-element allocation.
 * Accumulations are float64 (JS numbers); results are stored as float32. Each op writes into `out`
 * (which must not alias the inputs unless noted) and returns it.
 */

/**
 * out[T, n] = x[T, k] · Wᵀ with W stored [n, k] (PyTorch Linear layout, y = x·Wᵀ).
 * Register-blocked: 4 rows of x × 2 rows of W per pass (8 independent float64 sums), then 1 × 4 for the
 * leftover rows (decoding). Every output is summed in the same order (i = 0..k−1) whatever its block, so a
 * row's result does not depend on T.
 */
export function matmulT(out: Float32Array, x: Float32Array, w: Float32Array, T: number, k: number, n: number): Float32Array {
  let t = 0;
  for (; t + 4 <= T; t += 4) {
    const x0 = t * k;
    const x1 = x0 + k;
    const x2 = x1 + k;
    const x3 = x2 + k;
    const r0 = t * n;
    let o = 0;
    for (; o + 2 <= n; o += 2) {
      const wa = o * k;
      const wb = wa + k;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i < k; i++) {
        const u = w[wa + i]!;
        const v = w[wb + i]!;
        const p0 = x[x0 + i]!;
        const p1 = x[x1 + i]!;
        const p2 = x[x2 + i]!;
        const p3 = x[x3 + i]!;
        a0 += p0 * u;
        a1 += p1 * u;
        a2 += p2 * u;
        a3 += p3 * u;
        b0 += p0 * v;
        b1 += p1 * v;
        b2 += p2 * v;
        b3 += p3 * v;
      }
      out[r0 + o] = a0;
      out[r0 + n + o] = a1;
      out[r0 + 2 * n + o] = a2;
      out[r0 + 3 * n + o] = a3;
      out[r0 + o + 1] = b0;
      out[r0 + n + o + 1] = b1;
      out[r0 + 2 * n + o + 1] = b2;
      out[r0 + 3 * n + o + 1] = b3;
    }
    for (; o < n; o++) {
      const wa = o * k;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < k; i++) {
        const u = w[wa + i]!;
        a0 += x[x0 + i]! * u;
        a1 += x[x1 + i]! * u;
        a2 += x[x2 + i]! * u;
        a3 += x[x3 + i]! * u;
      }
      out[r0 + o] = a0;
      out[r0 + n + o] = a1;
      out[r0 + 2 * n + o] = a2;
      out[r0 + 3 * n + o] = a3;
    }
  }
  for (; t < T; t++) {
    const xo = t * k;
    const r0 = t * n;
    let o = 0;
    for (; o + 4 <= n; o += 4) {
      const w0 = o * k;
      const w1 = w0 + k;
      const w2 = w1 + k;
      const w3 = w2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < k; i++) {
        const xi = x[xo + i]!;
        s0 += xi * w[w0 + i]!;
        s1 += xi * w[w1 + i]!;
        s2 += xi * w[w2 + i]!;
        s3 += xi * w[w3 + i]!;
      }
      out[r0 + o] = s0;
      out[r0 + o + 1] = s1;
      out[r0 + o + 2] = s2;
      out[r0 + o + 3] = s3;
    }
    for (; o < n; o++) {
      const wo = o * k;
      let s0 = 0;
      for (let i = 0; i < k; i++) s0 += x[xo + i]! * w[wo + i]!;
      out[r0 + o] = s0;
    }
  }
  return out;
}

/** out[T, dim] = rows `tokens` of the embedding table [vocab, dim]. Tokens must be valid (checked by callers). */
export function embed(out: Float32Array, table: Float32Array, tokens: ArrayLike<number>, dim: number): Float32Array {
  for (let t = 0; t < tokens.length; t++) out.set(table.subarray(tokens[t]! * dim, (tokens[t]! + 1) * dim), t * dim);
  return out;
}

/** RMSNorm (HF llama): out = x / sqrt(mean(x²) + eps) · weight, per row of [T, dim]. out may alias x. */
export function rmsNorm(out: Float32Array, x: Float32Array, weight: Float32Array, T: number, dim: number, eps: number): Float32Array {
  for (let t = 0; t < T; t++) {
    const o = t * dim;
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += x[o + i]! * x[o + i]!;
    const inv = 1 / Math.sqrt(ss / dim + eps);
    for (let i = 0; i < dim; i++) out[o + i] = x[o + i]! * inv * weight[i]!;
  }
  return out;
}

/** x += y, elementwise over n values (the residual add). */
export function addInPlace(x: Float32Array, y: Float32Array, n = x.length): Float32Array {
  for (let i = 0; i < n; i++) x[i] = x[i]! + y[i]!;
  return x;
}

/** SiLU: x · σ(x). */
export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** SwiGLU gating: out = silu(gate) ⊙ up over n values. out may alias gate. */
export function swiglu(out: Float32Array, gate: Float32Array, up: Float32Array, n = gate.length): Float32Array {
  for (let i = 0; i < n; i++) {
    const g = gate[i]!;
    out[i] = (g / (1 + Math.exp(-g))) * up[i]!;
  }
  return out;
}

/**
 * RoPE tables in the Hugging Face llama convention, for positions 0..maxPositions−1:
 *   inv_freq[i] = θ^(−2i/hd) for i < hd/2;  angle(p, i) = p · inv_freq[i];
 *   cos[p, i] = cos(angle), sin[p, i] = sin(angle)      (shape [maxPositions, hd/2])
 * Values are rounded to float32 at each step as transformers computes them in float32.
 */
export interface RopeTables {
  headDim: number;
  maxPositions: number;
  cos: Float32Array;
  sin: Float32Array;
}

export function ropeTables(headDim: number, theta: number, maxPositions: number): RopeTables {
  const half = headDim / 2;
  const cos = new Float32Array(maxPositions * half);
  const sin = new Float32Array(maxPositions * half);
  const invFreq = new Float32Array(half);
  for (let i = 0; i < half; i++) invFreq[i] = Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / headDim)));
  for (let p = 0; p < maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * invFreq[i]!);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { headDim, maxPositions, cos, sin };
}

/**
 * Apply RoPE in place to x [T, nHeads·hd] for positions start..start+T−1, HF `rotate_half` convention:
 * each head's vector is split into halves (x1 = x[:hd/2], x2 = x[hd/2:]), and
 *   out1 = x1·cos − x2·sin,   out2 = x2·cos + x1·sin
 * (i.e. x·cat(cos, cos) + rotate_half(x)·cat(sin, sin), rotate_half(x) = cat(−x2, x1)).
 */
export function applyRope(x: Float32Array, T: number, nHeads: number, tables: RopeTables, start = 0): Float32Array {
  const hd = tables.headDim;
  const half = hd / 2;
  const rowLen = nHeads * hd;
  for (let t = 0; t < T; t++) {
    const c = (start + t) * half;
    for (let h = 0; h < nHeads; h++) {
      const o = t * rowLen + h * hd;
      for (let i = 0; i < half; i++) {
        const x1 = x[o + i]!;
        const x2 = x[o + half + i]!;
        const cs = tables.cos[c + i]!;
        const sn = tables.sin[c + i]!;
        x[o + i] = x1 * cs - x2 * sn;
        x[o + half + i] = x2 * cs + x1 * sn;
      }
    }
  }
  return x;
}

/** Softmax over each row of [rows, n] in place, float64 sums, max-subtracted. */
export function softmaxRows(x: Float32Array, rows: number, n: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (x[o + i]! > max) max = x[o + i]!;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      x[o + i] = Math.exp(x[o + i]! - max);
      sum += x[o + i]!;
    }
    const inv = 1 / sum;
    for (let i = 0; i < n; i++) x[o + i] = x[o + i]! * inv;
  }
  return x;
}
