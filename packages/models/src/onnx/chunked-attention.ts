import { attr, tensor, type Graph } from './graph.js';
import { MASKED } from './masks.js';
import type { DecoderDType } from './decoder.js';

/**
 * Sliding-window attention computed in chunks of query slots, for the KV-cache graph (prefill and decode alike).
 * Queries sit in cache slots P..N-1 (P = past, N = past + seq) and are cut into chunks of C = min(S, chunk) slots
 * (chunk = W by default), so a decoded token is one query, not a padded chunk. Keys are padded by W masked slots on
 * the left; query chunk c (slots P + cC … P + cC + C - 1) reads only the W + C key slots P + cC - W … P + cC + C - 1,
 * gathered by index (`chunkWindows`): scores are [B, KV, G, ⌈S/C⌉, C, W + C] instead of [B, KV, G, S, N],
 * O(S·(W + C)) rather than O(S·N). The window is applied on slots: with left padding
 * (the only padding transformers.js makes) token positions differ from slots by a per-row constant, so this equals
 * the dynamic mask's window on cumsum(attention_mask) - 1 for every non-padding query. The cache handed back keeps
 * only the last W slots (`boundedCache`): memory O(W) per layer however long the generation. Rows that are all padding
 * get a uniform softmax over their W + C keys instead of over all N (their logits are meaningless either way).
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
   * Most query slots per chunk (default W; must divide W): a chunk of C reads W + C keys, so smaller chunks score
   * fewer masked keys (2W at C = W) but gather more windows; fewer new tokens than this make one chunk of them all.
   */
  chunk?: number;
}

/** Geometry and additive mask shared by every layer: computed once per graph. */
export interface ChunkedWindow {
  window: number;
  headDim: number;
  /** int64 [1]: new tokens S. */
  seq: string;
  /** Query chunks and their key windows in the key axis left-padded by W. */
  windows: ChunkWindows;
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
  const windows = chunkWindows(g, { seq, past, maxChunk: C, reach: W, label });

  // Key validity in the chunked layout: [B, N] → pad (W, R) with 0 → each chunk's window → [B, chunks, W + C].
  const valid = op('Cast', [keyMaskCols], { to: attr.int(o.dtype === 'float64' ? 11 : 1) });
  const validPadded = op('Pad', [valid, windows.rowPads]);
  const validWindows = op('Gather', [validPadded, windows.windowIndex], { axis: attr.int(1) });
  const keyMask = op('Where', [op('Greater', [validWindows, float(0.5)]), float(0), float(MASKED)]);
  // Within a chunk [C, W + C]: query i (window index W + i) sees key j iff 0 ≤ W + i - j < W.
  const [i, j] = [op('Unsqueeze', [windows.queryIndex, ints([1])]), op('Unsqueeze', [windows.keyIndex, ints([0])])];
  const inWindow = op('And', [op('Greater', [j, i]), op('LessOrEqual', [j, op('Add', [i, ints([W])])])]);
  const local = op('Where', [inWindow, float(0), float(MASKED)]);
  const mask = op('Add', [op('Unsqueeze', [keyMask, ints([1, 2, 4])]), local]);
  return { window: W, headDim: o.headDim, seq, windows, mask };
}

/** Query chunks of C = min(S, maxChunk) new slots and the key window of each: its own C slots and `reach` before. */
export interface ChunkWindows {
  /** int64 [1]: C. */
  chunk: string;
  /** int64 [1]: ⌈S/C⌉·C - S, the padding after the last chunk's queries (and keys). */
  rightPad: string;
  /** int64 [1]: keys per window, reach + C. */
  windowKeys: string;
  /** int64 [chunks, reach + C]: chunk j's window in the key axis left-padded by `reach`: indices past + jC + t. */
  windowIndex: string;
  /** int64 [C] 0 … C - 1 and [reach + C] 0 … reach + C - 1: a query's place in its chunk, a key's in its window. */
  queryIndex: string;
  keyIndex: string;
  /** int64 Pad pads, `reach` before and rightPad after the slots of [B, N] rows and [B, KV, N, hd] keys; rightPad after
   * the S axis of [B, KV, G, S, hd] queries. */
  rowPads: string;
  keyPads: string;
  queryPads: string;
}

export function chunkWindows(g: Graph, o: { seq: string; past: string; maxChunk: number; reach: number; label: string }): ChunkWindows {
  const op = (type: string, inputs: string[]) => g.op1(type, inputs, {}, { label: `${o.label}_${type.toLowerCase()}` });
  const ints = (values: number[], dims?: number[]) => g.constant(tensor.int64(values, dims), `${o.label}_const`);
  const range = (n: string) => op('Range', [ints([0], []), op('Squeeze', [n]), ints([1], [])]);
  const chunk = op('Min', [o.seq, ints([o.maxChunk])]);
  const chunks = op('Div', [op('Sub', [op('Add', [o.seq, chunk]), ints([1])]), chunk]); // ⌈S / C⌉ (int64 Div floors)
  const rightPad = op('Sub', [op('Mul', [chunks, chunk]), o.seq]);
  const windowKeys = op('Add', [ints([o.reach]), chunk]);
  const keyIndex = range(windowKeys);
  const starts = op('Add', [op('Mul', [range(chunks), chunk]), o.past]);
  const windowIndex = op('Add', [op('Unsqueeze', [starts, ints([1])]), op('Unsqueeze', [keyIndex, ints([0])])]);
  const zeros = (k: number) => ints(Array.from({ length: k }, () => 0));
  const pads = (parts: string[]) => g.op1('Concat', parts, { axis: attr.int(0) }, { label: `${o.label}_pads` });
  return {
    chunk,
    rightPad,
    windowKeys,
    windowIndex,
    queryIndex: range(chunk),
    keyIndex,
    rowPads: pads([zeros(1), ints([o.reach]), zeros(1), rightPad]),
    keyPads: pads([zeros(2), ints([o.reach]), zeros(3), rightPad, zeros(1)]),
    queryPads: pads([zeros(8), rightPad, zeros(1)]),
  };
}

/** Each chunk's key window of x [B, KV, N, hd] (padded by `reach` before): [B, KV, 1, chunks, reach + C, hd]. */
export function gatherWindows(g: Graph, w: ChunkWindows, x: string, label: string): string {
  const padded = g.op1('Pad', [x, w.keyPads], {}, { label: `${label}_pad` });
  const windows = g.op1('Gather', [padded, w.windowIndex], { axis: attr.int(2) }, { label: `${label}_gather` });
  return g.op1('Unsqueeze', [windows, g.constant(tensor.int64([2]), `${label}_const`)], {}, { label: `${label}_unsqueeze` });
}

/** Queries q5 [B, KV, G, S, hd] (padded to whole chunks) in chunks: [B, KV, G, chunks, C, hd]. */
export function chunkQueries(g: Graph, w: ChunkWindows, q5: string, hd: number, label: string): string {
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  const shape = g.op1('Concat', [ints([0, 0, 0, -1]), w.chunk, ints([hd])], { axis: attr.int(0) }, { label: `${label}_q6shape` });
  return g.op1('Reshape', [g.op1('Pad', [q5, w.queryPads], {}, { label: `${label}_qpad` }), shape], {}, { label: `${label}_q6` });
}

/**
 * Softmax attention of q5 [B, KV, G, S, hd] (already scaled) over keys/values k4, v4 [B, KV, N, hd] in chunks;
 * returns the context [B, KV, G, S, hd], as the dense path's `probs · v`.
 */
export function chunkedWindowAttention(g: Graph, w: ChunkedWindow, q5: string, k4: string, v4: string, label: string): string {
  const hd = w.headDim;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, name = type.toLowerCase()) =>
    g.op1(type, inputs, attrs, { label: `${label}_${name}` });
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  // [B, KV, N, hd] → each chunk's window [B, KV, 1, chunks, W + C, hd]
  const windows = (x: string) => gatherWindows(g, w.windows, x, `${label}_kv`);
  const q6 = chunkQueries(g, w.windows, q5, hd, label);
  const kT = op('Transpose', [windows(k4)], { perm: attr.ints([0, 1, 2, 3, 5, 4]) }, 'kT');
  const scores = op('Add', [op('MatMul', [q6, kT], {}, 'scores'), w.mask]);
  const probs = op('Softmax', [scores], { axis: attr.int(-1) }, 'probs');
  const ctx6 = op('MatMul', [probs, windows(v4)], {}, 'ctx6');
  const ctx = op('Reshape', [ctx6, ints([0, 0, 0, -1, hd])]);
  return op('Slice', [ctx, ints([0]), w.seq, ints([3])], {}, 'ctx');
}

/** The cache to hand back: the last W slots of [B, KV, past + seq, hd], all the next queries can reach. */
export function boundedCache(g: Graph, w: ChunkedWindow, x: string, label: string): string {
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  return g.op1('Slice', [x, ints([-w.window]), ints([Number.MAX_SAFE_INTEGER]), ints([2])], {}, { label });
}
