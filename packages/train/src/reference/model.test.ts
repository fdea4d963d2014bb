import { describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, weightSpecs, type AttentionConfig, type ModelConfig } from '@scalewise/models';
import { Rng } from '@scalewise/core';
import type { TokenBatch } from '../engine.js';
import { finiteDifference, relativeError } from './gradcheck.js';
import { ReferenceModel } from './model.js';

function tiny(attention: AttentionConfig, over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...LLAMA_DEFAULTS,
    name: 'tiny',
    vocabSize: 7,
    dim: 8,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    headDim: 4,
    ffnHidden: 12,
    maxPositions: 16,
    attention,
    ...over,
  };
}

function weights64(config: ModelConfig, seed: number): Map<string, Float64Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float64Array>();
  for (const spec of weightSpecs(config)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const scale = spec.role === 'norm' ? 0.2 : 0.5;
    out.set(
      spec.name,
      Float64Array.from({ length: n }, () => (spec.role === 'norm' ? 1 : 0) + scale * rng.normal()),
    );
  }
  return out;
}

function batchOf(config: ModelConfig, B: number, T: number, seed: number, masked = false): TokenBatch {
  const rng = new Rng(seed);
  const inputs = Int32Array.from({ length: B * T }, () => rng.int(config.vocabSize));
  const targets = Int32Array.from({ length: B * T }, () => rng.int(config.vocabSize));
  const batch: TokenBatch = { batch: B, seq: T, inputs, targets };
  if (masked) batch.mask = Uint8Array.from({ length: B * T }, (_, i) => (i % 3 === 1 ? 0 : 1));
  return batch;
}

const cases: Array<[string, ModelConfig, boolean]> = [
  ['full GQA', tiny({ kind: 'full' }), false],
  ['full MHA, untied head, masked targets', tiny({ kind: 'full' }, { kvHeads: 4, tiedEmbeddings: false }), true],
  ['full MQA, layer sharing ×2', tiny({ kind: 'full' }, { kvHeads: 1, layerRepeat: 2 }), false],
  ['sliding-window', tiny({ kind: 'sliding-window', window: 3 }), false],
  ['block-sparse', tiny({ kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 }), false],
  ['linear', tiny({ kind: 'linear' }), true],
];

describe('whole-model gradients match central finite differences (float64)', () => {
  for (const [label, config, masked] of cases) {
    it(label, () => {
      const model = new ReferenceModel<Float64Array>(config, Float64Array);
      const w = weights64(config, 1);
      const batch = batchOf(config, 2, 6, 2, masked);
      const grads = new Map([...w].map(([k, v]) => [k, new Float64Array(v.length)]));
      const loss = model.lossAndGrad(w, grads, batch, 1);
      expect(Number.isFinite(loss)).toBe(true);
      expect(model.loss(w, batch).meanNats).toBe(loss);
      const f = (): number => model.loss(w, batch).meanNats;
      for (const [name, param] of w) {
        const err = relativeError(grads.get(name)!, finiteDifference(f, param));
        expect(err, name).toBeLessThan(1e-4);
      }
    });
  }

  it('scale multiplies the accumulated gradient, and gradients accumulate across calls', () => {
    const config = tiny({ kind: 'full' });
    const model = new ReferenceModel<Float64Array>(config, Float64Array);
    const w = weights64(config, 3);
    const batch = batchOf(config, 2, 6, 4);
    const g1 = new Map([...w].map(([k, v]) => [k, new Float64Array(v.length)]));
    const g2 = new Map([...w].map(([k, v]) => [k, new Float64Array(v.length)]));
    model.lossAndGrad(w, g1, batch, 1);
    model.lossAndGrad(w, g2, batch, 0.5);
    model.lossAndGrad(w, g2, batch, 0.5);
    for (const [name, a] of g1) expect(relativeError(a, g2.get(name)!), name).toBeLessThan(1e-12);
  });

  it('float32 model agrees with the float64 model', () => {
    const config = tiny({ kind: 'full' });
    const w64 = weights64(config, 5);
    const w32 = new Map([...w64].map(([k, v]) => [k, Float32Array.from(v)]));
    const batch = batchOf(config, 2, 6, 6);
    const l64 = new ReferenceModel<Float64Array>(config, Float64Array).loss(w64, batch).meanNats;
    const l32 = new ReferenceModel<Float32Array>(config, Float32Array).loss(w32, batch).meanNats;
    expect(Math.abs(l64 - l32)).toBeLessThan(1e-5);
  });
});
