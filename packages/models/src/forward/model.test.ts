import { describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, type AttentionConfig, type ModelConfig } from '../config.js';
import { initWeights } from '../init.js';
import { createRng } from '@scalewise/core';
import type { ModelWeights } from '../weights.js';
import { createDecoder } from './decoder.js';
import { forward } from './model.js';
import { naiveForward } from './naive.test.js';

const KINDS: AttentionConfig[] = [
  { kind: 'full' },
  { kind: 'sliding-window', window: 3 },
  { kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 },
  { kind: 'linear' },
];

function tiny(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...LLAMA_DEFAULTS,
    name: 'tiny',
    vocabSize: 23,
    dim: 16,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    headDim: 4,
    ffnHidden: 24,
    maxPositions: 64,
    attention: { kind: 'full' },
    ...overrides,
  };
}

/** Init with a larger std and non-unit norms, so attention patterns and norm weights matter. */
function weightsFor(c: ModelConfig, seed = 1): ModelWeights {
  const w = initWeights(c, seed, { std: 0.3 });
  const rng = createRng(seed + 100);
  for (const [name, t] of w) if (name.endsWith('norm.weight')) for (let i = 0; i < t.length; i++) t[i] = 0.5 + rng.next();
  return w;
}

function tokens(n: number, vocab: number, seed = 7): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n }, () => rng.int(vocab));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('forward matches an independent naive float64 implementation', () => {
  for (const attention of KINDS) {
    for (const variant of [{}, { tiedEmbeddings: false, layerRepeat: 2, kvHeads: 1 }] as Partial<ModelConfig>[]) {
      it(`${attention.kind} ${JSON.stringify(variant)}`, () => {
        const c = tiny({ attention, ...variant });
        const w = weightsFor(c);
        const toks = tokens(9, c.vocabSize);
        const fast = forward(c, w, toks);
        const slow = naiveForward(c, w, [...toks]).flat();
        expect(maxAbsDiff(fast, slow)).toBeLessThan(2e-5);
        expect(Math.max(...slow.map(Math.abs))).toBeGreaterThan(0.1); // logits are not trivially ~0
      });
    }
  }
});

describe('causality: changing token t+1 never changes logits at positions ≤ t', () => {
  for (const attention of KINDS) {
    it(attention.kind, () => {
      const c = tiny({ attention, layerRepeat: 2 });
      const w = weightsFor(c);
      const a = tokens(10, c.vocabSize);
      const base = forward(c, w, a);
      for (const j of [1, 5, 9]) {
        const b = a.slice();
        b[j] = (b[j]! + 1) % c.vocabSize;
        const changed = forward(c, w, b);
        const V = c.vocabSize;
        expect(changed.subarray(0, j * V)).toEqual(base.subarray(0, j * V));
        expect(maxAbsDiff(changed.subarray(j * V), base.subarray(j * V))).toBeGreaterThan(1e-6);
      }
    });
  }
});

describe('head sharing', () => {
  it('GQA with K/V heads duplicated into MHA gives the same logits', () => {
    const gqa = tiny({ heads: 4, kvHeads: 2 });
    const mha = tiny({ heads: 4, kvHeads: 4 });
    const w = weightsFor(gqa);
    const wm: ModelWeights = new Map(w);
    const rowLen = gqa.dim * gqa.headDim;
    for (let i = 0; i < gqa.layers; i++) {
      for (const p of ['k_proj', 'v_proj']) {
        const src = w.get(`model.layers.${i}.self_attn.${p}.weight`)!;
        const dup = new Float32Array(mha.kvHeads * rowLen);
        // Query head h reads KV head ⌊h / 2⌋: KV head j serves query heads 2j and 2j+1.
        for (let h = 0; h < 4; h++) dup.set(src.subarray(Math.floor(h / 2) * rowLen, (Math.floor(h / 2) + 1) * rowLen), h * rowLen);
        wm.set(`model.layers.${i}.self_attn.${p}.weight`, dup);
      }
    }
    const toks = tokens(8, gqa.vocabSize);
    expect(maxAbsDiff(forward(gqa, w, toks), forward(mha, wm, toks))).toBeLessThan(1e-6);
  });

  it('MQA (kvHeads 1) equals MHA with the single K/V head copied to every head', () => {
    const mqa = tiny({ kvHeads: 1 });
    const mha = tiny({ kvHeads: 4 });
    const w = weightsFor(mqa);
    const wm: ModelWeights = new Map(w);
    for (let i = 0; i < mqa.layers; i++) {
      for (const p of ['k_proj', 'v_proj']) {
        const src = w.get(`model.layers.${i}.self_attn.${p}.weight`)!;
        const dup = new Float32Array(4 * src.length);
        for (let h = 0; h < 4; h++) dup.set(src, h * src.length);
        wm.set(`model.layers.${i}.self_attn.${p}.weight`, dup);
      }
    }
    const toks = tokens(8, mqa.vocabSize);
    expect(maxAbsDiff(forward(mqa, w, toks), forward(mha, wm, toks))).toBeLessThan(1e-6);
  });
});

describe('attention kinds reduce to full attention when nothing is masked', () => {
  const T = 12;
  const full = tiny();
  const w = weightsFor(full);
  const toks = tokens(T, full.vocabSize);
  const ref = forward(full, w, toks);
  it('sliding window ≥ T equals full', () => {
    expect(forward(tiny({ attention: { kind: 'sliding-window', window: T } }), w, toks)).toEqual(ref);
    expect(maxAbsDiff(forward(tiny({ attention: { kind: 'sliding-window', window: 4 } }), w, toks), ref)).toBeGreaterThan(1e-4);
  });
  it('block-sparse covering every block equals full', () => {
    expect(forward(tiny({ attention: { kind: 'block-sparse', blockSize: 4, localBlocks: 3, globalTokens: 0 } }), w, toks)).toEqual(ref);
    expect(forward(tiny({ attention: { kind: 'block-sparse', blockSize: 1, localBlocks: 1, globalTokens: T } }), w, toks)).toEqual(ref);
  });
});

describe('weight sharing and tying', () => {
  it('layerRepeat 2 of one block equals two blocks with identical weights', () => {
    const ls = tiny({ layers: 1, layerRepeat: 2 });
    const two = tiny({ layers: 2, layerRepeat: 1 });
    const w = weightsFor(ls);
    const w2: ModelWeights = new Map(w);
    for (const [name, t] of w) if (name.startsWith('model.layers.0.')) w2.set(name.replace('layers.0.', 'layers.1.'), t);
    const toks = tokens(6, ls.vocabSize);
    expect(forward(ls, w, toks)).toEqual(forward(two, w2, toks));
  });

  it('tied embeddings equal an untied head holding a copy of the embedding', () => {
    const tied = tiny();
    const w = weightsFor(tied);
    const untied = new Map(w).set('lm_head.weight', w.get('model.embed_tokens.weight')!.slice());
    const toks = tokens(5, tied.vocabSize);
    expect(forward(tiny({ tiedEmbeddings: false }), untied, toks)).toEqual(forward(tied, w, toks));
  });
});

describe('incremental decoding', () => {
  for (const attention of KINDS) {
    it(`decoder.step equals the full forward for ${attention.kind} (with layer sharing, past the cache's first growth)`, () => {
      const c = tiny({ attention, layerRepeat: 2, maxPositions: 80 });
      const w = weightsFor(c);
      const toks = tokens(70, c.vocabSize);
      const full = forward(c, w, toks);
      const dec = createDecoder(c, w);
      let worst = 0;
      for (let t = 0; t < toks.length; t++) {
        const logits = dec.step(toks[t]!);
        worst = Math.max(worst, maxAbsDiff(logits, full.subarray(t * c.vocabSize, (t + 1) * c.vocabSize)));
      }
      expect(worst).toBeLessThan(1e-5);
      expect(dec.position).toBe(70);
      dec.reset();
      expect(maxAbsDiff(dec.prefill(toks.subarray(0, 3)), full.subarray(2 * c.vocabSize, 3 * c.vocabSize))).toBeLessThan(1e-5);
    });
  }
});

describe('input errors', () => {
  const c = tiny();
  const w = weightsFor(c);
  it('rejects out-of-range tokens, too-long input and missing tensors, naming them', () => {
    expect(() => forward(c, w, [1, 23])).toThrow(/token 1 is 23; expected an integer id in \[0, 23\)/);
    expect(() => forward(c, w, new Int32Array(65))).toThrow(/65 tokens exceed maxPositions 64/);
    const missing = new Map(w);
    missing.delete('model.layers.1.mlp.up_proj.weight');
    expect(() => forward(c, missing, [1])).toThrow(/missing tensor model\.layers\.1\.mlp\.up_proj\.weight \[24, 16\]/);
    const dec = createDecoder(tiny({ maxPositions: 2 }), w);
    dec.prefill([1, 2]);
    expect(() => dec.step(3)).toThrow(/reached maxPositions 2/);
  });
});
