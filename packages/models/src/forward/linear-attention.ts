// Causal linear attention (Katharopoulos et al.): prefix-sum, recurrent and parallel forms, and φ = elu + 1;
// split from attention.ts (softmax attention), which re-exports these names.
import type { AttentionShape } from './attention.js';

/** Added to the linear-attention denominator (as in Katharopoulos et al.'s implementation) to keep it > 0. */
export const LINEAR_ATTENTION_EPS = 1e-6;

/** Linear-attention feature map φ(x) = elu(x) + 1 (> 0 everywhere). */
export function eluPlusOne(x: number): number {
  return x > 0 ? x + 1 : Math.exp(x);
}

/**
 * Causal linear attention, prefix-sum form, O(T·hd²):
 *   S_t = Σ_{s≤t} φ(k_s) v_sᵀ  [hd, hd],   z_t = Σ_{s≤t} φ(k_s)  [hd]     (per KV head)
 *   out_t = φ(q_t)ᵀ S_t / (φ(q_t)·z_t + ε)                                 (per query head)
 * No 1/√hd scaling. The running sums are float64.
 */
export function linearAttention(
  out: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  T: number,
  shape: AttentionShape,
): Float32Array {
  const state = new LinearAttentionState(shape);
  const qDim = shape.heads * shape.headDim;
  const kvDim = shape.kvHeads * shape.headDim;
  for (let t = 0; t < T; t++) state.step(out, t * qDim, q, t * qDim, k, v, t * kvDim);
  return out;
}

/**
 * Recurrent form of causal linear attention (what a decoder carries instead of a KV cache): per KV head
 * the state S [hd, hd] and z [hd]; `step` adds one position's key/value and reads out every query head.
 */
export class LinearAttentionState {
  readonly S: Float64Array;
  readonly z: Float64Array;
  private readonly fq: Float64Array;
  private readonly fk: Float64Array;

  constructor(readonly shape: AttentionShape) {
    const { kvHeads, headDim: hd } = shape;
    this.S = new Float64Array(kvHeads * hd * hd);
    this.z = new Float64Array(kvHeads * hd);
    this.fq = new Float64Array(hd);
    this.fk = new Float64Array(hd);
  }

  /** Consume k, v at kvOff (KV·hd values each) and write H·hd outputs for the query row at qOff. */
  step(out: Float32Array, outOff: number, q: Float32Array, qOff: number, k: Float32Array, v: Float32Array, kvOff: number): void {
    const { heads, kvHeads, headDim: hd } = this.shape;
    const { S, z, fq, fk } = this;
    for (let j = 0; j < kvHeads; j++) {
      const ko = kvOff + j * hd;
      const so = j * hd * hd;
      for (let a = 0; a < hd; a++) fk[a] = eluPlusOne(k[ko + a]!);
      for (let a = 0; a < hd; a++) {
        const f = fk[a]!;
        z[j * hd + a] = z[j * hd + a]! + f;
        const row = so + a * hd;
        for (let b = 0; b < hd; b++) S[row + b] = S[row + b]! + f * v[ko + b]!;
      }
    }
    const rep = heads / kvHeads;
    for (let h = 0; h < heads; h++) {
      const j = Math.floor(h / rep);
      const qo = qOff + h * hd;
      const so = j * hd * hd;
      let den = 0;
      for (let a = 0; a < hd; a++) {
        fq[a] = eluPlusOne(q[qo + a]!);
        den += fq[a]! * z[j * hd + a]!;
      }
      const inv = 1 / (den + LINEAR_ATTENTION_EPS);
      const oo = outOff + h * hd;
      for (let b = 0; b < hd; b++) {
        let num = 0;
        for (let a = 0; a < hd; a++) num += fq[a]! * S[so + a * hd + b]!;
        out[oo + b] = num * inv;
      }
    }
  }

  reset(): void {
    this.S.fill(0);
    this.z.fill(0);
  }
}

/**
 * Parallel (quadratic) form of causal linear attention, O(T²·hd), for checking the prefix-sum form:
 *   out_t = Σ_{s≤t} (φ(q_t)·φ(k_s)) v_s / (Σ_{s≤t} φ(q_t)·φ(k_s) + ε)
 */
export function linearAttentionParallel(
  out: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  T: number,
  shape: AttentionShape,
): Float32Array {
  const { heads, kvHeads, headDim: hd } = shape;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const rep = heads / kvHeads;
  const acc = new Float64Array(hd);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < heads; h++) {
      const qo = t * qDim + h * hd;
      const kvo = Math.floor(h / rep) * hd;
      acc.fill(0);
      let den = 0;
      for (let s = 0; s <= t; s++) {
        let w = 0;
        for (let a = 0; a < hd; a++) w += eluPlusOne(q[qo + a]!) * eluPlusOne(k[s * kvDim + kvo + a]!);
        den += w;
        for (let b = 0; b < hd; b++) acc[b] = acc[b]! + w * v[s * kvDim + kvo + b]!;
      }
      for (let b = 0; b < hd; b++) out[qo + b] = acc[b]! / (den + LINEAR_ATTENTION_EPS);
    }
  }
  return out;
}
