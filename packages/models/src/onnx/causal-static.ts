import { attr, type Graph } from './graph.js';
import { additiveMask, attends, MASKED } from './masks.js';
import type { AttentionConfig } from '../config.js';
import type { DecoderDType } from './decoder.js';
import { floatTensor } from './decoder-types.js';
import { labelledOps } from './labelled-ops.js';

const FULL = { kind: 'full' } as const;

/** Query chunks of full causal attention without a cache: 4 when each keeps ≥ 32 positions, else 2, else 1 (dense). */
export function causalChunks(seqLen: number): number {
  for (const n of [4, 2]) if (seqLen % n === 0 && seqLen / n >= 32) return n;
  return 1;
}

/**
 * Full causal attention in n query chunks for the no-cache graph (training, eval; fixed T), written only with ops
 * the native engine differentiates (Split, Slice, Transpose, MatMul, Add, Softmax, Concat). Chunk i (c = T/n
 * queries) scores keys 0 … (i+1)·c − 1 only: (n+1)/2n of the dense T² scores (5/8 at n = 4), the rest being keys
 * after the chunk's last query, which the dense mask zeroes anyway. Queries come as rows ordered by position, then
 * group (row t·G + g is query position t of group g), so a chunk is a contiguous run of c·G rows.
 * q4 [B, KV, T·G, hd] (scaled), k4, v4 [B, KV, T, hd] → ctx4 [B, KV, T·G, hd].
 */
export function causalChunkedStatic(
  g: Graph,
  o: { seqLen: number; groups: number; chunks: number; dtype: DecoderDType },
  q4: string,
  k4: string,
  v4: string,
  label: string,
): string {
  const { seqLen: T, groups: G, chunks: n } = o;
  const c = T / n;
  const { op, ints, slice } = labelledOps(g, label);
  // One Split, not n Slices: its gradient is one Concat, where n Slices' would be n zero Pads and a Sum.
  const queries = g.op(
    'Split',
    [q4, ints(Array.from({ length: n }, () => c * G))],
    { axis: attr.int(2) },
    { outputs: n, label: `${label}_q` },
  );
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const keys = (i + 1) * c;
    const mask = new Array<number>(G * c * keys);
    for (let row = 0; row < G * c; row++)
      for (let j = 0; j < keys; j++) mask[row * keys + j] = attends(FULL, i * c + Math.floor(row / G), j) ? 0 : MASKED;
    const maskT = g.constant(floatTensor(o.dtype, mask, [G * c, keys]), `${label}_mask`);
    const k = i === n - 1 ? k4 : slice(k4, 0, keys, 2);
    const v = i === n - 1 ? v4 : slice(v4, 0, keys, 2);
    const kT = op('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) });
    const scores = op('Add', [op('MatMul', [queries[i] as string, kT], {}, 'scores'), maskT]);
    const probs = op('Softmax', [scores], { axis: attr.int(-1) }, 'probs');
    parts.push(op('MatMul', [probs, v], {}, 'ctx4'));
  }
  return op('Concat', parts, { axis: attr.int(2) }, 'ctx');
}

/**
 * Queries as rows ordered by position, then group, per kv head ([B, T, H, hd] ⇄ [B, KV, T·G, hd]), as the
 * no-cache full and dense-masked attention take them. With one kv head those rows are q's own memory order, so
 * both directions are a Reshape; otherwise one Transpose moves whole groups of G·hd values.
 */
export interface PositionRows {
  queries(q: string, label: string): string;
  merge(ctx4: string, label: string): string;
}

export function positionRows(
  g: Graph,
  o: { seqLen: number; heads: number; kvHeads: number; headDim: number },
  prefix: string,
): PositionRows {
  const { seqLen: T, heads, kvHeads: KV, headDim: hd } = o;
  const G = heads / KV;
  const { op, ints } = labelledOps(g, `${prefix}rows`);
  const reshape = (x: string, shape: string, label: string) => g.op1('Reshape', [x, shape], {}, { label });
  if (KV === 1) {
    const rows = ints([0, 1, T * G, hd]);
    const merged = ints([0, T, heads * hd]);
    return { queries: (q, label) => reshape(q, rows, label), merge: (ctx4, label) => reshape(ctx4, merged, label) };
  }
  const q5 = ints([0, 0, KV, G, hd]);
  const rows = ints([0, 0, T * G, hd]);
  const ctx5 = ints([0, 0, T, G, hd]);
  const merged = ints([0, 0, heads * hd]);
  const swap = (x: string) => op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3, 4]) });
  return {
    queries: (q, label) => reshape(swap(op('Reshape', [q, q5])), rows, label),
    merge: (ctx4, label) => reshape(swap(op('Reshape', [ctx4, ctx5])), merged, label),
  };
}

/** `additiveMask` [T, T] with each row repeated G times ([T·G, T]): the mask of queries in position rows. */
export function positionRowsMask(attention: AttentionConfig, T: number, G: number): number[] {
  const m = additiveMask(attention, T);
  return Array.from({ length: T * G * T }, (_, i) => m[Math.floor(i / (G * T)) * T + (i % T)] as number);
}
