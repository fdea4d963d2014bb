import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { weightSpecs, type ModelConfig, type ModelWeights } from '@scalewise/models';
import type { TokenBatch, TrainingEngine } from '../engine.js';
import { createReferenceEngine } from '../reference/engine.js';
import { createNativeEngine } from './index.js';
import { buildTrainingGraph } from './training-graph.js';
import { finiteDifferences, tinyConfig, uniform } from './testing.js';

// Block-sparse attention in the native engine's graph is chunked over kept blocks once T ≥ 2·(G + L·b)
// (models: block-sparse-static.ts): its gradients must equal the reference engine's and finite differences.

const engines: TrainingEngine[] = [];
afterAll(async () => {
  for (const e of engines) await e.dispose();
});

function randomWeights(config: ModelConfig, seed: number): ModelWeights {
  const rand = uniform(seed);
  const w: ModelWeights = new Map();
  for (const s of weightSpecs(config)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const scale = s.role === 'linear' ? 1 / Math.sqrt(s.shape[1] ?? 1) : 1;
    w.set(
      s.name,
      Float32Array.from({ length: n }, () => (s.role === 'norm' ? 1 + 0.2 * rand() : scale * rand())),
    );
  }
  return w;
}

function randomBatch(config: ModelConfig, batch: number, seq: number, seed: number): TokenBatch {
  const rand = uniform(seed);
  const n = batch * seq;
  const draw = () => Int32Array.from({ length: n }, () => Math.floor(rand(0, config.vocabSize)));
  return { batch, seq, inputs: draw(), targets: draw(), mask: Uint8Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1)) };
}

/** max |a − b| / max |b| over one tensor. */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0,
    m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    m = Math.max(m, Math.abs(b[i] as number));
  }
  return d / m;
}

/** Whether the graph holds a constant [T, T] mask (the dense path) rather than chunk masks. */
function hasSquareMask(config: ModelConfig, seq: number): boolean {
  const { graph } = buildTrainingGraph(config, { batch: 1, seq, gradients: false });
  return [...graph.initializers.values()].some((t) => t.dims.length === 2 && t.dims[0] === seq && t.dims[1] === seq);
}

describe('native engine, block-sparse attention in chunks (T ≥ 2·(G + L·b))', () => {
  const cases: [string, Partial<ModelConfig>, number][] = [
    [
      'blocks of 4, 2 local, 3 global, GQA, T 30 (a 2-query tail)',
      { heads: 4, kvHeads: 2, dim: 16, attention: { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 3 } },
      30,
    ],
    [
      'blocks of 3, 1 local, 5 global (more than a block), layer sharing ×2, T 21',
      { layerRepeat: 2, attention: { kind: 'block-sparse', blockSize: 3, localBlocks: 1, globalTokens: 5 } },
      21,
    ],
  ];
  for (const [label, overrides, seq] of cases) {
    it(`${label}: loss and every gradient equal the reference engine's within 1e-4 relative`, async () => {
      const config = tinyConfig({ vocabSize: 37, maxPositions: 32, ...overrides });
      expect(hasSquareMask(config, seq)).toBe(false);
      const native = await createNativeEngine(config, { threads: 1 });
      const reference = await createReferenceEngine(config, {});
      engines.push(native, reference);
      const weights = randomWeights(config, 21);
      const batch = randomBatch(config, 2, seq, 8);
      const zeros = () => new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
      const gn = zeros(),
        gr = zeros();
      const ln = await native.lossAndGrad(weights, gn, batch, 1);
      const lr = await reference.lossAndGrad(weights, gr, batch, 1);
      expect(Math.abs(ln - lr) / lr).toBeLessThan(1e-5);
      for (const [name, g] of gr) expect(relErr(gn.get(name) as Float32Array, g), name).toBeLessThan(1e-4);
    });
  }

  it('float64 training graph (blocks of 2, 2 local, 1 global, T 11): gradients equal finite differences within 1e-8', async () => {
    const config = tinyConfig({ attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 } });
    const batch = 2,
      seq = 11;
    expect(hasSquareMask(config, seq)).toBe(false);
    const tg = buildTrainingGraph(config, { batch, seq, dtype: 'float64' });
    const rand = uniform(4);
    const values = tg.params.map((p) =>
      Float64Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => (p.role === 'norm' ? 1 + 0.3 * rand() : rand())),
    );
    const ids = Array.from({ length: batch * seq }, () => Math.floor(rand(0, config.vocabSize)));
    const targets = Array.from({ length: batch * seq }, () => Math.floor(rand(0, config.vocabSize)));
    const mask = ids.map((_, i) => (i % 4 === 3 ? 0 : 1));
    const count = mask.reduce((a: number, b) => a + b, 0);
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [batch, seq]),
      targets: new ort.Tensor('int64', BigInt64Array.from(targets.map(BigInt)), [batch, seq]),
      target_weights: new ort.Tensor('float64', Float64Array.from(mask.map((m) => m / count)), [batch, seq]),
    };
    const r = await finiteDifferences(
      tg.graph,
      tg.params.map((p) => ({ name: p.name, shape: p.shape })),
      values,
      { loss: tg.loss, grads: tg.grads },
      feeds,
      6,
      buildTrainingGraph(config, { batch, seq, dtype: 'float64', gradients: false }).graph,
    );
    expect(r.checked).toBe(6 * tg.params.length);
    expect(r.maxAbs).toBeGreaterThan(1e-3);
    expect(r.maxAbsErr).toBeLessThan(1e-8);
  });
});
