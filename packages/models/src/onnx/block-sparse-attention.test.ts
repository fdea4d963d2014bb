import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { kvCacheBytes } from '../accounting/memory.js';
import type { ModelConfig } from '../config.js';
import { forward } from '../forward/model.js';
import { encodeModel } from './encode.js';
import { blockSparseMask } from './block-sparse-attention.js';
import { buildInferenceGraph } from './inference.js';
import { maskDims, maxAbsDiff, randomWeights, step, tinyConfig, type StepResult } from './test-utils.js';

// Bounded block-sparse KV cache (block-sparse-attention.ts): G globals + the last L·b slots once longer than that.
const TOL = 1e-4;
const TOKENS = Array.from({ length: 48 }, (_, i) => (i * 13 + 5) % 50);
type Sparse = { blockSize: number; localBlocks: number; globalTokens: number };

async function sessions(sparse: Sparse, seed: number, overrides: Partial<ModelConfig> = {}) {
  const config = tinyConfig({ attention: { kind: 'block-sparse', ...sparse }, ...overrides });
  const weights = randomWeights(config, seed);
  const make = (chunkedAttention: boolean) =>
    ort.InferenceSession.create(encodeModel(buildInferenceGraph(config, weights, { chunkedAttention })));
  return {
    config,
    weights,
    chunked: await make(true),
    dense: await make(false),
    bound: sparse.globalTokens + sparse.localBlocks * sparse.blockSize,
  };
}

const ones = (n: number) => Array.from({ length: n }, () => 1);
const cacheBytes = (out: StepResult) => [...out.present.values()].reduce((s, t) => s + (t.data as Float32Array).byteLength, 0);

describe('block-sparse KV cache bounded at G + L·b slots', () => {
  it.each([
    [{ blockSize: 4, localBlocks: 2, globalTokens: 3 }, {}],
    [{ blockSize: 3, localBlocks: 1, globalTokens: 0 }, {}],
    [
      { blockSize: 2, localBlocks: 3, globalTokens: 5 },
      { kvHeads: 1, layerRepeat: 2 },
    ],
  ] as Array<[Sparse, Partial<ModelConfig>]>)(
    '%o %o: a 4× bound generation matches the reference, the cache stops at the bound and kvCacheBytes',
    async (sparse, overrides) => {
      const { config, weights, chunked, bound } = await sessions(sparse, 12, overrides);
      const V = config.vocabSize;
      const T = Math.min(TOKENS.length, Math.max(4 * bound, bound + 16));
      const ref = forward(config, weights, TOKENS.slice(0, T));
      let out = await step(chunked, config, [TOKENS.slice(0, 2)], [ones(2)]);
      let err = maxAbsDiff(out.logits, ref.subarray(0, 2 * V));
      for (let t = 2; t < T; t++) {
        out = await step(chunked, config, [[TOKENS[t]!]], [ones(t + 1)], out.present);
        err = Math.max(err, maxAbsDiff(out.logits, ref.subarray(t * V, (t + 1) * V)));
        for (const tensor of out.present.values()) expect(tensor.dims).toEqual([1, config.kvHeads, Math.min(t + 1, bound), config.headDim]);
        expect(cacheBytes(out)).toBe(kvCacheBytes(config, t + 1, 1, 'fp32'));
      }
      expect(err).toBeLessThan(TOL);
      expect(Math.max(...Array.from(ref, Math.abs))).toBeGreaterThan(1);
      // A long prompt in one call (whole past → bounded present), then a 7-token chunk, then single tokens.
      out = await step(chunked, config, [TOKENS.slice(0, bound + 5)], [ones(bound + 5)]);
      expect(out.present.get('present.0.key')!.dims[2]).toBe(bound);
      out = await step(chunked, config, [TOKENS.slice(bound + 5, bound + 12)], [ones(bound + 12)], out.present);
      expect(maxAbsDiff(out.logits, ref.subarray((bound + 5) * V, (bound + 12) * V))).toBeLessThan(TOL);
      for (let t = bound + 12; t < T; t++) out = await step(chunked, config, [[TOKENS[t]!]], [ones(t + 1)], out.present);
      expect(maxAbsDiff(out.logits, ref.subarray((T - 1) * V, T * V))).toBeLessThan(TOL);
    },
  );

  it('left padding: a padded row (fewer tokens than the globals when the cache is first bounded) decodes as its unpadded run', async () => {
    const sparse = { blockSize: 2, localBlocks: 2, globalTokens: 3 };
    const { config, chunked, bound } = await sessions(sparse, 5);
    const V = config.vocabSize;
    const pad = bound + 1; // row 1: 2 real tokens after `pad` masked slots, so past the bound while its globals are incomplete
    const first = TOKENS.slice(0, pad + 2);
    const tail = [7, 19];
    let batched = await step(chunked, config, [first, [...ones(pad), ...tail]], [ones(pad + 2), [...Array(pad).fill(0), ...ones(2)]]);
    let alone = await step(chunked, config, [tail], [ones(2)]);
    expect(batched.present.get('present.0.key')!.dims[2]).toBe(bound);
    const next = [11, 3, 28, 40, 2, 9, 33, 14, 21, 6, 45, 17];
    for (const [i, id] of next.entries()) {
      const n = pad + 3 + i;
      batched = await step(chunked, config, [[id], [id]], [ones(n), [...Array(pad).fill(0), ...ones(n - pad)]], batched.present);
      alone = await step(chunked, config, [[id]], [ones(n - pad)], alone.present);
      expect(maxAbsDiff(batched.logits.subarray(V, 2 * V), alone.logits)).toBeLessThan(1e-5);
    }
  });

  it('a whole cache from the dense graph is read as whole; the next present is bounded', async () => {
    const sparse = { blockSize: 4, localBlocks: 2, globalTokens: 2 };
    const { config, weights, chunked, dense, bound } = await sessions(sparse, 9);
    const V = config.vocabSize;
    const ref = forward(config, weights, TOKENS.slice(0, 32));
    const whole = await step(dense, config, [TOKENS.slice(0, 20)], [ones(20)]);
    expect(whole.present.get('present.0.key')!.dims[2]).toBe(20);
    let out = await step(chunked, config, [TOKENS.slice(20, 28)], [ones(28)], whole.present);
    expect(maxAbsDiff(out.logits, ref.subarray(20 * V, 28 * V))).toBeLessThan(TOL);
    expect(out.present.get('present.0.key')!.dims[2]).toBe(bound);
    out = await step(chunked, config, [TOKENS.slice(28, 32)], [ones(32)], out.present);
    expect(maxAbsDiff(out.logits, ref.subarray(28 * V, 32 * V))).toBeLessThan(TOL);
  });

  it('a 1000-token generation holds a constant-size cache', async () => {
    const config: ModelConfig = tinyConfig({
      maxPositions: 1024,
      attention: { kind: 'block-sparse', blockSize: 8, localBlocks: 2, globalTokens: 4 },
    });
    const session = await ort.InferenceSession.create(encodeModel(buildInferenceGraph(config, randomWeights(config, 3))));
    let out = await step(session, config, [TOKENS.slice(0, 8)], [ones(8)]);
    const sizes = new Set<number>();
    for (let t = 8; t < 1000; t++) {
      out = await step(session, config, [[TOKENS[t % TOKENS.length]!]], [ones(t + 1)], out.present);
      if (t >= 20) sizes.add(out.present.get('present.0.key')!.dims[2]!);
    }
    expect([...sizes]).toEqual([20]);
    expect(out.logits.every(Number.isFinite)).toBe(true);
  });

  it('a decoded token is one query over G + L·b + 1 keys; a prompt is cut into chunks of b', async () => {
    const [b, L, G] = [4, 2, 3];
    const dims = await maskDims(
      (g, inputs) =>
        blockSparseMask(g, { blockSize: b, localBlocks: L, globalTokens: G, headDim: 2, dtype: 'float32', prefix: '', ...inputs }).mask,
    );
    expect(await dims(20, 1)).toEqual([1, 1, 1, 1, 1, G + L * b + 1]);
    expect(await dims(20, 3)).toEqual([1, 1, 1, 1, 3, G + L * b + 3]);
    expect(await dims(0, 10)).toEqual([1, 1, 1, 3, b, G + L * b + b]);
  });
});
