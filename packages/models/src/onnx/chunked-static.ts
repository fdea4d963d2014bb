import { attr, type Graph } from './graph.js';
import { MASKED } from './masks.js';
import type { DecoderDType } from './decoder.js';
import { floatTensor } from './decoder-types.js';
import { labelledOps } from './labelled-ops.js';

/**
 * Sliding-window attention in chunks for the no-cache graph (training, fixed T > W), written only with ops the
 * native engine differentiates (Slice, Reshape, Concat, Unsqueeze, Transpose, MatMul, Add, Softmax) and constant
 * masks: no Pad, no shape ops. The first n = ⌊T/W⌋·W queries form n chunks; chunk c scores key blocks c - 1 and c
 * (chunk 0 reuses block 0 as its "previous" block, fully masked), [B, KV, G, n, W, 2W]. The r = T mod W last
 * queries score their own keys densely ([r, ≤ W - 1 + r]). Cost O(T·2W) instead of O(T²).
 */
export function chunkedWindowStatic(
  g: Graph,
  o: { window: number; seqLen: number; headDim: number; dtype: DecoderDType },
  q5: string,
  k4: string,
  v4: string,
  label: string,
): string {
  const { window: W, seqLen: T, headDim: hd } = o;
  const n = Math.floor(T / W);
  const r = T - n * W;
  const { op, ints, slice } = labelledOps(g, label);
  const floats = (values: number[], dims: number[]) => g.constant(floatTensor(o.dtype, values, dims), `${label}_mask`);
  const attend = (q: string, k: string, v: string, mask: string, rank: number) => {
    const perm = Array.from({ length: rank }, (_, i) => i);
    [perm[rank - 1], perm[rank - 2]] = [rank - 2, rank - 1];
    const scores = op('Add', [op('MatMul', [q, op('Transpose', [k], { perm: attr.ints(perm) })], {}, 'scores'), mask]);
    return op('MatMul', [op('Softmax', [scores], { axis: attr.int(-1) }, 'probs'), v], {}, 'ctx');
  };

  // Keys/values of the full chunks: [B, KV, n, W, hd] → block pairs [B, KV, 1, n, 2W, hd].
  const pairs = (x: string) => {
    const blocks = op('Reshape', [slice(x, 0, n * W, 2), ints([0, 0, n, W, hd])]);
    const previous = n > 1 ? op('Concat', [slice(blocks, 0, 1, 2), slice(blocks, 0, n - 1, 2)], { axis: attr.int(2) }) : blocks;
    return op('Unsqueeze', [op('Concat', [previous, blocks], { axis: attr.int(3) }), ints([2])]);
  };
  const mask = new Array<number>(n * W * 2 * W);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < W; i++) {
      for (let j = 0; j < 2 * W; j++) mask[(c * W + i) * 2 * W + j] = j > i && j <= W + i && (c > 0 || j >= W) ? 0 : MASKED;
    }
  }
  const q6 = op('Reshape', [slice(q5, 0, n * W, 3), ints([0, 0, 0, n, W, hd])]);
  const chunks = attend(q6, pairs(k4), pairs(v4), floats(mask, [n, W, 2 * W]), 6);
  const ctx = op('Reshape', [chunks, ints([0, 0, 0, n * W, hd])]);
  if (r === 0) return ctx;

  // The r tail queries (slots nW … T-1) read keys from slot nW - W + 1 on.
  const from = n * W - W + 1;
  const keys = T - from;
  const tail = new Array<number>(r * keys);
  for (let i = 0; i < r; i++) for (let j = 0; j < keys; j++) tail[i * keys + j] = j <= W - 1 + i && j >= i ? 0 : MASKED;
  const axis2 = ints([2]);
  const kTail = op('Unsqueeze', [slice(k4, from, T, 2), axis2]);
  const vTail = op('Unsqueeze', [slice(v4, from, T, 2), axis2]);
  const ctxTail = attend(slice(q5, n * W, T, 3), kTail, vTail, floats(tail, [r, keys]), 5);
  return op('Concat', [ctx, ctxTail], { axis: attr.int(3) });
}
