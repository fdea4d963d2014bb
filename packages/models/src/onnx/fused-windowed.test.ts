import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { AttentionConfig, ModelConfig } from '../config.js';
import { forward } from '../forward/model.js';
import { encodeModel } from './encode.js';
import { windowChunk } from './fused-attention.js';
import { fusedDecoderSupports } from './fused-decoder.js';
import { buildInferenceGraph } from './inference.js';
import { maxAbsDiff, randomWeights, step, tinyConfig } from './test-utils.js';

const TOL = 1e-4;
// 37 tokens: not a multiple of any window or block below.
const TOKENS = Array.from({ length: 37 }, (_, i) => (i * 13 + 5) % 50);
const ones = (n: number) => new Array<number>(n).fill(1);

/** Slots the cache keeps at most: the window, or G globals + L·b local slots. */
const bound = (a: AttentionConfig) =>
  a.kind === 'sliding-window' ? a.window : a.kind === 'block-sparse' ? a.globalTokens + a.localBlocks * a.blockSize : Infinity;

const cases: Array<[string, AttentionConfig, Partial<ModelConfig>]> = [
  ['window 8 (chunks of 2), GQA, headDim 8', { kind: 'sliding-window', window: 8 }, { dim: 32, headDim: 8 }],
  ['window 5 (chunks of 5), MQA, layerRepeat 2', { kind: 'sliding-window', window: 5 }, { kvHeads: 1, layerRepeat: 2 }],
  ['window 6 (chunks of 3), untied', { kind: 'sliding-window', window: 6 }, { tiedEmbeddings: false }],
  ['block-sparse 4 × 2 + 3 global', { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 3 }, {}],
  ['block-sparse 3 × 1, no global, MHA', { kind: 'block-sparse', blockSize: 3, localBlocks: 1, globalTokens: 0 }, { kvHeads: 4 }],
];

describe('fused inference graph with chunked sliding-window / block-sparse attention', () => {
  it.each(cases)(
    '%s: prefill, decode across the bound and left padding match the reference and the plain graph',
    async (_n, attention, o) => {
      const config = tinyConfig({ attention, ...o });
      expect(fusedDecoderSupports(config)).toBe(true);
      const weights = randomWeights(config, 7);
      const make = (fusedOps: boolean) => ort.InferenceSession.create(encodeModel(buildInferenceGraph(config, weights, { fusedOps })));
      const [fused, plain] = [await make(true), await make(false)];
      const V = config.vocabSize;
      const T = TOKENS.length;
      const ref = forward(config, weights, TOKENS);
      expect(Math.max(...Array.from(ref, Math.abs))).toBeGreaterThan(1);

      // Whole prompt in one call: logits and the bounded present equal the plain graph's.
      const [a, b] = [await step(fused, config, [TOKENS], [ones(T)]), await step(plain, config, [TOKENS], [ones(T)])];
      expect(maxAbsDiff(a.logits, ref)).toBeLessThan(TOL);
      for (const [name, t] of a.present) {
        expect(t.dims).toEqual([1, config.kvHeads, Math.min(T, bound(attention)), config.headDim]);
        expect(maxAbsDiff(t.data as Float32Array, b.present.get(name)!.data as Float32Array)).toBeLessThan(TOL);
      }

      // Prefill 3, then one token per call well past the bound: the cache never holds more than the bound.
      let out = await step(fused, config, [TOKENS.slice(0, 3)], [ones(3)]);
      let err = maxAbsDiff(out.logits, ref.subarray(0, 3 * V));
      for (let t = 3; t < T; t++) {
        out = await step(fused, config, [[TOKENS[t]!]], [ones(t + 1)], out.present);
        err = Math.max(err, maxAbsDiff(out.logits, ref.subarray(t * V, (t + 1) * V)));
        for (const tensor of out.present.values())
          expect(tensor.dims).toEqual([1, config.kvHeads, Math.min(t + 1, bound(attention)), config.headDim]);
      }
      expect(err).toBeLessThan(TOL);

      // Chunked prefill over a bounded past: 20 tokens, then 7 (more than one query chunk), then the other 10.
      out = await step(fused, config, [TOKENS.slice(0, 20)], [ones(20)]);
      out = await step(fused, config, [TOKENS.slice(20, 27)], [ones(27)], out.present);
      expect(maxAbsDiff(out.logits, ref.subarray(20 * V, 27 * V))).toBeLessThan(TOL);
      out = await step(fused, config, [TOKENS.slice(27)], [ones(T)], out.present);
      expect(maxAbsDiff(out.logits, ref.subarray(27 * V))).toBeLessThan(TOL);

      // A left-padded batch: each row equals the reference on its own tokens; the next step equals the plain graph's.
      const tail = TOKENS.slice(11);
      const pad = T - tail.length;
      const ids = [TOKENS, [...ones(pad), ...tail]];
      const mask = [ones(T), [...new Array<number>(pad).fill(0), ...ones(tail.length)]];
      const [pa, pb] = [await step(fused, config, ids, mask), await step(plain, config, ids, mask)];
      expect(maxAbsDiff(pa.logits.subarray(0, T * V), ref)).toBeLessThan(TOL);
      expect(maxAbsDiff(pa.logits.subarray((T + pad) * V), forward(config, weights, tail))).toBeLessThan(TOL);
      const next = [[5], [5]];
      const nextMask = mask.map((row) => [...row, 1]);
      const [na, nb] = [await step(fused, config, next, nextMask, pa.present), await step(plain, config, next, nextMask, pb.present)];
      expect(maxAbsDiff(na.logits, nb.logits)).toBeLessThan(TOL);
      expect(maxAbsDiff(na.logits.subarray(0, V), forward(config, weights, [...TOKENS, 5]).subarray(T * V))).toBeLessThan(TOL);
    },
  );

  it('chunks the window in quarters where it can, halves, else whole', () => {
    expect([windowChunk(256), windowChunk(8), windowChunk(6), windowChunk(5)]).toEqual([64, 2, 3, 5]);
  });

  it('uses the fused norms and rotary with chunked attention; fusedOps false and the dense mask keep the plain graph', () => {
    const config = tinyConfig({ layers: 3, attention: { kind: 'sliding-window', window: 4 } });
    const weights = randomWeights(config, 1);
    const ops = (options: { fusedOps?: boolean; chunkedAttention?: boolean }) =>
      buildInferenceGraph(config, weights, options).nodes.map((n) => n.opType);
    const fused = ops({});
    expect(fused.filter((o) => o === 'RotaryEmbedding')).toHaveLength(6);
    expect(fused.filter((o) => o === 'SkipSimplifiedLayerNormalization')).toHaveLength(6);
    expect(fused).not.toContain('GroupQueryAttention');
    const contrib = ['RotaryEmbedding', 'SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization', 'GroupQueryAttention'];
    for (const plain of [ops({ fusedOps: false }), ops({ chunkedAttention: false })]) {
      expect(plain.some((o) => contrib.includes(o))).toBe(false);
      expect(plain).toContain('ReduceMean'); // the plain RMSNorm
    }
    expect(fusedDecoderSupports(config, { chunkedAttention: false })).toBe(false);
    expect(fusedDecoderSupports(tinyConfig({ attention: { kind: 'linear' } }))).toBe(false);
  });
});
