import { describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, type AttentionConfig, type ModelConfig } from '../config.js';
import { allowed } from '../forward/naive.test.js';
import { initWeights } from '../init.js';
import { getPreset } from '../presets.js';
import { weightSpecs } from '../weights.js';
import { keyCount, meanKeyCount, totalKeyCount } from './attention-span.js';
import { flopsPerToken } from './flops.js';
import { cachedPositions, kvCacheBytes, trainingMemory, weightBytes } from './memory.js';
import { paramCounts } from './params.js';

// Published counts (facebookresearch/MobileLLM, tied embeddings; ../shared/README.md).
const PUBLISHED: [string, number][] = [
  ['mobilellm-125m', 124_635_456],
  ['mobilellm-350m', 345_355_200],
  ['mobilellm-600m', 603_188_352],
  ['mobilellm-1b', 1_005_461_760],
];

const tiny = (attention: AttentionConfig = { kind: 'full' }, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  ...LLAMA_DEFAULTS,
  name: 't',
  vocabSize: 50,
  dim: 24,
  layers: 3,
  heads: 6,
  kvHeads: 2,
  headDim: 4,
  ffnHidden: 40,
  attention,
  ...extra,
});

describe('parameter counts', () => {
  for (const [name, expected] of PUBLISHED) {
    it(`${name} has exactly ${expected.toLocaleString('en')} parameters`, () => {
      const p = paramCounts(getPreset(name));
      expect(p.total).toBe(expected);
      expect(p.embedding).toBe(32000 * getPreset(name).dim);
      expect(p.nonEmbedding + p.embedding).toBe(p.total);
    });
  }

  it('layer sharing keeps the count; untying adds vocab·dim', () => {
    expect(paramCounts(getPreset('mobilellm-ls-125m')).total).toBe(124_635_456);
    expect(paramCounts({ ...getPreset('mobilellm-125m'), tiedEmbeddings: false }).total).toBe(124_635_456 + 32000 * 576);
  });

  it('equals the sum of the tensor sizes of weightSpecs and of initWeights, tied or not', () => {
    for (const c of [tiny(), tiny({ kind: 'full' }, { tiedEmbeddings: false, kvHeads: 6 })]) {
      const fromSpecs = weightSpecs(c).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
      const fromInit = [...initWeights(c, 1).values()].reduce((s, t) => s + t.length, 0);
      expect(paramCounts(c).total).toBe(fromSpecs);
      expect(fromInit).toBe(fromSpecs);
    }
  });
});

/** FLOPs counted independently: 2·out·in per linear tensor per token, and masked key pairs by brute force. */
function bruteFlops(c: ModelConfig, T: number): number {
  let linear = 0;
  for (const s of weightSpecs(c)) {
    if (s.role !== 'linear') continue;
    linear += 2 * s.shape[0]! * s.shape[1]! * (s.name.startsWith('model.layers.') ? c.layerRepeat : 1);
  }
  if (c.tiedEmbeddings) linear += 2 * c.vocabSize * c.dim;
  let pairs = 0;
  for (let t = 0; t < T; t++) for (let s = 0; s < T; s++) if (allowed(c.attention, t, s)) pairs++;
  return linear + (c.layers * c.layerRepeat * 4 * c.heads * c.headDim * pairs) / T;
}

describe('FLOPs per token', () => {
  const kinds: AttentionConfig[] = [
    { kind: 'full' },
    { kind: 'sliding-window', window: 7 },
    { kind: 'block-sparse', blockSize: 8, localBlocks: 2, globalTokens: 4 },
  ];
  for (const attention of kinds) {
    it(`${attention.kind}: per-family sum equals an independent count from tensor shapes and the mask`, () => {
      for (const extra of [{}, { layerRepeat: 2, tiedEmbeddings: false }]) {
        const c = tiny(attention, extra);
        const f = flopsPerToken(c, 50);
        expect(f.forward.total).toBeCloseTo(bruteFlops(c, 50), 6);
        expect(f.train.total).toBeCloseTo(3 * f.forward.total, 6);
      }
    });
  }

  it('linear attention costs the same at every context length', () => {
    const c = tiny({ kind: 'linear' });
    expect(flopsPerToken(c, 10).forward.total).toBe(flopsPerToken(c, 10_000).forward.total);
    // KV=2 heads update S (2·16 + 4) and 6 query heads read out (2·16 + 2·4), per layer.
    expect(flopsPerToken(c, 10).forward.attentionScores).toBe(3 * (2 * 36 + 6 * 40));
  });

  it('PaLM approximation for MobileLLM-125M at T = 2048, beside the exact count', () => {
    const f = flopsPerToken(getPreset('mobilellm-125m'), 2048);
    expect(f.palm.train).toBe(6 * 124_635_456 + 12 * 30 * 9 * 64 * 2048);
    expect(f.palm.forward).toBe(2 * 124_635_456 + 4 * 30 * 9 * 64 * 2048);
    // Exact count differs from 2N by the unused embedding lookup/norm weights and by causal halving.
    const noAttention = f.forward.total - f.forward.attentionScores;
    expect(noAttention).toBe(2 * (124_635_456 - 576 * 61));
    expect(f.forward.attentionScores).toBe(30 * 4 * 9 * 64 * (2049 / 2));
  });

  it('rejects a non-positive context', () => {
    expect(() => flopsPerToken(tiny(), 0)).toThrow(/context must be a positive integer/);
  });
});

describe('memory', () => {
  it('weights by dtype', () => {
    expect(weightBytes(getPreset('mobilellm-125m'))).toEqual({ fp32: 498_541_824, fp16: 249_270_912, int8: 124_635_456, int4: 62_317_728 });
  });

  it('KV cache: 2·L·KV·hd·T·batch·bytes, doubled by layer sharing, capped by a window', () => {
    expect(kvCacheBytes(getPreset('mobilellm-125m'), 2048, 1, 'fp16')).toBe(2 * 30 * 3 * 64 * 2048 * 2);
    expect(kvCacheBytes(getPreset('mobilellm-ls-125m'), 2048, 4, 'fp32')).toBe(2 * 60 * 3 * 64 * 2048 * 4 * 4);
    const sw = { ...getPreset('mobilellm-125m'), attention: { kind: 'sliding-window', window: 256 } as const };
    expect(kvCacheBytes(sw, 2048)).toBe(kvCacheBytes(getPreset('mobilellm-125m'), 256));
    const lin = { ...getPreset('mobilellm-125m'), attention: { kind: 'linear' } as const };
    expect(kvCacheBytes(lin, 100)).toBe(kvCacheBytes(lin, 100_000));
  });

  it('block-sparse cache: every position up to G + L·b, then G globals + the last L·b, never fewer than any query reaches', () => {
    const c = tiny({ kind: 'block-sparse', blockSize: 8, localBlocks: 2, globalTokens: 4 });
    for (const T of [3, 20, 33, 100]) {
      let most = 0;
      for (let t = 0; t < T; t++) {
        let n = 0;
        for (let s = 0; s < T; s++) if (allowed(c.attention, t, s)) n++;
        most = Math.max(most, n);
      }
      expect(cachedPositions(c, T)).toBe(Math.min(T, 4 + 2 * 8));
      expect(cachedPositions(c, T)).toBeGreaterThanOrEqual(most);
      if (T >= 33) expect(cachedPositions(c, T)).toBe(most);
    }
  });

  it('training memory grows linearly in batch and includes 16 bytes per parameter for weights, grads and AdamW', () => {
    const c = getPreset('mobilellm-125m');
    const one = trainingMemory(c, 512, 1);
    const two = trainingMemory(c, 512, 2);
    expect(two.activations).toBe(2 * one.activations);
    expect(one.weightsGradsOptimizer).toBe(16 * 124_635_456);
    expect(trainingMemory(c, 1024, 1).activations).toBeGreaterThan(2 * one.activations); // attention probs grow as T²
  });
});

describe('closed-form key counts (issue #20: no per-position loops in the accounting)', () => {
  const kinds: AttentionConfig[] = [
    { kind: 'full' },
    ...[1, 2, 3, 7, 16].map((window): AttentionConfig => ({ kind: 'sliding-window', window })),
    ...[
      [1, 1, 0],
      [2, 1, 3],
      [3, 2, 4],
      [4, 2, 0],
      [4, 3, 9],
      [5, 1, 5],
      [2, 4, 100],
      [3, 1, 2],
    ].map(([blockSize, localBlocks, globalTokens]): AttentionConfig => ({
      kind: 'block-sparse',
      blockSize: blockSize!,
      localBlocks: localBlocks!,
      globalTokens: globalTokens!,
    })),
  ];

  it('equals the per-position sum and maximum for every kind and context 1..60', () => {
    for (const attention of kinds) {
      let sum = 0;
      let most = 0;
      for (let T = 1; T <= 60; T++) {
        const k = keyCount(attention, T - 1);
        sum += k;
        most = Math.max(most, k);
        expect(totalKeyCount(attention, T), `${JSON.stringify(attention)} T=${T}`).toBe(sum);
        expect(meanKeyCount(attention, T)).toBeCloseTo(sum / T, 12);
        const held = cachedPositions(tiny(attention), T);
        if (attention.kind === 'block-sparse') {
          // The exported cache: whole up to G + L·b positions, then G + L·b (at least what any query reaches).
          expect(held).toBe(Math.min(T, attention.globalTokens + attention.localBlocks * attention.blockSize));
          expect(held).toBeGreaterThanOrEqual(most);
        } else {
          expect(held, `${JSON.stringify(attention)} T=${T}`).toBe(most);
        }
      }
    }
  });

  it('answers at once for a context of 1e15 tokens, with finite figures', () => {
    const started = performance.now();
    for (const attention of kinds) {
      const c = tiny(attention);
      expect(Number.isFinite(flopsPerToken(c, 1e15).forward.total)).toBe(true);
      expect(Number.isFinite(trainingMemory(c, 1e15).total)).toBe(true);
      expect(Number.isFinite(kvCacheBytes(c, 1e15))).toBe(true);
    }
    expect(performance.now() - started).toBeLessThan(500);
    // Sliding window: the mean tends to the window size.
    expect(meanKeyCount({ kind: 'sliding-window', window: 16 }, 1e15)).toBeCloseTo(16, 6);
  });
});
