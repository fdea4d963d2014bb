import { LINEAR_ATTENTION_EPS } from '../forward/linear-attention.js';
import { attr, type Graph } from './graph.js';
import { dynamicMask, multiplicativeMask } from './masks.js';
import type { DecoderDType } from './decoder.js';
import { floatTensor } from './decoder-types.js';
import { labelledOps } from './labelled-ops.js';

/**
 * Causal linear attention (φ = elu + 1, no 1/√hd, as forward/linear-attention.ts) for the decoder graphs.
 * Layouts as decoder.ts: q5 [B, KV, G, S, hd], k4 and v4 [B, KV, S, hd]; the result is ctx [B, KV, G, S, hd].
 *
 * With a cache the layer carries the recurrent state instead of growing K/V, in the cache slot's two tensors:
 *   key   = S = Σ φ(k)ᵀ v   [B, KV, hd, hd]
 *   value = z = Σ φ(k)      [B, KV, 1, hd]
 * so present has the same shape whatever the sequence length. An empty past ([B, KV, 0, hd], what
 * transformers.js and scalewise's decoders feed on the first call) reads as the zero state.
 */
export interface LinearAttentionGraph {
  dtype: DecoderDType;
  /** Value-name prefix. */
  prefix: string;
}

const scalar = (g: Graph, dtype: DecoderDType, v: number, label: string) => g.constant(floatTensor(dtype, [v], []), label);

/**
 * φ(x) = elu(x) + 1 = relu(x) + exp(−relu(−x)): ops the native engine differentiates (Relu, Neg, Exp, Add) and
 * that have float64 CPU kernels (Elu has none).
 */
function phi(g: Graph, x: string, label: string): string {
  const { op } = labelledOps(g, label);
  return op('Add', [op('Relu', [x]), op('Exp', [op('Neg', [op('Relu', [op('Neg', [x])])])])], {}, 'phi');
}

/** φ(q)·φ(k)ᵀ over the chunk's own keys, times a 0/1 mask: [B, KV, G, S, S]. */
function chunkWeights(g: Graph, fq: string, fk: string, mask: string, label: string): string {
  const { op, ints } = labelledOps(g, label);
  const fkT = op('Transpose', [op('Unsqueeze', [fk, ints([2])])], { perm: attr.ints([0, 1, 2, 4, 3]) }, 'phi_kT');
  return op('Mul', [op('MatMul', [fq, fkT], {}, 'lin_scores'), mask], {}, 'lin_weights');
}

/** Default chunk length of the no-cache graph: chunked (O(T·C·hd + T·hd²)) once T ≥ 2C, parallel (O(T²·hd)) below. */
export const LINEAR_ATTENTION_CHUNK = 64;

/**
 * No cache, fixed T (training). Below 2C positions the parallel form Σ_s≤t (φ(q_t)·φ(k_s)) v_s / (Σ_s≤t φ(q_t)·φ(k_s) + ε);
 * from 2C on, chunks of C: each chunk's own causal sum plus the state of all earlier chunks, S_<c = L·ΔS (L the
 * constant strictly lower-triangular [n, n]), and a tail of T mod C positions reading the whole state. Only
 * ops the native engine differentiates (MatMul, Slice, Reshape, Transpose, ReduceSum, Mul/Add/Div, Concat).
 */
export function linearAttentionStatic(
  g: Graph,
  o: LinearAttentionGraph & { seqLen: number; headDim: number; chunk?: number },
  q5: string,
  k4: string,
  v4: string,
  label: string,
) {
  const { op, ints, slice } = labelledOps(g, label);
  const { seqLen: T, headDim: hd } = o;
  const C = o.chunk ?? LINEAR_ATTENTION_CHUNK;
  const floats = (values: ArrayLike<number>, dims: number[], name: string) =>
    g.constant(floatTensor(o.dtype, values, dims), `${label}_${name}`);
  const eps = scalar(g, o.dtype, LINEAR_ATTENTION_EPS, `${label}_eps`);
  const causal = (n: number) => floats(multiplicativeMask({ kind: 'linear' }, n), [n, n], 'mask');
  const sum = (x: string, axis: number) => op('ReduceSum', [x, ints([axis])], { keepdims: attr.int(1) });
  const swap = (x: string, rank: number) => {
    const perm = Array.from({ length: rank }, (_, i) => i);
    [perm[rank - 1], perm[rank - 2]] = [rank - 2, rank - 1];
    return op('Transpose', [x], { perm: attr.ints(perm) });
  };
  const unsq = (x: string) => op('Unsqueeze', [x, ints([2])]); // share K/V-side tensors across the G query heads
  const fq = phi(g, q5, label);
  const fk = phi(g, k4, label);
  if (T < 2 * C) {
    const weights = chunkWeights(g, fq, fk, causal(T), label);
    return op('Div', [op('MatMul', [weights, unsq(v4)]), op('Add', [sum(weights, -1), eps])], {}, 'ctx');
  }
  const n = Math.floor(T / C);
  const r = T - n * C;
  // Full chunks: q [B, KV, G, n, C, hd], k and v [B, KV, n, C, hd].
  const qc = op('Reshape', [slice(fq, 0, n * C, 3), ints([0, 0, 0, n, C, hd])]);
  const kc = op('Reshape', [slice(fk, 0, n * C, 2), ints([0, 0, n, C, hd])]);
  const vc = op('Reshape', [slice(v4, 0, n * C, 2), ints([0, 0, n, C, hd])]);
  const kcT = swap(kc, 5); // [B, KV, n, hd, C]
  const w = op('Mul', [op('MatMul', [qc, unsq(kcT)]), causal(C)], {}, 'chunk_weights'); // [B, KV, G, n, C, C]
  const dS = op('MatMul', [kcT, vc], {}, 'chunk_S'); // [B, KV, n, hd, hd]
  const dz = swap(sum(kc, 3), 5); // [B, KV, n, hd, 1]
  // State of the chunks before each chunk, one product: [n, n] strictly lower-triangular · [B, KV, n, hd·hd | hd].
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) lower[i * n + j] = 1;
  const lowerC = floats(lower, [n, n], 'lower');
  const before = (x: string, cols: number) =>
    op('Reshape', [op('MatMul', [lowerC, op('Reshape', [x, ints([0, 0, n, hd * cols])])]), ints([0, 0, n, hd, cols])]);
  const num = op('Add', [op('MatMul', [qc, unsq(before(dS, hd))]), op('MatMul', [w, unsq(vc)])], {}, 'chunk_num');
  const den = op('Add', [op('Add', [op('MatMul', [qc, unsq(before(dz, 1))]), sum(w, -1)]), eps], {}, 'chunk_den');
  const full = op('Reshape', [op('Div', [num, den]), ints([0, 0, 0, n * C, hd])], {}, 'chunks_ctx');
  if (r === 0) return full;

  // The T mod C last positions: the whole state of the full chunks plus their own causal sum.
  const S = op('ReduceSum', [dS, ints([2])], { keepdims: attr.int(0) }); // [B, KV, hd, hd]
  const z = op('ReduceSum', [dz, ints([2])], { keepdims: attr.int(0) }); // [B, KV, hd, 1]
  const qt = slice(fq, n * C, T, 3);
  const kt = slice(fk, n * C, T, 2);
  const vt = slice(v4, n * C, T, 2);
  const wt = op('Mul', [op('MatMul', [qt, unsq(swap(kt, 4))]), causal(r)], {}, 'tail_weights');
  const tNum = op('Add', [op('MatMul', [qt, unsq(S)]), op('MatMul', [wt, unsq(vt)])]);
  const tDen = op('Add', [op('Add', [op('MatMul', [qt, unsq(z)]), sum(wt, -1)]), eps]);
  return op('Concat', [full, op('Div', [tNum, tDen])], { axis: attr.int(3) }, 'ctx');
}

export interface LinearCacheInputs {
  /** int64 [B, past + S]: 1 = attend, 0 = padding (padding keys add nothing to the state). */
  attentionMask: string;
  /** int64 [B, S] */
  inputIds: string;
  /** State of the previous call: S [B, KV, hd | 0, hd] and z [B, KV, 1 | 0, hd]. */
  past: { key: string; value: string };
  headDim: number;
}

/**
 * With a cache: the past state's contribution plus the chunk's own causal sum (exact for any chunk length,
 * prefill or one token), and the state after the chunk. O(S² + S·hd²) per call, independent of past length.
 */
export function linearAttentionRecurrent(
  g: Graph,
  o: LinearAttentionGraph & LinearCacheInputs,
  q5: string,
  k4: string,
  v4: string,
  label: string,
): { ctx: string; present: { key: string; value: string } } {
  const { op, ints } = labelledOps(g, label);
  const hd = o.headDim;
  const seq = op('Shape', [o.inputIds], { start: attr.int(1), end: attr.int(2) }, 'seq');
  // The chunk's own slice of attention_mask: causal × padding over [S, S] (dynamicMask with past = 0).
  const chunkMask = op('Slice', [o.attentionMask, op('Neg', [seq]), ints([Number.MAX_SAFE_INTEGER]), ints([1])], {}, 'chunk_mask');
  const mask = dynamicMask(
    g,
    { attention: { kind: 'linear' }, dtype: o.dtype, attentionMask: chunkMask, inputIds: o.inputIds, prefix: `${label}_` },
    true,
  );
  // [B, 1, S, 1]: 1 for real keys, 0 for padding.
  const keep = op('Unsqueeze', [op('Cast', [chunkMask], { to: attr.int(o.dtype === 'float64' ? 11 : 1) }), ints([1, 3])], {}, 'keep');

  const fq = phi(g, q5, `${label}_q`);
  const fk = op('Mul', [phi(g, k4, `${label}_k`), keep], {}, 'phi_k_kept');
  const weights = chunkWeights(g, fq, fk, mask, label);

  // New state = past (zeros when empty) + this chunk's sums.
  const dS = op('MatMul', [op('Transpose', [fk], { perm: attr.ints([0, 1, 3, 2]) }), v4], {}, 'dS'); // [B, KV, hd, hd]
  const dz = op('ReduceSum', [fk, ints([2])], { keepdims: attr.int(1) }, 'dz'); // [B, KV, 1, hd]
  const orZero = (past: string, like: string, rows: number, name: string) =>
    op(
      'Slice',
      [
        op('Concat', [past, op('ConstantOfShape', [op('Shape', [like])], { value: attr.tensor(zeroTensor(o.dtype)) })], {
          axis: attr.int(2),
        }),
        ints([0]),
        ints([rows]),
        ints([2]),
      ],
      {},
      name,
    );
  const pastS = orZero(o.past.key, dS, hd, 'past_S');
  const pastZ = orZero(o.past.value, dz, 1, 'past_z');

  // out_t = (φ(q_t)·S_past + Σ_chunk w v) / (φ(q_t)·z_past + Σ_chunk w + ε)
  const v5 = op('Unsqueeze', [v4, ints([2])]);
  const num = op('Add', [op('MatMul', [fq, op('Unsqueeze', [pastS, ints([2])])]), op('MatMul', [weights, v5])], {}, 'num');
  const zT = op('Unsqueeze', [op('Transpose', [pastZ], { perm: attr.ints([0, 1, 3, 2]) }), ints([2])]); // [B, KV, 1, hd, 1]
  const den = op(
    'Add',
    [
      op('Add', [op('MatMul', [fq, zT]), op('ReduceSum', [weights, ints([-1])], { keepdims: attr.int(1) })]),
      scalar(g, o.dtype, LINEAR_ATTENTION_EPS, `${label}_eps`),
    ],
    {},
    'den',
  );
  const ctx = op('Div', [num, den], {}, 'ctx');
  return { ctx, present: { key: op('Add', [pastS, dS], {}, 'present_S'), value: op('Add', [pastZ, dz], {}, 'present_z') } };
}

function zeroTensor(dtype: DecoderDType) {
  return floatTensor(dtype, [0], [1]);
}
