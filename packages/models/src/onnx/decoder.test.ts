import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config.js';
import { weightSpecs } from '../weights.js';
import { emitDecoder } from './decoder.js';
import { encodeModel } from './encode.js';
import { Graph } from './graph.js';
import { inferenceSession, maxAbsDiff, randomWeights, step, tinyConfig } from './test-utils.js';

const IDS = [
  [4, 9, 33, 2, 17, 17],
  [0, 49, 12, 8, 30, 1],
];
const TARGETS = [
  [9, 33, 2, 17, 17, 5],
  [49, 12, 8, 30, 1, 44],
];

/** The no-KV training-style graph: weights are graph inputs (as a trainer feeds them), plus logits and loss. */
async function trainingGraph(config: ModelConfig, dtype: 'float32' | 'float64') {
  const g = new Graph('train');
  const T = IDS[0]!.length;
  const ids = g.input('ids', 'int64', ['batch', T]);
  const targets = g.input('targets', 'int64', ['batch', T]);
  for (const spec of weightSpecs(config)) g.input(spec.name, dtype, spec.shape);
  const out = emitDecoder(g, config, { weight: (n) => n, inputIds: ids, seqLen: T, dtype, targets });
  g.output(out.logits, dtype, ['batch', T, config.vocabSize], 'logits');
  g.output(out.loss!, dtype, [], 'loss');
  return ort.InferenceSession.create(encodeModel(g));
}

function feeds(config: ModelConfig, dtype: 'float32' | 'float64', seed: number) {
  const weights = randomWeights(config, seed);
  const f: Record<string, ort.Tensor> = {
    ids: new ort.Tensor('int64', BigInt64Array.from(IDS.flat().map(BigInt)), [2, 6]),
    targets: new ort.Tensor('int64', BigInt64Array.from(TARGETS.flat().map(BigInt)), [2, 6]),
  };
  for (const spec of weightSpecs(config)) {
    const w = weights.get(spec.name)!;
    f[spec.name] = new ort.Tensor(dtype, dtype === 'float64' ? Float64Array.from(w) : w, spec.shape);
  }
  return { weights, f };
}

describe('emitDecoder without KV cache (training graph)', () => {
  it.each([
    ['GQA', tinyConfig()],
    ['MQA, layerRepeat 2, untied', tinyConfig({ kvHeads: 1, layerRepeat: 2, tiedEmbeddings: false })],
    ['linear attention', tinyConfig({ attention: { kind: 'linear' } })],
    ['block-sparse', tinyConfig({ attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 1, globalTokens: 2 } })],
  ])('%s: logits equal the KV inference graph, loss is the mean cross-entropy, float64 agrees with float32', async (_n, config) => {
    const { weights, f } = feeds(config, 'float32', 11);
    const out32 = await (await trainingGraph(config, 'float32')).run(f);
    const logits = out32.logits!.data as Float32Array;
    const V = config.vocabSize;

    const inference = await inferenceSession(config, weights);
    const kv = await step(
      inference,
      config,
      IDS,
      IDS.map((row) => row.map(() => 1)),
    );
    expect(maxAbsDiff(logits, kv.logits)).toBeLessThan(1e-5);

    // Cross-entropy recomputed here in float64 from the logits.
    let total = 0;
    TARGETS.flat().forEach((target, r) => {
      const row = Array.from(logits.subarray(r * V, (r + 1) * V));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      total += lse - row[target]!;
    });
    const loss = (out32.loss!.data as Float32Array)[0]!;
    expect(loss).toBeGreaterThan(0.5);
    expect(Math.abs(loss - total / 12)).toBeLessThan(1e-5);

    const out64 = await (await trainingGraph(config, 'float64')).run(feeds(config, 'float64', 11).f);
    expect(out64.logits!.type).toBe('float64');
    expect(maxAbsDiff(out64.logits!.data as Float64Array, logits)).toBeLessThan(1e-4);
    expect(Math.abs((out64.loss!.data as Float64Array)[0]! - loss)).toBeLessThan(1e-5);
  });

  it('refuses a missing seqLen/kvCache and a wrong number of cache slots, saying why', () => {
    const g = new Graph('x');
    const ids = g.input('ids', 'int64', [1, 2]);
    const kvCache = { attentionMask: 'm', positionIds: 'p', past: [{ key: 'k', value: 'v' }] };
    expect(() => emitDecoder(g, tinyConfig({ layerRepeat: 2 }), { weight: (n) => n, inputIds: ids, kvCache })).toThrow(
      /needs 4 slots .* found 1/,
    );
    expect(() => emitDecoder(g, tinyConfig(), { weight: (n) => n, inputIds: ids })).toThrow(/exactly one of seqLen/);
  });
});
