import { attr, tensor, type Graph } from './graph.js';
import { floatTensor, type DecoderDType } from './decoder-types.js';
import { ropeTables, rotaryCaches } from './rope.js';

/** RoPE of the no-cache graph (positions 0 … T − 1): tiled constant tables for plain ops, or one fused node per q or k. */
export interface StaticRopeOptions {
  /** Positions 0 … seqLen − 1 (the no-cache graph). */
  seqLen: number;
  headDim: number;
  ropeTheta: number;
  /** Factor folded into the query caches (attention's 1/√hd; rotation is linear). */
  queryScale: number;
  prefix?: string;
}

/**
 * Constant cos and signed sin tables for x·cos + cat(x2, x1)·sin, tiled over the heads ([T, n, hd]) so a Mul
 * broadcasts only over the batch: ORT broadcasts a [T, 1, hd] table in spans of hd values, 4-5× slower at hd 8 (the
 * study's models), in the forward and again in the backward. The first `queryHeads` heads' entries carry `queryScale`
 * (attention's 1/√hd; rotation is linear), which saves a Mul over q forward and backward.
 */
export function tiledRopeTables(
  g: Graph,
  o: StaticRopeOptions & { dtype: DecoderDType },
): (heads: number, queryHeads: number) => { cos: string; sin: string } {
  const { seqLen: T, headDim } = o;
  let tables: ReturnType<typeof ropeTables> | undefined; // built on first use: a fused-RoPE graph never asks
  const tiled = new Map<string, { cos: string; sin: string }>();
  const tile = (table: Float64Array, n: number, queryHeads: number, label: string) => {
    const values = Array.from({ length: T * n * headDim }, (_, i) => {
      const head = Math.floor(i / headDim) % n;
      return (table[Math.floor(i / (n * headDim)) * headDim + (i % headDim)] as number) * (head < queryHeads ? o.queryScale : 1);
    });
    return g.constant(floatTensor(o.dtype, values, [T, n, headDim]), `${o.prefix ?? ''}${label}`);
  };
  return (n, queryHeads) => {
    const key = `${n}:${queryHeads}`;
    let t = tiled.get(key);
    if (!t) {
      tables ??= ropeTables(T, headDim, o.ropeTheta);
      t = { cos: tile(tables.cos, n, queryHeads, 'rope_cos'), sin: tile(tables.sin, n, queryHeads, 'rope_sin') };
      tiled.set(key, t);
    }
    return t;
  };
}

/**
 * RoPE of the no-cache float32 graph as onnxruntime's com.microsoft.RotaryEmbedding (rotate-half, interleaved = 0):
 * one node per q or k instead of Slice, Slice, Concat, Mul, Mul and Add, and in the backward one node (the same op
 * with sin negated: the transpose of a rotation is the rotation back) instead of six. x3 is [B, T, n·hd] (3-D input,
 * num_heads n); returns the rotated [B, T, n·hd]. Caches [T, hd/2] are `rotaryCaches`, times `queryScale` for
 * queries; positions come as a one-element offset (0).
 */
export function fusedRope(g: Graph, o: StaticRopeOptions): (x3: string, heads: number, query: boolean, label: string) => string {
  const pre = o.prefix ?? '';
  const tables = ropeTables(o.seqLen, o.headDim, o.ropeTheta);
  g.opsets['com.microsoft'] = 1;
  const offset = g.constant(tensor.int64([0]), `${pre}rope_offset`);
  const caches = new Map<boolean, { cos: string; sin: string }>();
  const cachesFor = (query: boolean) => {
    let c = caches.get(query);
    if (!c) {
      const { cos, sin } = rotaryCaches(tables, o.headDim, query ? o.queryScale : 1);
      const dims = [o.seqLen, o.headDim / 2];
      const kind = query ? 'q' : 'k';
      c = {
        cos: g.constant({ dtype: 'float32', dims, data: cos }, `${pre}rope_${kind}_cos`),
        sin: g.constant({ dtype: 'float32', dims, data: sin }, `${pre}rope_${kind}_sin`),
      };
      caches.set(query, c);
    }
    return c;
  };
  return (x3, heads, query, label) => {
    const { cos, sin } = cachesFor(query);
    const attrs = { num_heads: attr.int(heads), interleaved: attr.int(0) };
    return g.op1('RotaryEmbedding', [x3, offset, cos, sin], attrs, { label: `${pre}${label}`, domain: 'com.microsoft' });
  };
}
