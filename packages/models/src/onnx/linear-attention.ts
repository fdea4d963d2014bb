import { LINEAR_ATTENTION_EPS } from '../forward/linear-attention.js';
import { attr, tensor, type Graph } from './graph.js';
import { dynamicMask, multiplicativeMask } from './masks.js';
import type { DecoderDType } from './decoder.js';

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

const ops = (g: Graph, label: string) => ({
  op: (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, name = type.toLowerCase()) =>
    g.op1(type, inputs, attrs, { label: `${label}_${name}` }),
  ints: (values: number[]) => g.constant(tensor.int64(values), `${label}_const`),
});

const scalar = (g: Graph, dtype: DecoderDType, v: number, label: string) =>
  g.constant(dtype === 'float64' ? tensor.float64([v], []) : tensor.float32([v], []), label);

/**
 * φ(x) = elu(x) + 1 = relu(x) + exp(−relu(−x)): ops the native engine differentiates (Relu, Neg, Exp, Add) and
 * that have float64 CPU kernels (Elu has none).
 */
function phi(g: Graph, x: string, label: string): string {
  const { op } = ops(g, label);
  return op('Add', [op('Relu', [x]), op('Exp', [op('Neg', [op('Relu', [op('Neg', [x])])])])], {}, 'phi');
}

/** φ(q)·φ(k)ᵀ over the chunk's own keys, times a 0/1 mask: [B, KV, G, S, S]. */
function chunkWeights(g: Graph, fq: string, fk: string, mask: string, label: string): string {
  const { op, ints } = ops(g, label);
  const fkT = op('Transpose', [op('Unsqueeze', [fk, ints([2])])], { perm: attr.ints([0, 1, 2, 4, 3]) }, 'phi_kT');
  return op('Mul', [op('MatMul', [fq, fkT], {}, 'lin_scores'), mask], {}, 'lin_weights');
}

/** No cache, fixed T (training): the parallel form Σ_s≤t (φ(q_t)·φ(k_s)) v_s / (Σ_s≤t φ(q_t)·φ(k_s) + ε). */
export function linearAttentionStatic(
  g: Graph,
  o: LinearAttentionGraph & { seqLen: number },
  q5: string,
  k4: string,
  v4: string,
  label: string,
) {
  const { op, ints } = ops(g, label);
  const T = o.seqLen;
  const causal = multiplicativeMask({ kind: 'linear' }, T);
  const mask = g.constant(
    o.dtype === 'float64' ? tensor.float64(Array.from(causal), [T, T]) : tensor.float32(Array.from(causal), [T, T]),
    `${label}_mask`,
  );
  const weights = chunkWeights(g, phi(g, q5, label), phi(g, k4, label), mask, label);
  const den = op('Add', [
    op('ReduceSum', [weights, ints([-1])], { keepdims: attr.int(1) }),
    scalar(g, o.dtype, LINEAR_ATTENTION_EPS, `${label}_eps`),
  ]);
  return op('Div', [op('MatMul', [weights, op('Unsqueeze', [v4, ints([2])])]), den], {}, 'ctx');
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
  const { op, ints } = ops(g, label);
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
  return dtype === 'float64' ? tensor.float64([0], [1]) : tensor.float32([0], [1]);
}
