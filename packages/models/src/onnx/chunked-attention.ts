import { attr, tensor, type Graph } from './graph.js';
import { MASKED } from './masks.js';
import type { DecoderDType } from './decoder.js';

/**
 * Sliding-window attention computed in chunks of W = window query slots, for the KV-cache graph (prefill and
 * decode alike). Queries sit in cache slots P..N-1 (P = past, N = past + seq). Keys are padded by W masked slots
 * on the left and cut into blocks of W aligned with the query chunks, so query chunk c (slots P + cW … P + cW + W - 1)
 * reads only key blocks c - 1 and c (slots P + (c - 1)W … P + (c + 1)W - 1): scores are [B, KV, G, S/W, W, 2W]
 * instead of [B, KV, G, S, N], O(S·2W) rather than O(S·N). The window is applied on slots: with left padding
 * (the only padding transformers.js makes) token positions differ from slots by a per-row constant, so this equals
 * the dynamic mask's window on cumsum(attention_mask) - 1 for every non-padding query. The cache handed back keeps
 * only the last W slots (`boundedCache`): memory O(W) per layer however long the generation. Rows that are all padding
 * get a uniform softmax over their 2W keys instead of over all N (their logits are meaningless either way).
 */

export interface ChunkedWindowOptions {
  window: number;
  headDim: number;
  dtype: DecoderDType;
  /** int64 [batch, positions so far + seq]: 1 = attend, 0 = padding; only its last past + seq columns are read. */
  attentionMask: string;
  /** A past key input [batch, kvHeads, past, headDim]: its length is the number of cached slots (≤ W once bounded). */
  pastKey: string;
  /** int64 [batch, seq] (only its length is read). */
  inputIds: string;
  prefix: string;
  /**
   * Query slots per chunk, C (default W; must divide W): a chunk reads the W / C key blocks of C before it and its
   * own, W + C keys, so smaller chunks score fewer masked keys (2W at C = W) and a decoded token is padded to C
   * queries, not W.
   */
  chunk?: number;
}

/** Geometry and additive mask shared by every layer: computed once per graph. */
export interface ChunkedWindow {
  window: number;
  /** Query slots per chunk, C (divides W). */
  chunk: number;
  headDim: number;
  /** int64 [1]: new tokens S. */
  seq: string;
  /** int64 [1]: first key slot of the sliced key range, past (in the left-padded key axis, where slot 0 sits at W). */
  keyStart: string;
  /** int64 [1]: end of the sliced key range, past + (chunks + W/C)·C. */
  keyEnd: string;
  /** int64 [2·4]: Pad pads for [B, KV, N, hd] keys (W before, R = chunks·C - S after, on axis 2). */
  keyPads: string;
  /** int64 [2·5]: Pad pads for [B, KV, G, S, hd] queries (R after, on axis 3). */
  queryPads: string;
  /** [B, 1, 1, chunks, C, W + C]: 0 where the query may attend the key, MASKED elsewhere. */
  mask: string;
}

export function chunkedWindowMask(g: Graph, o: ChunkedWindowOptions): ChunkedWindow {
  const W = o.window;
  const C = o.chunk ?? W;
  if (!Number.isInteger(C) || C < 1 || W % C !== 0) throw new Error(`chunkedWindowMask: chunk ${C} must divide the window ${W}`);
  const label = `${o.prefix}chunk`;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}) =>
    g.op1(type, inputs, attrs, { label: `${label}_${type.toLowerCase()}` });
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  const float = (v: number) => g.constant(o.dtype === 'float64' ? tensor.float64([v], []) : tensor.float32([v], []), `${label}_const`);

  const past = op('Shape', [o.pastKey], { start: attr.int(2), end: attr.int(3) }); // [1] P
  const seq = op('Shape', [o.inputIds], { start: attr.int(1), end: attr.int(2) }); // [1] S
  // The cache may hold fewer slots than the mask has columns (present keeps the last W): align on the right.
  const keyMaskCols = op('Slice', [o.attentionMask, op('Neg', [op('Add', [past, seq])]), ints([Number.MAX_SAFE_INTEGER]), ints([1])]);
  const wC = ints([W]);
  const cC = ints([C]);
  // chunks = ⌈S / C⌉ (integer Div floors non-negative int64), R = chunks·C - S.
  const chunks = op('Div', [op('Add', [seq, ints([C - 1])]), cC]);
  const rightPad = op('Sub', [op('Mul', [chunks, cC]), seq]);
  const keyEnd = op('Add', [past, op('Mul', [op('Add', [chunks, ints([W / C])]), cC])]);
  const zeros = (k: number) => ints(Array.from({ length: k }, () => 0));
  const keyPads = op('Concat', [zeros(2), wC, zeros(3), rightPad, zeros(1)], { axis: attr.int(0) });
  const queryPads = op('Concat', [zeros(8), rightPad, zeros(1)], { axis: attr.int(0) });

  // Key validity in the chunked layout: [B, N] → pad (W, R) with 0 → slots past … keyEnd → [B, chunks, W + C].
  const valid = op('Cast', [keyMaskCols], { to: attr.int(o.dtype === 'float64' ? 11 : 1) });
  const validPadded = op('Pad', [valid, op('Concat', [zeros(1), wC, zeros(1), rightPad], { axis: attr.int(0) })]);
  const validSlice = op('Slice', [validPadded, past, keyEnd, ints([1])]);
  const validBlocks = neighbourBlocks(g, op('Reshape', [validSlice, ints([0, -1, C])]), 1, W / C + 1, label);
  const keyMask = op('Where', [op('Greater', [validBlocks, float(0.5)]), float(0), float(MASKED)]);
  // Within a chunk: query i (slot offset W + i from the key span's start) sees key j iff 0 ≤ W + i - j < W.
  const span = W + C;
  const local = new Array<number>(C * span);
  for (let i = 0; i < C; i++) for (let j = 0; j < span; j++) local[i * span + j] = j > i && j <= W + i ? 0 : MASKED;
  const localC = g.constant(
    o.dtype === 'float64' ? tensor.float64(local, [C, span]) : tensor.float32(local, [C, span]),
    `${label}_local_mask`,
  );
  const mask = op('Add', [op('Unsqueeze', [keyMask, ints([1, 2, 4])]), localC]);
  return { window: W, chunk: C, headDim: o.headDim, seq, keyStart: past, keyEnd, keyPads, queryPads, mask };
}

/**
 * [..., blocks + count - 1, W, ...] along `axis` → each block with its count - 1 predecessors, concatenated on axis + 1:
 * [..., blocks, count·W, ...] (the keys a chunk of queries may reach, oldest first).
 */
export function neighbourBlocks(g: Graph, x: string, axis: number, count: number, label: string): string {
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  const parts = Array.from({ length: count }, (_, i) => {
    const end = i < count - 1 ? -(count - 1 - i) : Number.MAX_SAFE_INTEGER;
    return g.op1('Slice', [x, ints([i]), ints([end]), ints([axis])], {}, { label: `${label}_blk${i}` });
  });
  return g.op1('Concat', parts, { axis: attr.int(axis + 1) }, { label: `${label}_pair` });
}

/**
 * Softmax attention of q5 [B, KV, G, S, hd] (already scaled) over keys/values k4, v4 [B, KV, N, hd] in chunks;
 * returns the context [B, KV, G, S, hd], as the dense path's `probs · v`.
 */
export function chunkedWindowAttention(g: Graph, w: ChunkedWindow, q5: string, k4: string, v4: string, label: string): string {
  const W = w.window;
  const C = w.chunk;
  const hd = w.headDim;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, name = type.toLowerCase()) =>
    g.op1(type, inputs, attrs, { label: `${label}_${name}` });
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  const blocks = (x: string) => {
    const sliced = op('Slice', [op('Pad', [x, w.keyPads]), w.keyStart, w.keyEnd, ints([2])]);
    // [B, KV, (chunks + W/C)·C, hd] → [B, KV, chunks + W/C, C, hd] → [B, KV, 1, chunks, W + C, hd]
    const pairs = neighbourBlocks(g, op('Reshape', [sliced, ints([0, 0, -1, C, hd])]), 2, W / C + 1, `${label}_kv`);
    return op('Unsqueeze', [pairs, ints([2])]);
  };
  const q6 = op('Reshape', [op('Pad', [q5, w.queryPads]), ints([0, 0, 0, -1, C, hd])], {}, 'q6');
  const kT = op('Transpose', [blocks(k4)], { perm: attr.ints([0, 1, 2, 3, 5, 4]) }, 'kT');
  const scores = op('Add', [op('MatMul', [q6, kT], {}, 'scores'), w.mask]);
  const probs = op('Softmax', [scores], { axis: attr.int(-1) }, 'probs');
  const ctx6 = op('MatMul', [probs, blocks(v4)], {}, 'ctx6');
  const ctx = op('Reshape', [ctx6, ints([0, 0, 0, -1, hd])]);
  return op('Slice', [ctx, ints([0]), w.seq, ints([3])], {}, 'ctx');
}

/** The cache to hand back: the last W slots of [B, KV, past + seq, hd], all the next queries can reach. */
export function boundedCache(g: Graph, w: ChunkedWindow, x: string, label: string): string {
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  return g.op1('Slice', [x, ints([-w.window]), ints([Number.MAX_SAFE_INTEGER]), ints([2])], {}, { label });
}
