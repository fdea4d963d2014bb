import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config.js';
import { forward } from '../forward/model.js';
import { weightSpecs, type ModelWeights } from '../weights.js';
import { causalChunks } from './causal-static.js';
import { emitDecoder } from './decoder.js';
import { encodeModel } from './encode.js';
import { Graph } from './graph.js';
import { maxAbsDiff, randomWeights, tinyConfig } from './test-utils.js';

// The no-cache graph with weights as graph inputs, as the native trainer feeds them; 2 rows of T tokens.
async function noCacheLogits(config: ModelConfig, weights: ModelWeights, T: number, chunkedAttention: boolean) {
  const g = new Graph('train');
  const ids = g.input('ids', 'int64', [2, T]);
  for (const spec of weightSpecs(config)) g.input(spec.name, 'float32', spec.shape);
  const out = emitDecoder(g, config, { weight: (n) => n, inputIds: ids, seqLen: T, chunkedAttention });
  g.output(out.logits, 'float32', [2, T, config.vocabSize], 'logits');
  const rows = [0, 1].map((r) => Array.from({ length: T }, (_, i) => (i * (13 + 4 * r) + 5 + r) % config.vocabSize));
  const feeds: Record<string, ort.Tensor> = { ids: new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [2, T]) };
  for (const spec of weightSpecs(config)) feeds[spec.name] = new ort.Tensor('float32', weights.get(spec.name)!, spec.shape);
  const session = await ort.InferenceSession.create(encodeModel(g));
  // Softmax nodes: one per layer application when dense, one per chunk when chunked.
  const softmaxes = g.nodes.filter((n) => n.opType === 'Softmax').length;
  const logits = (await session.run(feeds)).logits!.data as Float32Array;
  await session.release();
  return { rows, logits, softmaxes };
}

describe('full causal attention without a KV cache, in query chunks', () => {
  it('chunks: 4 when each keeps 32 positions, else 2, else dense', () => {
    expect([16, 62, 63, 64, 96, 126, 128, 130, 512].map(causalChunks)).toEqual([1, 1, 1, 2, 2, 2, 4, 2, 4]);
  });

  it.each([
    [128, { heads: 4, kvHeads: 1, headDim: 8, dim: 32 }],
    [64, {}],
    [96, { layerRepeat: 2 }],
    [130, { heads: 2, kvHeads: 2 }],
  ] as Array<[number, Partial<ModelConfig>]>)('T %i, %o: logits equal the reference forward and the dense mask', async (T, over) => {
    const config = tinyConfig({ maxPositions: 160, ...over });
    const weights = randomWeights(config, 8);
    const chunked = await noCacheLogits(config, weights, T, true);
    const dense = await noCacheLogits(config, weights, T, false);
    const V = config.vocabSize;
    for (const [r, row] of chunked.rows.entries()) {
      const ref = forward(config, weights, row);
      expect(maxAbsDiff(chunked.logits.subarray(r * T * V, (r + 1) * T * V), ref)).toBeLessThan(1e-4);
      expect(Math.max(...Array.from(ref, Math.abs))).toBeGreaterThan(1);
    }
    expect(maxAbsDiff(chunked.logits, dense.logits)).toBeLessThan(1e-5);
    const applications = config.layers * config.layerRepeat;
    expect([chunked.softmaxes, dense.softmaxes]).toEqual([applications * causalChunks(T), applications]);
  });
});
