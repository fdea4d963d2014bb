import { attr, type Graph } from './graph.js';
import { attends, MASKED } from './masks.js';
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
 * the native engine differentiates (Slice, Reshape, Transpose, MatMul, Add, Softmax, Concat). Chunk i (c = T/n
 * queries) scores keys 0 … (i+1)·c − 1 only: (n+1)/2n of the dense T² scores (5/8 at n = 4), the rest being keys
 * after the chunk's last query, which the dense mask zeroes anyway. Each chunk stacks its query groups as rows
 * ([B, KV, G·c, hd]), as the dense path does. q5 [B, KV, G, T, hd] (scaled), k4, v4 [B, KV, T, hd] → ctx like q5.
 */
export function causalChunkedStatic(
  g: Graph,
  o: { seqLen: number; headDim: number; groups: number; chunks: number; dtype: DecoderDType },
  q5: string,
  k4: string,
  v4: string,
  label: string,
): string {
  const { seqLen: T, headDim: hd, groups: G, chunks: n } = o;
  const c = T / n;
  const { op, ints, slice } = labelledOps(g, label);
  const rows = ints([0, 0, G * c, hd]);
  const back = ints([0, 0, G, c, hd]);
  // One Split, not n Slices: its gradient is one Concat, where n Slices' would be n zero Pads and a Sum.
  const queries = g.op('Split', [q5, ints(Array.from({ length: n }, () => c))], { axis: attr.int(3) }, { outputs: n, label: `${label}_q` });
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const keys = (i + 1) * c;
    // Row (group, r) is query i·c + r.
    const mask = new Array<number>(G * c * keys);
    for (let row = 0; row < G * c; row++)
      for (let j = 0; j < keys; j++) mask[row * keys + j] = attends(FULL, i * c + (row % c), j) ? 0 : MASKED;
    const maskT = g.constant(floatTensor(o.dtype, mask, [G * c, keys]), `${label}_mask`);
    const q = op('Reshape', [queries[i] as string, rows]);
    const k = i === n - 1 ? k4 : slice(k4, 0, keys, 2);
    const v = i === n - 1 ? v4 : slice(v4, 0, keys, 2);
    const kT = op('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) });
    const scores = op('Add', [op('MatMul', [q, kT], {}, 'scores'), maskT]);
    const probs = op('Softmax', [scores], { axis: attr.int(-1) }, 'probs');
    parts.push(op('Reshape', [op('MatMul', [probs, v], {}, 'ctx4'), back]));
  }
  return op('Concat', parts, { axis: attr.int(3) }, 'ctx');
}
