import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { attr, tensor, type Graph } from './graph.js';
import type { DecoderKvCache } from './decoder.js';
import { MASKED } from './masks.js';
import { blockSparseAttention, blockSparseCache, blockSparseMask } from './block-sparse-attention.js';
import { boundedCache, chunkedWindowAttention, chunkedWindowMask } from './chunked-attention.js';

/**
 * The attention step of the fused decoder (fused-decoder.ts), one per attention kind. It gets the roped q
 * [B, S, heads·hd] and k, v [B, S, kvHeads·hd] of one cache slot and returns the context [B, S, heads·hd] (before
 * o_proj) and the cache to hand back for that slot.
 */
export type FusedAttentionStep = (
  slot: number,
  q: string,
  k: string,
  v: string,
  label: string,
) => { ctx: string; present: { key: string; value: string } };

export interface FusedAttentionOptions {
  kvCache: DecoderKvCache;
  inputIds: string;
  prefix: string;
}

/**
 * Full causal attention through com.microsoft.GroupQueryAttention (KV-cache concat, shared K/V heads, output already
 * [B, S, heads·hd]). It is told every slot is valid (seqlens_k = total − 1, so its causal mask is by cache slot, as
 * `dynamicMask`'s) and padded keys are masked through its additive attention_bias (attention_mask = 0 → MASKED).
 */
export function groupQueryAttention(g: Graph, config: ModelConfig, o: FusedAttentionOptions): FusedAttentionStep {
  const { heads, kvHeads, headDim } = config;
  const kv = o.kvCache;
  const pre = o.prefix;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, label?: string) =>
    g.op1(type, inputs, attrs, { label: `${pre}${label ?? type.toLowerCase()}` });
  const ints = (values: number[], label: string) => g.constant(tensor.int64(values), `${pre}${label}`);
  // Once per call: lengths for GroupQueryAttention and the padding bias [batch, 1, seq, total].
  const total = op('Shape', [kv.attentionMask], { start: attr.int(1), end: attr.int(2) }, 'total'); // [1]
  const batch = op('Shape', [kv.attentionMask], { start: attr.int(0), end: attr.int(1) }, 'batch'); // [1]
  const seq = op('Shape', [o.inputIds], { start: attr.int(1), end: attr.int(2) }, 'seq'); // [1]
  const total32 = op('Cast', [op('Squeeze', [total])], { to: attr.int(6) }, 'total_i32');
  const last = op('Sub', [total32, g.constant({ dtype: 'int32', dims: [], data: Int32Array.of(1) }, `${pre}one_i32`)]);
  const seqlensK = op('Expand', [last, batch], {}, 'seqlens_k'); // int32 [batch]: every slot counts
  const keep = op('Cast', [kv.attentionMask], { to: attr.int(1) }, 'mask_f'); // [batch, total]
  const padBias = op('Mul', [
    op('Sub', [g.constant(tensor.float32([1], []), `${pre}one`), keep]),
    g.constant(tensor.float32([MASKED], [])),
  ]);
  const one = ints([1], 'one_dim');
  const bias = op(
    'Expand',
    [op('Unsqueeze', [padBias, ints([1, 2], 'axes')]), op('Concat', [one, one, seq, one], { axis: attr.int(0) })],
    {},
    'attn_bias',
  );
  const attrs = { num_heads: attr.int(heads), kv_num_heads: attr.int(kvHeads), scale: attr.float(1 / Math.sqrt(headDim)) };
  return (slot, q, k, v, label) => {
    const past = kv.past[slot] as { key: string; value: string };
    const [ctx, key, value] = g.op('GroupQueryAttention', [q, k, v, past.key, past.value, seqlensK, total32, '', '', '', bias], attrs, {
      outputs: 3,
      label: `${pre}${label}_gqa`,
      domain: 'com.microsoft',
    }) as [string, string, string];
    return { ctx, present: { key, value } };
  };
}

/**
 * Most query slots per chunk of the fused sliding-window graph: W / 4 where it divides, else W / 2, else W. A chunk
 * then scores W + W/4 keys rather than 2W (half of them masked); a decoded token is one query either way. Prefill at
 * T = 4096, W = 256 was within noise for W/4, W/2 and W (2.10–2.22× faster than dense causal each).
 */
export function windowChunk(window: number): number {
  return window % 4 === 0 ? window / 4 : window % 2 === 0 ? window / 2 : window;
}

/**
 * Sliding-window or block-sparse attention over the reachable key blocks only (chunked-attention.ts,
 * block-sparse-attention.ts), exactly as `emitDecoder` computes it, fed from the fused graph's [B, S, heads·hd]
 * layout: q → [B, KV, G, S, hd] scaled by 1/√hd, k/v → [B, KV, S, hd] appended to the past, and the bounded cache
 * (`boundedCache` / `blockSparseCache`) handed back, so cache layout and size equal the plain graph's.
 */
export function chunkedAttention(g: Graph, config: ModelConfig, o: FusedAttentionOptions): FusedAttentionStep {
  const { heads, kvHeads, headDim, attention } = config;
  const kv = o.kvCache;
  const pre = o.prefix;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, label?: string) =>
    g.op1(type, inputs, attrs, { label: `${pre}${label ?? type.toLowerCase()}` });
  const ints = (values: number[], label = 'shape') => g.constant(tensor.int64(values), `${pre}${label}`);
  const shared = {
    headDim,
    dtype: 'float32' as const,
    attentionMask: kv.attentionMask,
    inputIds: o.inputIds,
    pastKey: (kv.past[0] as { key: string }).key,
    prefix: pre,
  };
  let attend: (q5: string, k4: string, v4: string, label: string) => string;
  let keep: (x: string, label: string) => string;
  if (attention.kind === 'sliding-window') {
    const w = chunkedWindowMask(g, { ...shared, window: attention.window, chunk: windowChunk(attention.window) });
    attend = (q5, k4, v4, label) => chunkedWindowAttention(g, w, q5, k4, v4, label);
    keep = (x, label) => boundedCache(g, w, x, `${label}_last`);
  } else if (attention.kind === 'block-sparse') {
    const { blockSize, localBlocks, globalTokens } = attention;
    const w = blockSparseMask(g, { ...shared, blockSize, localBlocks, globalTokens });
    attend = (q5, k4, v4, label) => blockSparseAttention(g, w, q5, k4, v4, label);
    keep = (x, label) => blockSparseCache(g, w, x, `${label}_kept`);
  } else {
    throw new ModelsInputError(`chunkedAttention: no chunked form for ${attention.kind} attention`);
  }
  const shapeQ5 = ints([0, 0, kvHeads, heads / kvHeads, headDim]);
  const shapeKv = ints([0, 0, kvHeads, headDim]);
  const shapeMerge = ints([0, 0, heads * headDim]);
  const scale = g.constant(tensor.float32([1 / Math.sqrt(headDim)], []), `${pre}qscale`);
  return (slot, q, k, v, label) => {
    const past = kv.past[slot] as { key: string; value: string };
    const q5 = op('Mul', [op('Transpose', [op('Reshape', [q, shapeQ5])], { perm: attr.ints([0, 2, 3, 1, 4]) }), scale], {}, `${label}_q5s`);
    const heads4 = (x: string, n: string, pastX: string) => {
      const x4 = op('Transpose', [op('Reshape', [x, shapeKv])], { perm: attr.ints([0, 2, 1, 3]) }, `${label}_${n}4`);
      return op('Concat', [pastX, x4], { axis: attr.int(2) }, `${label}_present_${n}`);
    };
    const k4 = heads4(k, 'k', past.key);
    const v4 = heads4(v, 'v', past.value);
    const present = { key: keep(k4, `${pre}${label}_present_k`), value: keep(v4, `${pre}${label}_present_v`) };
    const ctx5 = attend(q5, k4, v4, `${pre}${label}_chunk`); // [B, KV, G, S, hd]
    const ctx = op('Reshape', [op('Transpose', [ctx5], { perm: attr.ints([0, 3, 1, 2, 4]) }), shapeMerge], {}, `${label}_ctx`);
    return { ctx, present };
  };
}
