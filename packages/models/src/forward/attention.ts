import { keySpan } from '../accounting/attention-span.js';
import type { AttentionConfig } from '../config.js';

export { eluPlusOne, LINEAR_ATTENTION_EPS, linearAttention, LinearAttentionState, linearAttentionParallel } from './linear-attention.js';

/**
 * Attention cores. Layouts (row-major, as the projections produce them, no transposes):
 *   q   [T, H·hd]      k, v [T, KV·hd]      out [T, H·hd]
 * Query head h reads KV head ⌊h / (H/KV)⌋ (HF `repeat_kv`): KV = H is MHA, KV = 1 is MQA, else GQA.
 * RoPE is applied to q and k before these functions, for every kind (for linear attention before φ).
 */
export interface AttentionShape {
  heads: number;
  kvHeads: number;
  headDim: number;
}

/** Scratch buffers reused across calls so the hot loop allocates nothing. */
export interface AttentionScratch {
  scores: Float64Array;
  acc: Float64Array;
  /** Scores of four queries against every key position, [4, T] (allocated on first use). */
  block?: Float64Array;
}

export function attentionScratch(maxKeys: number, headDim: number): AttentionScratch {
  return { scores: new Float64Array(maxKeys), acc: new Float64Array(headDim) };
}

/**
 * One query row of softmax attention against keys/values stored as rows [*, KV·hd] (the whole sequence or
 * a KV cache): query at absolute position `t` attends to keys [0, globalEnd) ∪ [localStart, t] (see
 * `keySpan`); keys outside are never touched, so cost is proportional to the keys kept.
 * Writes H·hd values at out[outOff..].
 */
export function softmaxAttentionRow(
  out: Float32Array,
  outOff: number,
  q: Float32Array,
  qOff: number,
  k: Float32Array,
  v: Float32Array,
  t: number,
  attention: AttentionConfig,
  shape: AttentionShape,
  scratch: AttentionScratch,
): void {
  const { heads, kvHeads, headDim: hd } = shape;
  const kvDim = kvHeads * hd;
  const rep = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const { globalEnd, localStart } = keySpan(attention, t);
  const { scores, acc } = scratch;
  for (let h = 0; h < heads; h++) {
    const qo = qOff + h * hd;
    const kvo = Math.floor(h / rep) * hd;
    let max = -Infinity;
    let n = 0;
    // Two key ranges: global prefix then the local window ending at t.
    for (let range = 0; range < 2; range++) {
      const from = range === 0 ? 0 : localStart;
      const to = range === 0 ? globalEnd : t + 1;
      for (let s = from; s < to; s++) {
        const ko = s * kvDim + kvo;
        // Four partial sums break the add-latency chain (headDim is even; a tail of 2 is handled).
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        let i = 0;
        for (; i + 4 <= hd; i += 4) {
          d0 += q[qo + i]! * k[ko + i]!;
          d1 += q[qo + i + 1]! * k[ko + i + 1]!;
          d2 += q[qo + i + 2]! * k[ko + i + 2]!;
          d3 += q[qo + i + 3]! * k[ko + i + 3]!;
        }
        for (; i < hd; i++) d0 += q[qo + i]! * k[ko + i]!;
        const dot = (d0 + d1 + (d2 + d3)) * scale;
        scores[n++] = dot;
        if (dot > max) max = dot;
      }
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const p = Math.exp(scores[j]! - max);
      scores[j] = p;
      sum += p;
    }
    acc.fill(0);
    accumulateValues(acc, scores, 0, v, 0, globalEnd, kvDim, kvo, hd);
    accumulateValues(acc, scores, globalEnd, v, localStart, t + 1, kvDim, kvo, hd);
    const inv = 1 / sum;
    const oo = outOff + h * hd;
    for (let i = 0; i < hd; i++) out[oo + i] = acc[i]! * inv;
  }
}

/** acc += Σ_s p[s] · v[s] over key rows from..to−1 (weights from p[p0..]), four value rows per pass. */
function accumulateValues(
  acc: Float64Array,
  p: Float64Array,
  p0: number,
  v: Float32Array,
  from: number,
  to: number,
  kvDim: number,
  kvo: number,
  hd: number,
): void {
  let s = from;
  let j = p0;
  for (; s + 4 <= to; s += 4, j += 4) {
    const w0 = p[j]!;
    const w1 = p[j + 1]!;
    const w2 = p[j + 2]!;
    const w3 = p[j + 3]!;
    const v0 = s * kvDim + kvo;
    const v1 = v0 + kvDim;
    const v2 = v1 + kvDim;
    const v3 = v2 + kvDim;
    for (let i = 0; i < hd; i++) acc[i] = acc[i]! + (w0 * v[v0 + i]! + w1 * v[v1 + i]! + (w2 * v[v2 + i]! + w3 * v[v3 + i]!));
  }
  for (; s < to; s++, j++) {
    const w = p[j]!;
    const vo = s * kvDim + kvo;
    for (let i = 0; i < hd; i++) acc[i] = acc[i]! + w * v[vo + i]!;
  }
}

/**
 * Causal softmax attention (full, sliding-window or block-sparse) over a sequence of T positions.
 * Queries go in groups of four per head: each key row is loaded once for four dot products (the union of
 * the four spans differs from each span by at most three keys, or one block when a group straddles a
 * block boundary of a block size not divisible by 4); each query then normalises over its own span only.
 */
export function softmaxAttention(
  out: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  T: number,
  attention: AttentionConfig,
  shape: AttentionShape,
  scratch = attentionScratch(T, shape.headDim),
): Float32Array {
  const { heads, kvHeads, headDim: hd } = shape;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const rep = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const block = scratch.block ?? (scratch.block = new Float64Array(4 * T));
  if (block.length < 4 * T) throw new RangeError(`softmaxAttention: scratch holds ${block.length / 4} keys, need ${T}`);
  const { acc } = scratch;
  const ge = [0, 0, 0, 0];
  const ls = [0, 0, 0, 0];
  let t0 = 0;
  for (; t0 + 4 <= T; t0 += 4) {
    let lo = Infinity;
    let gHi = 0;
    for (let j = 0; j < 4; j++) {
      const span = keySpan(attention, t0 + j);
      ge[j] = span.globalEnd;
      ls[j] = span.localStart;
      lo = Math.min(lo, span.localStart);
      gHi = Math.max(gHi, span.globalEnd);
    }
    const g = Math.min(gHi, lo);
    for (let h = 0; h < heads; h++) {
      const q0 = t0 * qDim + h * hd;
      const q1 = q0 + qDim;
      const q2 = q1 + qDim;
      const q3 = q2 + qDim;
      const kvo = Math.floor(h / rep) * hd;
      for (let range = 0; range < 2; range++) {
        const from = range === 0 ? 0 : lo;
        const to = range === 0 ? g : t0 + 4;
        for (let s = from; s < to; s++) {
          const ko = s * kvDim + kvo;
          let d0 = 0;
          let d1 = 0;
          let d2 = 0;
          let d3 = 0;
          for (let i = 0; i < hd; i++) {
            const ki = k[ko + i]!;
            d0 += q[q0 + i]! * ki;
            d1 += q[q1 + i]! * ki;
            d2 += q[q2 + i]! * ki;
            d3 += q[q3 + i]! * ki;
          }
          block[s] = d0 * scale;
          block[T + s] = d1 * scale;
          block[2 * T + s] = d2 * scale;
          block[3 * T + s] = d3 * scale;
        }
      }
      for (let j = 0; j < 4; j++) {
        const t = t0 + j;
        const row = j * T;
        let max = -Infinity;
        for (let s = 0; s < ge[j]!; s++) if (block[row + s]! > max) max = block[row + s]!;
        for (let s = ls[j]!; s <= t; s++) if (block[row + s]! > max) max = block[row + s]!;
        let sum = 0;
        for (let s = 0; s < ge[j]!; s++) sum += block[row + s] = Math.exp(block[row + s]! - max);
        for (let s = ls[j]!; s <= t; s++) sum += block[row + s] = Math.exp(block[row + s]! - max);
        acc.fill(0);
        accumulateValues(acc, block, row, v, 0, ge[j]!, kvDim, kvo, hd);
        accumulateValues(acc, block, row + ls[j]!, v, ls[j]!, t + 1, kvDim, kvo, hd);
        const inv = 1 / sum;
        const oo = t * qDim + h * hd;
        for (let i = 0; i < hd; i++) out[oo + i] = acc[i]! * inv;
      }
    }
  }
  for (; t0 < T; t0++) softmaxAttentionRow(out, t0 * qDim, q, t0 * qDim, k, v, t0, attention, shape, scratch);
  return out;
}
