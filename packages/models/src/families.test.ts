import { describe, expect, it } from 'vitest';
import { paramCounts } from './accounting/params.js';
import { validateConfig } from './config.js';
import { FAMILIES, FAMILY_NAMES, familyLadder } from './families.js';

// Byte-level study sizes (non-embedding), 5 rungs spaced ×2 = 16×, and published-scale sizes with vocab 32000.
const TINY = [1e4, 2e4, 4e4, 8e4, 1.6e5];
const REAL = [6e7, 1.2e8, 2.4e8, 4.8e8, 9.6e8];

describe('familyLadder', () => {
  it('every family hits the same non-embedding targets within the tolerance, at tiny and real scale', () => {
    for (const family of FAMILY_NAMES) {
      for (const [targets, opts] of [
        [TINY, { ratioScale: 1 / 3 }],
        [REAL, { vocabSize: 32000 }],
      ] as const) {
        const rungs = familyLadder(family, [...targets], opts);
        expect(rungs).toHaveLength(5);
        rungs.forEach((r, i) => {
          expect(r.family).toBe(family);
          expect(r.target).toBe(targets[i]);
          expect(validateConfig(r.config)).toBe(r.config);
          expect(paramCounts(r.config).nonEmbedding).toBe(r.achieved);
          expect(Math.abs(r.relativeError)).toBeLessThanOrEqual(0.12);
          if (i > 0) expect(r.achieved).toBeGreaterThan(rungs[i - 1]!.achieved);
        });
        // 5 sizes spanning 16× in targets; achieved counts span at least 16·(1 − 0.12)/(1 + 0.12).
        expect(rungs.at(-1)!.achieved / rungs[0]!.achieved).toBeGreaterThanOrEqual((16 * 0.88) / 1.12);
      }
    }
  });

  it('deep-thin is deeper and narrower than wide-shallow at the same N; at real scale each sits at its published ratio', () => {
    const deep = familyLadder('deep-thin', REAL, { vocabSize: 32000 });
    const wide = familyLadder('wide-shallow', REAL, { vocabSize: 32000 });
    deep.forEach((d, i) => {
      const w = wide[i]!;
      expect(d.config.layers).toBeGreaterThan(w.config.layers);
      expect(d.config.dim).toBeLessThan(w.config.dim);
      // MobileLLM 19–30 (±25% search band around 24) versus GPT-2/OPT 64–100.
      expect(d.aspect).toBeGreaterThanOrEqual(18);
      expect(d.aspect).toBeLessThanOrEqual(30);
      expect(w.aspect).toBeGreaterThanOrEqual(48);
      expect(w.aspect).toBeLessThanOrEqual(100);
    });
    const tinyDeep = familyLadder('deep-thin', TINY, { ratioScale: 1 / 3 });
    const tinyWide = familyLadder('wide-shallow', TINY, { ratioScale: 1 / 3 });
    let strictlyDeeper = 0;
    tinyDeep.forEach((d, i) => {
      expect(d.config.layers).toBeGreaterThanOrEqual(tinyWide[i]!.config.layers);
      expect(d.config.dim).toBeLessThanOrEqual(tinyWide[i]!.config.dim);
      if (d.config.layers > tinyWide[i]!.config.layers) strictlyDeeper++;
    });
    expect(strictlyDeeper).toBeGreaterThanOrEqual(4);
  });

  it('layer-shared is its deep-thin twin with every block applied twice (same unique parameters, twice the depth)', () => {
    for (const [targets, opts] of [
      [TINY, { ratioScale: 1 / 3 }],
      [REAL, { vocabSize: 32000 }],
    ] as const) {
      const deep = familyLadder('deep-thin', [...targets], opts);
      const shared = familyLadder('layer-shared', [...targets], opts);
      shared.forEach((s, i) => {
        const d = deep[i]!;
        expect(s.config.layerRepeat).toBe(2);
        expect(d.config.layerRepeat).toBe(1);
        expect({ ...s.config, layerRepeat: 1, name: '' }).toEqual({ ...d.config, name: '' });
        expect(paramCounts(s.config)).toEqual(paramCounts(d.config));
        expect(s.achieved).toBe(d.achieved);
        expect(s.config.name).toMatch(/^layer-shared-/);
      });
    }
    expect(FAMILIES['layer-shared'].twinOf).toBe('deep-thin');
  });

  it('GQA families share KV heads, the mha family does not', () => {
    for (const family of ['deep-thin', 'wide-shallow', 'layer-shared'] as const) {
      for (const r of familyLadder(family, TINY, { ratioScale: 1 / 3 })) expect(r.config.kvHeads).toBeLessThan(r.config.heads);
    }
    for (const r of familyLadder('mha', [...TINY, ...REAL])) expect(r.config.kvHeads).toBe(r.config.heads);
    // MobileLLM-125M's own proportions: 3 query heads per KV head at real scale where the head count allows it.
    const [r125] = familyLadder('deep-thin', 1.2e8, { vocabSize: 32000 });
    expect(r125!.config.heads / r125!.config.kvHeads).toBeGreaterThanOrEqual(2);
  });

  it('rejects unknown families and bad targets or options with one-line messages', () => {
    expect(() => familyLadder('moe', TINY)).toThrow(/family: expected one of deep-thin, wide-shallow, layer-shared, mha, found 'moe'/);
    expect(() => familyLadder('deep-thin', [1e4, -1])).toThrow(/target parameter count must be a positive number, found -1/);
    expect(() => familyLadder('deep-thin', TINY, { tolerance: 0 })).toThrow(/tolerance must be > 0/);
    expect(() => familyLadder('deep-thin', TINY, { ratioScale: Number.NaN })).toThrow(/ratioScale must be > 0/);
  });
});
