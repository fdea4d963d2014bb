import { attr, tensor, type Graph } from './graph.js';
import { MASKED } from './masks.js';
import { chunkQueries, chunkWindows, gatherWindows, type ChunkWindows } from './chunked-attention.js';
import type { DecoderDType } from './decoder.js';

/**
 * Block-sparse attention (blocks of b positions, L local blocks, G global tokens) computed only over the keys a
 * query can reach, for the KV-cache graph. Queries are cut into chunks of C = min(S, b) cache slots, so a decoded
 * token is one query, not a block padded to b; a chunk's local keys are the L·b + C slots ending with its own (a
 * query reaches at most L·b - 1 slots back; keys left-padded by L·b masked slots), gathered by index, and the G
 * global keys (positions 0 … G-1) are gathered once per row. Scores are [B, KV, Gq, ⌈S/C⌉, C, G + L·b + C] instead
 * of [B, KV, Gq, S, past + S]. The block pattern is applied on token positions cumsum(attention_mask) - 1, as the dense
 * mask does; local keys at positions < G are masked there because the global part already holds them. Exact for left
 * padding (rows of 0s then 1s).
 *
 * Bounded cache: a query at position p reaches keys from (⌊p/b⌋ - L + 1)·b on, at most L·b - 1 slots back, so the
 * cache handed back keeps the G global keys and the last K = L·b slots once the sequence has more than G + K slots
 * (`blockSparseCache`); shorter sequences keep the whole cache. A bounded past is laid out [G globals | K local slots]
 * and recognised by being shorter than attention_mask's past columns (a whole past has exactly that many), so a whole
 * cache from the dense graph is read correctly too. Global g is read from the past's global part once position g was
 * cached, otherwise from the new keys (its slot under left padding is N - count + g).
 */

export interface BlockSparseOptions {
  blockSize: number;
  localBlocks: number;
  globalTokens: number;
  headDim: number;
  dtype: DecoderDType;
  /** int64 [batch, positions so far + seq]. */
  attentionMask: string;
  /** int64 [batch, seq] (only its length is read). */
  inputIds: string;
  /** A past key input [batch, kvHeads, past, headDim]: whole (past = mask columns - seq) or bounded [G | K]. */
  pastKey: string;
  prefix: string;
}

export interface BlockSparseChunks {
  o: BlockSparseOptions;
  seq: string;
  /** int64 [1]: where the local keys start in concat(past, new): G for a bounded past, else 0. */
  localFrom: string;
  /** Query chunks of C = min(S, b) and each one's L·b + C local key slots, in the local key axis left-padded by L·b. */
  windows: ChunkWindows;
  /** int64 [B, 1, G, 1] slot indices of the global tokens in concat(past, new), for GatherElements ('' when G = 0). */
  globalIndex: string;
  /** [B, 1, 1, chunks, C, G + L·b + C]: 0 where attended, MASKED elsewhere (global keys first). */
  mask: string;
  /** int64 [1]: globals kept in the present (G once bounded, else 0; '' when G = 0) and the first local slot kept. */
  presentGlobals: string;
  presentLocalFrom: string;
  /** Values already built per layer input (local slices, gathered globals), so present and attention share them. */
  memo: Map<string, string>;
}

/** Local slots kept by the bounded cache besides the G globals: L·b (the next query reaches at most L·b - 1 back). */
export function blockSparseLocalSlots(o: { blockSize: number; localBlocks: number }): number {
  return o.blockSize * o.localBlocks;
}

export function blockSparseMask(g: Graph, o: BlockSparseOptions): BlockSparseChunks {
  const b = o.blockSize;
  const L = o.localBlocks;
  const G = o.globalTokens;
  const K = blockSparseLocalSlots(o);
  const label = `${o.prefix}bsp`;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}) =>
    g.op1(type, inputs, attrs, { label: `${label}_${type.toLowerCase()}` });
  const ints = (values: number[], dims?: number[]) => g.constant(tensor.int64(values, dims), `${label}_const`);
  const float = (v: number) => g.constant(o.dtype === 'float64' ? tensor.float64([v], []) : tensor.float32([v], []), `${label}_const`);
  const zeros = (k: number) => ints(Array.from({ length: k }, () => 0));
  const toInt = (x: string) => op('Cast', [x], { to: attr.int(7) });
  const lastCols = (x: string, n: string) => op('Slice', [x, op('Neg', [n]), ints([Number.MAX_SAFE_INTEGER]), ints([1])]);

  const total = op('Shape', [o.attentionMask], { start: attr.int(1), end: attr.int(2) }); // [1] N
  const seq = op('Shape', [o.inputIds], { start: attr.int(1), end: attr.int(2) }); // [1] S
  const pastSlots = op('Shape', [o.pastKey], { start: attr.int(2), end: attr.int(3) }); // [1] P
  const pastCols = op('Sub', [total, seq]);
  // A bounded past is shorter than the mask's past columns; its first G slots are the globals.
  const boundedPast = op('Less', [pastSlots, pastCols]);
  const localFrom = G > 0 ? op('Mul', [toInt(boundedPast), ints([G])]) : zeros(1);
  const past = op('Sub', [pastSlots, localFrom]); // local past slots
  const localCols = op('Add', [past, seq]); // local + new keys = the mask's last localCols columns
  const bC = ints([b]);
  // Chunks of C = min(S, b) queries; chunk j's window: the L·b + C local slots ending with its own (padded by L·b).
  const windows = chunkWindows(g, { seq, past, maxChunk: b, reach: K, label });
  const { chunk, rightPad, windowIndex, queryIndex, keyIndex } = windows;

  const count = op('ReduceSum', [o.attentionMask, ints([1])], { keepdims: attr.int(1) }); // [B, 1]
  const pos = op('Sub', [op('CumSum', [o.attentionMask, ints([1], [])]), ints([1])]); // [B, N]
  // Local keys in the chunked layout [B, chunks, L·b + C]: position and validity.
  const chunked = (x: string, pad: string) => {
    const padded = op('Pad', [lastCols(x, localCols), windows.rowPads, pad]);
    return op('Gather', [padded, windowIndex], { axis: attr.int(1) });
  };
  const keyPos = op('Unsqueeze', [chunked(pos, ints([0], [])), ints([2])]); // [B, chunks, 1, L·b + C]
  const keyValid = op('Unsqueeze', [op('Cast', [chunked(o.attentionMask, ints([0], []))], { to: attr.int(9) }), ints([2])]);
  // Query positions [B, chunks, C, 1].
  const qPadded = op('Pad', [lastCols(pos, seq), op('Concat', [zeros(3), rightPad], { axis: attr.int(0) })]);
  const queryPos = op('Unsqueeze', [op('Reshape', [qPadded, op('Concat', [ints([0, -1]), chunk], { axis: attr.int(0) })]), ints([3])]);
  // Slot causality inside a chunk [C, L·b + C]: query i sits at index L·b + i of its key window.
  const querySlot = op('Add', [op('Unsqueeze', [queryIndex, ints([1])]), ints([K])]);
  const causalC = op('LessOrEqual', [op('Unsqueeze', [keyIndex, ints([0])]), querySlot]);
  const local = op('Less', [op('Sub', [op('Div', [queryPos, bC]), op('Div', [keyPos, bC])]), ints([L])]);
  const notGlobal = op('GreaterOrEqual', [keyPos, ints([G])]);
  const localOk = op('And', [op('And', [op('And', [keyValid, causalC]), local]), notGlobal]);
  // The present is bounded to [G globals | last K local slots] once the sequence has more than G + K slots.
  const boundedNow = toInt(op('Greater', [total, ints([G + K])]));
  const presentLocalFrom = op('Mul', [boundedNow, op('Sub', [localCols, ints([K])])]);
  const presentGlobals = G > 0 ? op('Mul', [boundedNow, ints([G])]) : '';
  let allowed = localOk;
  let globalIndex = '';
  if (G > 0) {
    const gRange = ints(
      Array.from({ length: G }, (_, i) => i),
      [1, G],
    );
    const globalOk = op('LessOrEqual', [op('Reshape', [gRange, ints([1, 1, 1, G])]), queryPos]); // [B, chunks, b, G]
    // Global g sits at column N - count + g (left padding): in concat(past, new) at localFrom + column - (N - localCols),
    // or at slot g of a bounded past's global part once position g was cached (g < count of past columns).
    const column = op('Add', [op('Sub', [total, count]), gRange]); // [B, G]
    const fromNew = op('Add', [op('Sub', [column, op('Sub', [total, localCols])]), localFrom]);
    const pastCount = op('ReduceSum', [op('Slice', [o.attentionMask, zeros(1), pastCols, ints([1])]), ints([1])], {
      keepdims: attr.int(1),
    });
    const cached = op('And', [boundedPast, op('Less', [gRange, pastCount])]);
    const slot = op('Min', [op('Where', [cached, gRange, fromNew]), op('Sub', [op('Add', [pastSlots, seq]), ints([1])])]);
    globalIndex = op('Unsqueeze', [slot, ints([1, 3])]); // [B, 1, G, 1]
    allowed = op('Concat', [globalOk, localOk], { axis: attr.int(-1) });
  }
  const mask = op('Unsqueeze', [op('Where', [allowed, float(0), float(MASKED)]), ints([1, 2])]);
  const memo = new Map<string, string>();
  return {
    o,
    seq,
    localFrom,
    windows,
    globalIndex,
    mask,
    presentGlobals,
    presentLocalFrom,
    memo,
  };
}

/** Local keys of concat(past, new) [B, KV, P + S, hd]: the slots after a bounded past's globals. */
function localKeys(g: Graph, w: BlockSparseChunks, x: string, label: string): string {
  const key = `local:${x}`;
  let v = w.memo.get(key);
  if (v === undefined) {
    const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
    v =
      w.o.globalTokens > 0
        ? g.op1('Slice', [x, w.localFrom, ints([Number.MAX_SAFE_INTEGER]), ints([2])], {}, { label: `${label}_local` })
        : x;
    w.memo.set(key, v);
  }
  return v;
}

/** The G global keys of concat(past, new) [B, KV, P + S, hd] → [B, KV, G, hd]. */
function globalKeys(g: Graph, w: BlockSparseChunks, x: string, label: string): string {
  const key = `global:${x}`;
  let v = w.memo.get(key);
  if (v === undefined) {
    const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
    const shape = g.op1('Shape', [x], { end: attr.int(2) }, { label: `${label}_shape` });
    const dims = g.op1('Concat', [shape, ints([w.o.globalTokens, w.o.headDim])], { axis: attr.int(0) }, { label: `${label}_dims` });
    const index = g.op1('Expand', [w.globalIndex, dims], {}, { label: `${label}_index` });
    v = g.op1('GatherElements', [x, index], { axis: attr.int(2) }, { label: `${label}_globals` });
    w.memo.set(key, v);
  }
  return v;
}

/** The cache to hand back for concat(past, new) [B, KV, P + S, hd]: whole up to G + L·b slots, then [G globals | last L·b]. */
export function blockSparseCache(g: Graph, w: BlockSparseChunks, x: string, label: string): string {
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  const end = ints([Number.MAX_SAFE_INTEGER]);
  const local = g.op1('Slice', [localKeys(g, w, x, label), w.presentLocalFrom, end, ints([2])], {}, { label: `${label}_last` });
  if (w.o.globalTokens === 0) return local;
  const globals = g.op1('Slice', [globalKeys(g, w, x, label), ints([0]), w.presentGlobals, ints([2])], {}, { label: `${label}_g` });
  return g.op1('Concat', [globals, local], { axis: attr.int(2) }, { label });
}

/** Softmax attention of q5 [B, KV, Gq, S, hd] (scaled) over k4, v4 = concat(past, new) [B, KV, P + S, hd] → ctx [B, KV, Gq, S, hd]. */
export function blockSparseAttention(g: Graph, w: BlockSparseChunks, q5: string, k4: string, v4: string, label: string): string {
  const { globalTokens: G, headDim: hd } = w.o;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, name = type.toLowerCase()) =>
    g.op1(type, inputs, attrs, { label: `${label}_${name}` });
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  // [B, KV, 1, chunks, L·b + C, hd]
  const localBlocks = (x: string) => gatherWindows(g, w.windows, localKeys(g, w, x, label), `${label}_kv`);
  // [B, KV, G, hd] → [B, KV, 1, 1, G, hd]
  const globals = (x: string) => op('Unsqueeze', [globalKeys(g, w, x, label), ints([2, 3])]);
  const q6 = chunkQueries(g, w.windows, q5, hd, label);
  const kT = (k: string) => op('Transpose', [k], { perm: attr.ints([0, 1, 2, 3, 5, 4]) }, 'kT');
  const localK = kT(localBlocks(k4));
  const localV = localBlocks(v4);
  if (G === 0) {
    const probs = op('Softmax', [op('Add', [op('MatMul', [q6, localK]), w.mask])], { axis: attr.int(-1) }, 'probs');
    const ctx6 = op('MatMul', [probs, localV], {}, 'ctx6');
    return op('Slice', [op('Reshape', [ctx6, ints([0, 0, 0, -1, hd])]), ints([0]), w.seq, ints([3])], {}, 'ctx');
  }
  const scores = op('Concat', [op('MatMul', [q6, kT(globals(k4))]), op('MatMul', [q6, localK])], { axis: attr.int(-1) }, 'scores');
  const probs = op('Softmax', [op('Add', [scores, w.mask])], { axis: attr.int(-1) }, 'probs');
  const split = { outputs: 2, label: `${label}_p` };
  const sizes = op('Concat', [ints([G]), w.windows.windowKeys], { axis: attr.int(0) }, 'sizes');
  const [pg, pl] = g.op('Split', [probs, sizes], { axis: attr.int(-1) }, split) as [string, string];
  const ctx6 = op('Add', [op('MatMul', [pg, globals(v4)]), op('MatMul', [pl, localV])], {}, 'ctx6');
  return op('Slice', [op('Reshape', [ctx6, ints([0, 0, 0, -1, hd])]), ints([0]), w.seq, ints([3])], {}, 'ctx');
}
