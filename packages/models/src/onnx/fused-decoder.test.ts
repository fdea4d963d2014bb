import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config.js';
import { forward } from '../forward/model.js';
import { encodeModel } from './encode.js';
import { fusedDecoderSupports } from './fused-decoder.js';
import { buildInferenceGraph } from './inference.js';
import { maxAbsDiff, randomWeights, step, tinyConfig } from './test-utils.js';

const TOKENS = [3, 17, 42, 8, 8, 25, 0, 49, 11, 30, 2, 2, 47, 19, 5, 33];
const TOL = 1e-4;

// headDim 8: the smallest GroupQueryAttention's CPU kernel takes (the shared tiny config has 4, so the other
// ONNX tests run the plain path for it).
const cases: Array<[string, Partial<ModelConfig>]> = [
  ['MHA, tied', { kvHeads: 4 }],
  ['GQA, untied', { kvHeads: 2, tiedEmbeddings: false }],
  ['MQA', { kvHeads: 1 }],
  ['GQA, layerRepeat 2', { layerRepeat: 2 }],
  ['headDim 16, theta 500000', { dim: 32, headDim: 16, ropeTheta: 500000 }],
];
const config8 = (o: Partial<ModelConfig>) => tinyConfig({ dim: 32, headDim: 8, ...o });
const session = (config: ModelConfig, fusedOps: boolean, seed: number) =>
  ort.InferenceSession.create(encodeModel(buildInferenceGraph(config, randomWeights(config, seed), { fusedOps })));

describe('fused inference graph (SkipSimplifiedLayerNormalization, RotaryEmbedding, GroupQueryAttention)', () => {
  it.each(cases)('%s: logits equal the reference forward and the plain graph, padded or not', async (_name, overrides) => {
    const config = config8(overrides);
    expect(fusedDecoderSupports(config)).toBe(true);
    const fused = await session(config, true, 5);
    const plain = await session(config, false, 5);
    const reference = forward(config, randomWeights(config, 5), TOKENS);
    const V = config.vocabSize;
    const T = TOKENS.length;
    const ones = (n: number) => new Array<number>(n).fill(1);
    const full = await step(fused, config, [TOKENS], [ones(T)]);
    expect(maxAbsDiff(full.logits, reference)).toBeLessThan(TOL);

    // Prefill 5, then one token per call through the cache.
    let out = await step(fused, config, [TOKENS.slice(0, 5)], [ones(5)]);
    let err = maxAbsDiff(out.logits, reference.subarray(0, 5 * V));
    for (let t = 5; t < T; t++) {
      out = await step(fused, config, [[TOKENS[t]!]], [ones(t + 1)], out.present);
      expect(out.present.get('present.0.key')!.dims).toEqual([1, config.kvHeads, t + 1, config.headDim]);
      err = Math.max(err, maxAbsDiff(out.logits, reference.subarray(t * V, (t + 1) * V)));
    }
    expect(err).toBeLessThan(TOL);

    // A left-padded batch row, prefilled then decoded one step, matches the plain graph on the same inputs.
    const tail = TOKENS.slice(4);
    const ids = [TOKENS, [1, 1, 1, 1, ...tail]];
    const mask = [ones(T), [0, 0, 0, 0, ...ones(tail.length)]];
    const [a, b] = [await step(fused, config, ids, mask), await step(plain, config, ids, mask)];
    expect(maxAbsDiff(a.logits.subarray((T + 4) * V), b.logits.subarray((T + 4) * V))).toBeLessThan(TOL);
    expect(maxAbsDiff(a.logits.subarray(0, T * V), reference)).toBeLessThan(TOL);
    const next = [[5], [5]];
    const nextMask = mask.map((row) => [...row, 1]);
    const [a2, b2] = [await step(fused, config, next, nextMask, a.present), await step(plain, config, next, nextMask, b.present)];
    expect(maxAbsDiff(a2.logits, b2.logits)).toBeLessThan(TOL);
    expect(Math.max(...Array.from(reference, Math.abs))).toBeGreaterThan(1);
  });

  it('uses the fused kernels: far fewer nodes per block than the plain graph', () => {
    const config = config8({ layers: 4 });
    const weights = randomWeights(config, 1);
    const ops = (fusedOps: boolean) => buildInferenceGraph(config, weights, { fusedOps }).nodes.map((n) => n.opType);
    const fused = ops(true);
    expect(fused.filter((o) => o === 'GroupQueryAttention')).toHaveLength(4);
    expect(fused.filter((o) => o === 'RotaryEmbedding')).toHaveLength(8);
    expect(fused.length).toBeLessThan(ops(false).length / 2);
  });

  it('keeps the plain graph where the fused kernels do not apply (full attention with headDim 4, linear attention)', () => {
    expect(fusedDecoderSupports(tinyConfig())).toBe(false);
    expect(fusedDecoderSupports(config8({ attention: { kind: 'linear' } }))).toBe(false);
    const config = tinyConfig();
    const nodes = buildInferenceGraph(config, randomWeights(config, 1)).nodes;
    expect(nodes.some((n) => n.opType === 'GroupQueryAttention')).toBe(false);
  });
});
