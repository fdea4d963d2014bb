import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { AttentionConfig, ModelConfig } from '../config.js';
import { forward } from '../forward/model.js';
import { chunkedWindowMask } from './chunked-attention.js';
import { encodeModel } from './encode.js';
import { buildInferenceGraph } from './inference.js';
import { hasSquareMask, maskDims, maxAbsDiff, noCacheLogits, randomWeights, step, tinyConfig } from './test-utils.js';

const TOL = 1e-4;
// 37 tokens: not a multiple of any window below.
const TOKENS = Array.from({ length: 37 }, (_, i) => (i * 13 + 5) % 50);

async function sessions(config: ModelConfig, seed: number) {
  const weights = randomWeights(config, seed);
  const make = (chunkedAttention: boolean) =>
    ort.InferenceSession.create(encodeModel(buildInferenceGraph(config, weights, { chunkedAttention })));
  return { weights, chunked: await make(true), dense: await make(false) };
}

describe('chunked sliding-window and block-sparse attention (KV graph)', () => {
  it.each([
    ['window 8, GQA', { kind: 'sliding-window', window: 8 }, {}],
    ['window 5, MQA, layerRepeat 2', { kind: 'sliding-window', window: 5 }, { kvHeads: 1, layerRepeat: 2 }],
    ['window 64 (longer than the sequence)', { kind: 'sliding-window', window: 64 }, {}],
    ['block-sparse 4 × 2 + 3 global', { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 3 }, {}],
    ['block-sparse 5 × 1, no global, MQA', { kind: 'block-sparse', blockSize: 5, localBlocks: 1, globalTokens: 0 }, { kvHeads: 1 }],
    [
      'block-sparse 3 × 3 + 30 global (more than the padded row)',
      { kind: 'block-sparse', blockSize: 3, localBlocks: 3, globalTokens: 30 },
      {},
    ],
    ['block-sparse 64 × 1 + 1 (one block)', { kind: 'block-sparse', blockSize: 64, localBlocks: 1, globalTokens: 1 }, {}],
  ] as Array<[string, AttentionConfig, Partial<ModelConfig>]>)(
    '%s: prefill with left padding equals the reference forward and the dense graph',
    async (_name, attention, overrides) => {
      const config = tinyConfig({ maxPositions: 64, attention, ...overrides });
      const { weights, chunked, dense } = await sessions(config, 4);
      const V = config.vocabSize;
      const T = TOKENS.length;
      const tail = TOKENS.slice(11);
      const pad = T - tail.length;
      const ids = [TOKENS, [...Array.from({ length: pad }, () => 1), ...tail]];
      const mask = [TOKENS.map(() => 1), [...Array.from({ length: pad }, () => 0), ...tail.map(() => 1)]];
      const out = await step(chunked, config, ids, mask);
      const ref = forward(config, weights, TOKENS);
      expect(maxAbsDiff(out.logits.subarray(0, T * V), ref)).toBeLessThan(TOL);
      expect(maxAbsDiff(out.logits.subarray((T + pad) * V, 2 * T * V), forward(config, weights, tail))).toBeLessThan(TOL);
      const denseOut = await step(dense, config, ids, mask);
      expect(maxAbsDiff(out.logits.subarray(0, T * V), denseOut.logits.subarray(0, T * V))).toBeLessThan(1e-5);
      expect(Math.max(...Array.from(ref, Math.abs))).toBeGreaterThan(1);
    },
  );

  it('decoding past the window from a short prefill matches the reference at every step, the cache holding ≤ W slots', async () => {
    const config = tinyConfig({ attention: { kind: 'sliding-window', window: 8 } });
    const { weights, chunked } = await sessions(config, 9);
    const V = config.vocabSize;
    const ref = forward(config, weights, TOKENS);
    let out = await step(chunked, config, [TOKENS.slice(0, 3)], [[1, 1, 1]]);
    let err = maxAbsDiff(out.logits, ref.subarray(0, 3 * V));
    for (let t = 3; t < TOKENS.length; t++) {
      out = await step(chunked, config, [[TOKENS[t]!]], [TOKENS.slice(0, t + 1).map(() => 1)], out.present);
      err = Math.max(err, maxAbsDiff(out.logits, ref.subarray(t * V, (t + 1) * V)));
      // The cache handed back is bounded by the window, while attention_mask keeps growing.
      for (const tensor of out.present.values()) expect(tensor.dims).toEqual([1, config.kvHeads, Math.min(t + 1, 8), config.headDim]);
    }
    expect(err).toBeLessThan(TOL);
    // A 12-token chunk after 20 cached ones (chunks straddle the past/new boundary).
    out = await step(chunked, config, [TOKENS.slice(0, 20)], [TOKENS.slice(0, 20).map(() => 1)]);
    out = await step(chunked, config, [TOKENS.slice(20, 32)], [TOKENS.slice(0, 32).map(() => 1)], out.present);
    expect(maxAbsDiff(out.logits, ref.subarray(20 * V, 32 * V))).toBeLessThan(TOL);

    // A whole (unbounded) cache from the dense graph is accepted too: only its last W slots are read.
    const { dense } = await sessions(config, 9);
    const whole = await step(dense, config, [TOKENS.slice(0, 20)], [TOKENS.slice(0, 20).map(() => 1)]);
    expect(whole.present.get('present.0.key')!.dims[2]).toBe(20);
    out = await step(chunked, config, [TOKENS.slice(20, 32)], [TOKENS.slice(0, 32).map(() => 1)], whole.present);
    expect(maxAbsDiff(out.logits, ref.subarray(20 * V, 32 * V))).toBeLessThan(TOL);
  });

  it('block-sparse: decoding token by token and in chunks straddling the cache matches the reference', async () => {
    const config = tinyConfig({ attention: { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 2 } });
    const { weights, chunked } = await sessions(config, 10);
    const V = config.vocabSize;
    const ref = forward(config, weights, TOKENS);
    let out = await step(chunked, config, [TOKENS.slice(0, 1)], [[1]]);
    let err = maxAbsDiff(out.logits, ref.subarray(0, V));
    for (let t = 1; t < TOKENS.length; t++) {
      out = await step(chunked, config, [[TOKENS[t]!]], [TOKENS.slice(0, t + 1).map(() => 1)], out.present);
      err = Math.max(err, maxAbsDiff(out.logits, ref.subarray(t * V, (t + 1) * V)));
    }
    expect(err).toBeLessThan(TOL);
    out = await step(chunked, config, [TOKENS.slice(0, 9)], [TOKENS.slice(0, 9).map(() => 1)]);
    out = await step(chunked, config, [TOKENS.slice(9, 30)], [TOKENS.slice(0, 30).map(() => 1)], out.present);
    expect(maxAbsDiff(out.logits, ref.subarray(9 * V, 30 * V))).toBeLessThan(TOL);
  });

  it.each([
    { kind: 'sliding-window', window: 4 },
    { kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 },
  ] as AttentionConfig[])('%o: the chunked graph builds no [seq, total] mask; the dense one does', (attention) => {
    const config = tinyConfig({ attention });
    const weights = randomWeights(config, 1);
    const nodes = (chunkedAttention: boolean) => buildInferenceGraph(config, weights, { chunkedAttention }).nodes;
    const ops = (chunkedAttention: boolean) => nodes(chunkedAttention).map((n) => n.opType);
    // The dense mask (masks.ts dynamicMask, nodes labelled mask_*) builds [seq, total] from Ranges of slot indices;
    // Pad is how the chunked path aligns keys on blocks.
    const denseMaskRanges = (chunkedAttention: boolean) =>
      nodes(chunkedAttention).filter((n) => n.opType === 'Range' && n.outputs.some((o) => o.includes('mask_range'))).length;
    expect(denseMaskRanges(true)).toBe(0);
    expect(ops(true)).toContain('Pad');
    expect(denseMaskRanges(false)).toBeGreaterThan(0);
    expect(ops(false)).not.toContain('Pad');
  });
});

describe('chunked sliding window without a KV cache (training graph, fixed T)', () => {
  it.each([
    [37, 8, {}],
    [32, 8, { kvHeads: 1 }],
    [9, 8, { layerRepeat: 2 }],
    [16, 3, { kvHeads: 4 }],
  ] as Array<[number, number, Partial<ModelConfig>]>)(
    'T %i, window %i: logits equal the reference forward',
    async (T, window, overrides) => {
      const config = tinyConfig({ attention: { kind: 'sliding-window', window }, ...overrides });
      const weights = randomWeights(config, 6);
      const chunked = await noCacheLogits(config, weights, [TOKENS.slice(0, T)], true);
      expect(maxAbsDiff(chunked.logits, forward(config, weights, TOKENS.slice(0, T)))).toBeLessThan(TOL);
      const dense = await noCacheLogits(config, weights, [TOKENS.slice(0, T)], false);
      expect(maxAbsDiff(chunked.logits, dense.logits)).toBeLessThan(1e-5);
      // The dense graph holds a constant [T, T] mask; the chunked one does not.
      expect([hasSquareMask(chunked.graph, T), hasSquareMask(dense.graph, T)]).toEqual([false, true]);
    },
  );

  it('a decoded token is one query over W + 1 keys; a prompt is cut into chunks of at most `chunk`', async () => {
    const [W, C] = [4, 2];
    const dims = await maskDims(
      (g, inputs) => chunkedWindowMask(g, { window: W, chunk: C, headDim: 2, dtype: 'float32', prefix: '', ...inputs }).mask,
    );
    expect(await dims(W, 1)).toEqual([1, 1, 1, 1, 1, W + 1]);
    expect(await dims(W, 5)).toEqual([1, 1, 1, 3, C, W + C]);
  });
});
