import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { ModelConfig } from '../config.js';
import { kvCacheBytes } from '../accounting/memory.js';
import { forward } from '../forward/model.js';
import { weightSpecs } from '../weights.js';
import { emitDecoder } from './decoder.js';
import { encodeModel } from './encode.js';
import { Graph } from './graph.js';
import { inferenceSession, maxAbsDiff, randomWeights, step, tinyConfig } from './test-utils.js';

// 40 tokens: longer than the state's hd × hd = 16 entries per KV head could hold as a cache.
const TOKENS = Array.from({ length: 40 }, (_, i) => (i * 17 + 3) % 50);
const TOL = 1e-4;

const stateBytes = (present: Map<string, ort.Tensor>) => [...present.values()].reduce((sum, t) => sum + t.size * 4, 0);

const cases: Array<[string, Partial<ModelConfig>]> = [
  ['GQA', { attention: { kind: 'linear' } }],
  ['MQA, layerRepeat 2, untied', { attention: { kind: 'linear' }, kvHeads: 1, layerRepeat: 2, tiedEmbeddings: false }],
];

describe('linear attention export: constant recurrent state (onnxruntime-node)', () => {
  it.each(cases)('%s: token-by-token logits equal the reference over 40 tokens; state bytes = accounting', async (_n, overrides) => {
    const config = tinyConfig(overrides);
    const weights = randomWeights(config, 5);
    const reference = forward(config, weights, TOKENS);
    const session = await inferenceSession(config, weights);
    const V = config.vocabSize;
    let out = await step(session, config, [[TOKENS[0]!]], [[1]]);
    let err = maxAbsDiff(out.logits, reference.subarray(0, V));
    const bytes: number[] = [stateBytes(out.present)];
    for (let t = 1; t < TOKENS.length; t++) {
      out = await step(session, config, [[TOKENS[t]!]], [TOKENS.slice(0, t + 1).map(() => 1)], out.present);
      err = Math.max(err, maxAbsDiff(out.logits, reference.subarray(t * V, (t + 1) * V)));
      bytes.push(stateBytes(out.present));
    }
    expect(err).toBeLessThan(TOL);
    expect(Math.max(...Array.from(reference, Math.abs))).toBeGreaterThan(1); // O(1) logits: 1e-4 constrains
    // The state does not grow, and the accounting's fp32 cache figure is what the model holds, at any length.
    expect(new Set(bytes).size).toBe(1);
    expect(bytes[0]).toBe(kvCacheBytes(config, 1, 1, 'fp32'));
    expect(bytes[39]).toBe(kvCacheBytes(config, 40, 1, 'fp32'));
    for (const [name, t] of out.present) {
      const rows = name.endsWith('.key') ? config.headDim : 1;
      expect(t.dims, name).toEqual([1, config.kvHeads, rows, config.headDim]);
    }
  });

  it('prefill in chunks then decode equals one pass; the state after 40 tokens equals prefill of 40', async () => {
    const config = tinyConfig({ attention: { kind: 'linear' } });
    const session = await inferenceSession(config, randomWeights(config, 9));
    const V = config.vocabSize;
    const whole = await step(session, config, [TOKENS], [TOKENS.map(() => 1)]);
    const a = await step(session, config, [TOKENS.slice(0, 13)], [TOKENS.slice(0, 13).map(() => 1)]);
    const b = await step(session, config, [TOKENS.slice(13, 31)], [TOKENS.slice(0, 31).map(() => 1)], a.present);
    let out = b;
    for (let t = 31; t < 40; t++) out = await step(session, config, [[TOKENS[t]!]], [TOKENS.slice(0, t + 1).map(() => 1)], out.present);
    expect(maxAbsDiff(b.logits, whole.logits.subarray(13 * V, 31 * V))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.logits, whole.logits.subarray(39 * V))).toBeLessThan(1e-5);
    for (const [name, t] of whole.present) {
      const state = out.present.get(name)!;
      expect(state.dims).toEqual(t.dims);
      expect(
        maxAbsDiff(state.data as Float32Array, t.data as Float32Array) / Math.max(...Array.from(t.data as Float32Array, Math.abs)),
      ).toBeLessThan(1e-5);
    }
  });
});

/** Logits of the no-cache (training) graph over `tokens`, with linear attention in chunks of `chunk`. */
async function noCacheLogits(config: ModelConfig, tokens: number[], chunk: number, dtype: 'float32' | 'float64') {
  const weights = randomWeights(config, 3);
  const g = new Graph('train');
  const T = tokens.length;
  const ids = g.input('ids', 'int64', [1, T]);
  for (const spec of weightSpecs(config)) g.input(spec.name, dtype, spec.shape);
  const out = emitDecoder(g, config, { weight: (n) => n, inputIds: ids, seqLen: T, dtype, linearChunk: chunk });
  g.output(out.logits, dtype, [1, T, config.vocabSize], 'logits');
  const feeds: Record<string, ort.Tensor> = { ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, T]) };
  for (const spec of weightSpecs(config)) {
    const w = weights.get(spec.name)!;
    feeds[spec.name] = new ort.Tensor(dtype, dtype === 'float64' ? Float64Array.from(w) : w, spec.shape);
  }
  const session = await ort.InferenceSession.create(encodeModel(g));
  const chunkedForm = g.nodes.some((n) => n.outputs.some((o) => o.includes('chunk_weights')));
  return { logits: (await session.run(feeds)).logits!.data as Float32Array | Float64Array, weights, chunkedForm };
}

describe('linear attention without a cache (training graph): chunked form', () => {
  it.each([
    ['40 tokens, chunks of 8 (no tail)', 40, 8],
    ['40 tokens, chunks of 6 (tail of 4)', 40, 6],
    ['19 tokens, chunks of 4, MQA, layerRepeat 2', 19, 4],
  ])('%s: equals the parallel form (float64, 1e-12) and the reference forward (fp32, 1e-4)', async (_n, T, chunk) => {
    const config = tinyConfig(T === 19 ? { attention: { kind: 'linear' }, kvHeads: 1, layerRepeat: 2 } : { attention: { kind: 'linear' } });
    const tokens = TOKENS.slice(0, T);
    const chunked = await noCacheLogits(config, tokens, chunk, 'float64');
    const parallel = await noCacheLogits(config, tokens, T, 'float64');
    expect([chunked.chunkedForm, parallel.chunkedForm]).toEqual([true, false]);
    expect(maxAbsDiff(chunked.logits, parallel.logits)).toBeLessThan(1e-12);
    const fp32 = await noCacheLogits(config, tokens, chunk, 'float32');
    expect(maxAbsDiff(fp32.logits, forward(config, fp32.weights, tokens))).toBeLessThan(TOL);
  });
});
