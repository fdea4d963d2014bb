import { attr, type Graph } from './graph.js';
import { MASKED } from './masks.js';
import type { DecoderDType } from './decoder.js';
import { floatTensor } from './decoder-types.js';
import { labelledOps } from './labelled-ops.js';

/**
 * Block-sparse attention (blocks of b positions, L local blocks, G global tokens) for the no-cache graph (training,
 * eval, prefill at fixed T), computing only the kept blocks. Written with the ops the native engine differentiates
 * (Slice, Reshape, Concat, Unsqueeze, Transpose, MatMul, Add, Softmax) and constant masks: no Pad, no shape ops.
 * The first n = ⌊T/b⌋·b queries form n chunks, one per block; chunk c scores the G global keys and its L local key
 * blocks c - L + 1 … c (blocks before 0 reuse block 0, fully masked): [B, KV, Gq, n, b, G + L·b] instead of
 * [B, KV, Gq, T, T]. A global key j is scored in the global part only when it lies before the chunk's local blocks
 * (j < (c - L + 1)·b), so no key is counted twice. The r = T mod b tail queries score the globals and their own keys
 * from the local start densely. Exact: the same keys as `attends` (masks.ts), O(T·(G + L·b)) instead of O(T²).
 * Correct for any T > G + L·b (so n ≥ L); `blockSparsePays` decides when it is used.
 */
export interface BlockSparseStaticOptions {
  blockSize: number;
  localBlocks: number;
  globalTokens: number;
  seqLen: number;
  headDim: number;
  dtype: DecoderDType;
}

/**
 * Whether the chunked form is used: once T ≥ 2·(G + L·b), i.e. it scores at most half the keys of the dense T×T mask.
 * Closer to G + L·b the copies of neighbouring blocks cost more than the masked scores they save (measured on the
 * native training graph: 0.91× at T = 512 for G + L·b = 272, 1.3× at 1024, 1.9× at 2048; bench/block-sparse-train.ts).
 */
export function blockSparsePays(o: { blockSize: number; localBlocks: number; globalTokens: number }, T: number): boolean {
  return T >= 2 * (o.globalTokens + o.localBlocks * o.blockSize);
}

/** Constant additive masks: the n full chunks [n, b, G + L·b] and the tail [r, G + T - s0] (s0 = its local start). */
export function blockSparseStaticMasks(o: BlockSparseStaticOptions): { chunks: number[]; tail: number[]; tailStart: number } {
  const { blockSize: b, localBlocks: L, globalTokens: G, seqLen: T } = o;
  const n = Math.floor(T / b);
  const K = G + L * b;
  const chunks = new Array<number>(n * b * K).fill(MASKED);
  for (let c = 0; c < n; c++) {
    const localStart = (c - L + 1) * b;
    for (let i = 0; i < b; i++) {
      const row = (c * b + i) * K;
      for (let j = 0; j < G; j++) if (j < localStart) chunks[row + j] = 0;
      for (let m = 0; m < L * b; m++) {
        const pos = localStart + m;
        if (pos >= 0 && pos <= c * b + i) chunks[row + G + m] = 0;
      }
    }
  }
  const r = T - n * b;
  const tailStart = Math.max(0, (n - L + 1) * b);
  const keys = G + T - tailStart;
  const tail = new Array<number>(r * keys).fill(MASKED);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < G; j++) if (j < tailStart) tail[i * keys + j] = 0;
    for (let m = 0; tailStart + m < T; m++) if (tailStart + m <= n * b + i) tail[i * keys + G + m] = 0;
  }
  return { chunks, tail, tailStart };
}

export type StaticAttend = (q5: string, k4: string, v4: string, label: string) => string;

/**
 * Softmax attention of q5 [B, KV, Gq, T, hd] (scaled) over k4, v4 [B, KV, T, hd], returning ctx [B, KV, Gq, T, hd];
 * the masks are built once and shared by every layer that calls the returned function.
 */
export function blockSparseStatic(g: Graph, o: BlockSparseStaticOptions, prefix = ''): StaticAttend {
  const masks = blockSparseStaticMasks(o);
  const { blockSize: b, localBlocks: L, globalTokens: G, seqLen: T } = o;
  const n = Math.floor(T / b);
  const r = T - n * b;
  const floats = (values: number[], dims: number[]) => g.constant(floatTensor(o.dtype, values, dims), `${prefix}bsp_mask`);
  const mask6 = floats(masks.chunks, [n, b, G + L * b]);
  const maskTail = r > 0 ? floats(masks.tail, [r, G + T - masks.tailStart]) : '';
  return (q5, k4, v4, label) => attendBlocks(g, o, masks.tailStart, mask6, maskTail, q5, k4, v4, label);
}

function attendBlocks(
  g: Graph,
  o: BlockSparseStaticOptions,
  s0: number,
  mask6: string,
  maskTail: string,
  q5: string,
  k4: string,
  v4: string,
  label: string,
): string {
  const { blockSize: b, localBlocks: L, globalTokens: G, seqLen: T, headDim: hd } = o;
  const n = Math.floor(T / b);
  const { op, ints, slice } = labelledOps(g, label);
  const concat = (xs: string[], axis: number) => (xs.length === 1 ? (xs[0] as string) : op('Concat', xs, { axis: attr.int(axis) }));
  const kT = (k: string, rank: number) => {
    const perm = Array.from({ length: rank }, (_, i) => i);
    [perm[rank - 1], perm[rank - 2]] = [rank - 2, rank - 1];
    return op('Transpose', [k], { perm: attr.ints(perm) });
  };
  /** softmax([q·gkᵀ | q·kᵀ] + mask)·[gv ; v], the global part omitted when G = 0. */
  const attend = (q: string, k: string, v: string, gk: string, gv: string, mask: string, rank: number) => {
    const local = op('MatMul', [q, kT(k, rank)], {}, 'scores');
    const scores = G > 0 ? concat([op('MatMul', [q, kT(gk, rank)], {}, 'gscores'), local], -1) : local;
    const probs = op('Softmax', [op('Add', [scores, mask])], { axis: attr.int(-1) }, 'probs');
    if (G === 0) return op('MatMul', [probs, v], {}, 'ctx');
    const keys = G + (rank === 6 ? L * b : T - s0);
    const pg = slice(probs, 0, G, rank - 1);
    const pl = slice(probs, G, keys, rank - 1);
    return op('Add', [op('MatMul', [pg, gv], {}, 'gctx'), op('MatMul', [pl, v], {}, 'lctx')], {}, 'ctx');
  };
  // Global keys [B, KV, G, hd] → [B, KV, 1, 1, G, hd] (chunks) or [B, KV, 1, G, hd] (tail).
  const gk = G > 0 ? slice(k4, 0, G, 2) : '';
  const gv = G > 0 ? slice(v4, 0, G, 2) : '';
  const up = (x: string, axes: number[]) => (x ? op('Unsqueeze', [x, ints(axes)]) : '');

  // Local key blocks of the full chunks: [B, KV, n, b, hd] → [B, KV, 1, n, L·b, hd], oldest block first.
  const local = (x: string) => {
    const blocks = op('Reshape', [slice(x, 0, n * b, 2), ints([0, 0, n, b, hd])]);
    const first = slice(blocks, 0, 1, 2);
    const shifted = Array.from({ length: L }, (_, k) => {
      const back = L - 1 - k; // blocks back from the chunk's own
      return back === 0 ? blocks : concat([...Array.from({ length: back }, () => first), slice(blocks, 0, n - back, 2)], 2);
    });
    return op('Unsqueeze', [concat(shifted, 3), ints([2])]);
  };
  const q6 = op('Reshape', [slice(q5, 0, n * b, 3), ints([0, 0, 0, n, b, hd])]);
  const chunks = attend(q6, local(k4), local(v4), up(gk, [2, 3]), up(gv, [2, 3]), mask6, 6);
  const ctx = op('Reshape', [chunks, ints([0, 0, 0, n * b, hd])]);
  if (!maskTail) return ctx;

  const keysTail = (x: string) => op('Unsqueeze', [slice(x, s0, T, 2), ints([2])]);
  const ctxTail = attend(slice(q5, n * b, T, 3), keysTail(k4), keysTail(v4), up(gk, [2]), up(gv, [2]), maskTail, 5);
  return op('Concat', [ctx, ctxTail], { axis: attr.int(3) });
}
