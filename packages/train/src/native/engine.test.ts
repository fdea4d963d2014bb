import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '@scalewise/models';
import type { TrainingEngine } from '../engine.js';
import { createReferenceEngine } from '../reference/engine.js';
import { createEngine } from '../engines.js';
import { createNativeEngine } from './index.js';
import { compareWithReference, randomBatch, randomWeights, tinyConfig, zerosLike as zeros } from './testing.js';

/** The masked positions of the comparison batches. */
const unscored = (i: number): boolean => i % 5 === 2;

const engines: TrainingEngine[] = [];
afterAll(async () => {
  for (const e of engines) await e.dispose();
});

const kinds: [string, Partial<ModelConfig>][] = [
  ['full MHA', { heads: 2, kvHeads: 2 }],
  ['full GQA', { heads: 4, kvHeads: 2, headDim: 4, dim: 16 }],
  ['full GQA, d 32 (fused q/k/v and gate/up projections by default)', { heads: 4, kvHeads: 2, headDim: 8, dim: 32, ffnHidden: 24 }],
  ['full MQA, untied, layer sharing ×2', { heads: 2, kvHeads: 1, tiedEmbeddings: false, layerRepeat: 2 }],
  ['sliding-window', { attention: { kind: 'sliding-window', window: 3 } }],
  ['block-sparse', { attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 } }],
  ['linear attention, GQA', { heads: 4, kvHeads: 2, headDim: 4, dim: 16, attention: { kind: 'linear' } }],
  ['linear attention, MQA, layer sharing ×2', { heads: 2, kvHeads: 1, layerRepeat: 2, attention: { kind: 'linear' } }],
];

describe('native engine parity with the reference engine (fp32)', () => {
  for (const [label, overrides] of kinds) {
    it(`${label}: loss and every gradient within 1e-4 relative`, async () => {
      const config = tinyConfig({ vocabSize: 37, maxPositions: 32, ...overrides });
      const weights = randomWeights(config, 11);
      const batch = randomBatch(config, 3, 9, 5, unscored);
      const { mismatches, compared, native, reference } = await compareWithReference(config, weights, batch, engines);
      expect(mismatches).toEqual([]);
      expect(compared).toBe(weights.size);
      const evalN = await native.loss(weights, batch),
        evalR = await reference.loss(weights, batch);
      expect(evalN.count).toBe(evalR.count);
      expect(Math.abs(evalN.meanNats - evalR.meanNats) / evalR.meanNats).toBeLessThan(1e-5);
    });
  }

  // Long sequences, 2 rows: the forms that only apply past a length.
  const long: [string, Partial<ModelConfig>, number][] = [
    [
      'linear attention over 150 positions (chunked form: 2 chunks of 64 and a tail)',
      { maxPositions: 160, heads: 4, kvHeads: 2, headDim: 4, dim: 16, attention: { kind: 'linear' } },
      150,
    ],
    [
      // Causal attention in 4 query chunks (causal-static.ts); ∂V of a chunk with ≥ 16 keys computed as (∂ctxᵀ·P)ᵀ;
      // RoPE tables tiled over the heads.
      "the study's shape (head dim 8, 4 query heads on 1 key head, 128 positions, layer sharing)",
      { maxPositions: 128, heads: 4, kvHeads: 1, headDim: 8, dim: 32, ffnHidden: 24, layerRepeat: 2 },
      128,
    ],
  ];
  for (const [i, [label, overrides, seq]] of long.entries()) {
    it(`${label}: loss and gradients within 1e-4`, async () => {
      const config = tinyConfig({ vocabSize: 37, ...overrides });
      const weights = randomWeights(config, 12 + i);
      const batch = randomBatch(config, 2, seq, 6 + i, unscored);
      const { mismatches, compared } = await compareWithReference(config, weights, batch, engines);
      expect(mismatches).toEqual([]);
      expect(compared).toBe(weights.size);
    });
  }

  it('adds scale × gradient into existing grads and rejects bad batches', async () => {
    const config = tinyConfig();
    const native = await createNativeEngine(config, { threads: 1 });
    engines.push(native);
    const weights = randomWeights(config, 2);
    const batch = randomBatch(config, 2, 4, 9);
    const g1 = zeros(weights),
      g2 = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length).fill(1)]));
    await native.lossAndGrad(weights, g1, batch, 1);
    await native.lossAndGrad(weights, g2, batch, 0.5);
    for (const [name, g] of g1) (g2.get(name) as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(1 + 0.5 * (g[i] as number), 6));
    await expect(native.lossAndGrad(weights, g1, { ...batch, inputs: batch.inputs.map(() => 99) }, 1)).rejects.toThrow(/outside \[0, 11\)/);
    await expect(native.loss(weights, { ...batch, mask: new Uint8Array(8) })).rejects.toThrow(/no scored targets/);
    // The trainer's registry loads this engine lazily by name.
    const viaRegistry = await createEngine('native', config, { threads: 1 });
    engines.push(viaRegistry);
    expect(viaRegistry.name).toBe('native');
    expect(await viaRegistry.lossAndGrad(weights, zeros(weights), batch, 1)).toBeCloseTo(
      await native.lossAndGrad(weights, zeros(weights), batch, 1),
      6,
    );
  });

  it('overwrite stores scale × gradient whatever grads held, equal to zeroing then adding', async () => {
    const config = tinyConfig({ heads: 4, kvHeads: 2, dim: 16 });
    const native = await createNativeEngine(config, { threads: 1 });
    engines.push(native);
    const weights = randomWeights(config, 4);
    const batch = randomBatch(config, 2, 6, 3, unscored);
    const garbage = () => new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length).fill(Number.NaN)]));
    for (const scale of [1, 0.5]) {
      const added = zeros(weights);
      const lossAdded = await native.lossAndGrad(weights, added, batch, scale);
      // Twice into the same arrays: the second run must not add to the first.
      const stored = garbage();
      await native.lossAndGrad(weights, stored, batch, scale, { overwrite: true });
      const lossStored = await native.lossAndGrad(weights, stored, batch, scale, { overwrite: true });
      expect(lossStored).toBe(lossAdded);
      for (const [name, g] of added) {
        const s = stored.get(name) as Float32Array;
        const differing = g.filter((v, i) => v !== s[i]).length; // −0 and +0 compare equal
        expect(differing, `${name} at scale ${scale}`).toBe(0);
      }
    }
    // Views into one buffer (onnxruntime writes at each view's offset, nothing around them).
    const total = [...weights.values()].reduce((a, w) => a + w.length, 0);
    const buffer = new Float32Array(total + 6).fill(-99);
    let offset = 3;
    const views = new Map([...weights].map(([k, w]) => [k, buffer.subarray(offset, (offset += w.length))]));
    await native.lossAndGrad(weights, views, batch, 1, { overwrite: true });
    const added = zeros(weights);
    await native.lossAndGrad(weights, added, batch, 1);
    for (const [name, g] of added) expect(g.filter((v, i) => v !== views.get(name)![i]).length, name).toBe(0);
    expect([...buffer.subarray(0, 3), ...buffer.subarray(total + 3)]).toEqual(new Array(6).fill(-99));
    // Adding after an overwrite accumulates (the trainer's later micro-batches).
    const twice = garbage();
    await native.lossAndGrad(weights, twice, batch, 1, { overwrite: true });
    await native.lossAndGrad(weights, twice, batch, 1);
    const once = zeros(weights);
    await native.lossAndGrad(weights, once, batch, 1);
    for (const [name, g] of once) (twice.get(name) as Float32Array).forEach((v, i) => expect(v, name).toBe(2 * (g[i] as number)));
  });

  it('gives the same loss curve as the reference engine over 30 SGD steps', async () => {
    const config = tinyConfig({ vocabSize: 23, heads: 4, kvHeads: 2, dim: 16 });
    const native = await createNativeEngine(config, { threads: 1 });
    const reference = await createReferenceEngine(config, {});
    engines.push(native, reference);
    const curves: number[][] = [];
    for (const engine of [native, reference]) {
      const weights = randomWeights(config, 4);
      const curve: number[] = [];
      for (let step = 0; step < 30; step++) {
        const grads = zeros(weights);
        curve.push(await engine.lossAndGrad(weights, grads, randomBatch(config, 2, 8, 100 + (step % 3), unscored), 1));
        for (const [name, w] of weights) {
          const g = grads.get(name) as Float32Array;
          for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) - 0.3 * (g[i] as number);
        }
      }
      curves.push(curve);
    }
    const [a, b] = curves as [number[], number[]];
    expect(a[29]!).toBeLessThan(a[0]! - 0.3); // it learns
    a.forEach((v, i) => expect(Math.abs(v - b[i]!) / b[i]!).toBeLessThan(1e-3));
  });
});
