import { afterAll, describe, expect, it } from 'vitest';
import { weightSpecs, type ModelConfig } from '@scalewise/models';
import type { TrainingEngine } from '../engine.js';
import { buildTrainingGraph } from './training-graph.js';
import { compareWithReference, hasDenseMask, randomBatch, randomWeights, tinyConfig, trainingGraphGradCheck } from './testing.js';

// Block-sparse attention in the native engine's graph is chunked over kept blocks once T ≥ 2·(G + L·b)
// (models: block-sparse-static.ts): its gradients must equal the reference engine's and finite differences.

const engines: TrainingEngine[] = [];
afterAll(async () => {
  for (const e of engines) await e.dispose();
});

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
      expect(hasDenseMask(config, seq)).toBe(false);
      const weights = randomWeights(config, 21);
      const batch = randomBatch(config, 2, seq, 8, (i) => i % 7 === 3);
      const { mismatches, compared } = await compareWithReference(config, weights, batch, engines);
      expect(mismatches).toEqual([]);
      expect(compared).toBe(weights.size);
    });
  }

  it('chunkedAttention false keeps the dense mask, for A/B benchmarks', () => {
    const config = tinyConfig({ heads: 4, kvHeads: 2, attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 } });
    const masks = (chunkedAttention?: boolean) =>
      [...buildTrainingGraph(config, { batch: 1, seq: 11, gradients: false, chunkedAttention }).graph.initializers.values()].filter(
        (t) => t.dims.length === 2 && t.dims[1] === 11 && (t.dims[0] as number) % 11 === 0,
      ).length;
    expect([masks(), masks(true), masks(false)]).toEqual([0, 0, 1]);
  });

  it('float64 training graph (blocks of 2, 2 local, 1 global, T 11): gradients equal finite differences within 1e-8', async () => {
    const config = tinyConfig({ attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 } });
    const batch = 2,
      seq = 11;
    expect(hasDenseMask(config, seq)).toBe(false);
    const r = await trainingGraphGradCheck(config, { batch, seq, seed: 4 });
    expect(r.checked).toBe(6 * weightSpecs(config).length);
    expect(r.maxAbs).toBeGreaterThan(1e-3);
    expect(r.maxAbsErr).toBeLessThan(1e-8);
  });
});
