import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { weightSpecs, type ModelConfig } from '@scalewise/models';
import { encodeModel } from '@scalewise/models/internals';
import { FUSE_DIMS, buildTrainingGraph } from './training-graph.js';
import { tinyConfig, trainingGraphGradCheck, uniform } from './testing.js';

const cases: [string, Partial<ModelConfig>, { seq?: number; linearChunk?: number }?][] = [
  ['full MHA', { heads: 2, kvHeads: 2 }],
  ['full GQA, untied head', { heads: 4, kvHeads: 2, tiedEmbeddings: false }],
  ['full MQA, layer sharing ×2', { heads: 2, kvHeads: 1, layerRepeat: 2 }],
  ['sliding-window', { attention: { kind: 'sliding-window', window: 2 } }],
  ['block-sparse', { attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 1, globalTokens: 1 } }],
  ['linear attention, GQA', { heads: 4, kvHeads: 2, attention: { kind: 'linear' } }],
  ['linear attention, MHA, layer sharing ×2', { heads: 2, kvHeads: 2, layerRepeat: 2, attention: { kind: 'linear' } }],
  ['linear attention in chunks of 2 (7 positions: 3 chunks and a tail)', { attention: { kind: 'linear' } }, { seq: 7, linearChunk: 2 }],
];

describe('training graph (float64) gradients vs finite differences of its own loss', () => {
  for (const [label, overrides, extra] of cases) {
    it(label, async () => {
      const config = tinyConfig(overrides);
      const batch = 2,
        seq = extra?.seq ?? 5;
      const linearChunk = extra?.linearChunk;
      const r = await trainingGraphGradCheck(config, { batch, seq, seed: 3, linearChunk });
      expect(r.checked).toBe(6 * weightSpecs(config).length);
      expect(r.maxAbs).toBeGreaterThan(1e-3);
      expect(r.maxAbsErr).toBeLessThan(1e-8);
    });
  }

  it('fused q/k/v and gate/up projections give the loss and gradients of one MatMul per weight (float64, 1e-12)', async () => {
    const config = tinyConfig({ heads: 4, kvHeads: 2, tiedEmbeddings: false });
    const [batch, seq] = [2, 5];
    const run = async (fuseProjections: boolean) => {
      const tg = buildTrainingGraph(config, { batch, seq, dtype: 'float64', fuseProjections });
      const r = uniform(7);
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: batch * seq }, (_, i) => BigInt((i * 5) % config.vocabSize)),
          [batch, seq],
        ),
        targets: new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: batch * seq }, (_, i) => BigInt((i * 3 + 1) % config.vocabSize)),
          [batch, seq],
        ),
        target_weights: new ort.Tensor('float64', new Float64Array(batch * seq).fill(1 / (batch * seq)), [batch, seq]),
      };
      for (const p of tg.params) {
        const n = p.shape.reduce((a, b) => a * b, 1);
        feeds[p.name] = new ort.Tensor(
          'float64',
          Float64Array.from({ length: n }, () => (p.role === 'norm' ? 1 + 0.3 * r() : r())),
          p.shape,
        );
      }
      const session = await ort.InferenceSession.create(encodeModel(tg.graph));
      const out = await session.run(feeds);
      await session.release();
      return {
        ops: tg.graph.nodes.filter((n) => n.opType === 'MatMul').length,
        values: [tg.loss, ...tg.grads].map((k) => out[k]!.data as Float64Array),
      };
    };
    const [fused, plain] = [await run(true), await run(false)];
    // Default by width (forward graph: the backward has Splits of its own).
    for (const dim of [8, ...FUSE_DIMS])
      expect(buildTrainingGraph({ ...config, dim }, { batch, seq, gradients: false }).graph.nodes.some((n) => n.opType === 'Split')).toBe(
        dim === FUSE_DIMS[0],
      );
    expect(fused.ops).toBeLessThan(plain.ops);
    let maxAbs = 0;
    fused.values.forEach((v, i) => v.forEach((x, j) => (maxAbs = Math.max(maxAbs, Math.abs(x - (plain.values[i]![j] as number))))));
    expect(Math.max(...plain.values.flatMap((v) => Array.from(v, Math.abs)))).toBeGreaterThan(1e-3);
    expect(maxAbs).toBeLessThan(1e-12);
  });

  it('infers every shape statically: the backward pass has no runtime shape ops', () => {
    const tg = buildTrainingGraph(tinyConfig({ heads: 4, kvHeads: 2, layerRepeat: 2 }), { batch: 2, seq: 6 });
    const ops = new Set(tg.graph.nodes.map((n) => n.opType));
    for (const dynamic of ['Shape', 'NonZero', 'Size']) expect(ops.has(dynamic), dynamic).toBe(false);
    expect(tg.grads).toHaveLength(tg.params.length);
    const linear = buildTrainingGraph(tinyConfig({ attention: { kind: 'linear' } }), { batch: 2, seq: 9, linearChunk: 4 });
    for (const dynamic of ['Shape', 'NonZero', 'Size'])
      expect(
        linear.graph.nodes.some((n) => n.opType === dynamic),
        dynamic,
      ).toBe(false);
  });

  it('scatters the embedding gradient with ScatterND only for a session of one thread (racy on more: gather-grad.test.ts)', () => {
    const scatterOps = (threads?: number) =>
      buildTrainingGraph(tinyConfig(), { batch: 2, seq: 6, ...(threads === undefined ? {} : { threads }) })
        .graph.nodes.map((n) => n.opType)
        .filter((op) => op.startsWith('Scatter'));
    expect(scatterOps(1)).toContain('ScatterND');
    for (const threads of [2, 16, undefined]) expect(scatterOps(threads), `threads ${threads}`).not.toContain('ScatterND');
  });

  it('trains linear attention: its graph holds the feature map φ = elu + 1 and no softmax', () => {
    const tg = buildTrainingGraph(tinyConfig({ attention: { kind: 'linear' } }), { batch: 1, seq: 4 });
    const ops = tg.graph.nodes.map((n) => n.opType);
    expect(ops).toContain('Relu');
    expect(ops).not.toContain('Softmax');
    expect(tg.grads).toHaveLength(tg.params.length);
  });
});
