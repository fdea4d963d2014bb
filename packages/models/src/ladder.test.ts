import { describe, expect, it } from 'vitest';
import { paramCounts } from './accounting/params.js';
import { validateConfig } from './config.js';
import { generateLadder } from './ladder.js';

describe('generateLadder', () => {
  it('tiny byte-level models (vocab 259) from 10k to 10M params, deep and thin, within a few % above 100k', () => {
    const targets = [1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7];
    const rungs = generateLadder(targets, { vocabSize: 259 });
    rungs.forEach((r, i) => {
      expect(r.target).toBe(targets[i]);
      expect(validateConfig(r.config)).toBe(r.config);
      expect(paramCounts(r.config).total).toBe(r.achieved);
      expect(r.relativeError).toBeCloseTo((r.achieved - r.target) / r.target, 12);
      expect(Math.abs(r.relativeError)).toBeLessThan(r.target >= 1e5 ? 0.15 : 0.5);
      expect(r.config.dim % r.config.headDim).toBe(0);
      expect(r.config.heads % r.config.kvHeads).toBe(0);
    });
    // Grows monotonically in both depth and width.
    for (let i = 1; i < rungs.length; i++) {
      expect(rungs[i]!.config.dim).toBeGreaterThanOrEqual(rungs[i - 1]!.config.dim);
      expect(rungs[i]!.config.layers).toBeGreaterThanOrEqual(rungs[i - 1]!.config.layers);
    }
  });

  it('real sizes land near the target with a MobileLLM-like aspect ratio', () => {
    for (const r of generateLadder([125e6, 350e6, 1e9])) {
      expect(Math.abs(r.relativeError)).toBeLessThan(0.05);
      expect(r.config.headDim).toBe(64);
      const ratio = r.config.dim / r.config.layers;
      expect(ratio).toBeGreaterThan(18);
      expect(ratio).toBeLessThan(32);
    }
  });

  it('fixed depth and fixed width policies keep their dimension and hit the target closely', () => {
    const depth = generateLadder([2e6, 8e6], { vocabSize: 259, policy: { kind: 'fixed-depth', layers: 12 } });
    for (const r of depth) {
      expect(r.config.layers).toBe(12);
      expect(Math.abs(r.relativeError)).toBeLessThan(0.15);
    }
    const width = generateLadder([5e6, 2e7], { vocabSize: 259, policy: { kind: 'fixed-width', dim: 256 } });
    for (const r of width) {
      expect(r.config.dim).toBe(256);
      // One layer of dim 256 is ~0.7M params, so the error is at most half a layer.
      expect(Math.abs(r.achieved - r.target)).toBeLessThanOrEqual(paramCounts(r.config).perLayer / 2);
    }
  });

  it('targets non-embedding counts when asked, and rejects bad input', () => {
    const [r] = generateLadder(1e6, { count: 'non-embedding' });
    expect(r!.achieved).toBe(paramCounts(r!.config).nonEmbedding);
    expect(() => generateLadder(-5)).toThrow(/target parameter count must be a positive number, found -5/);
    expect(() => generateLadder(1e6, { policy: { kind: 'fixed-depth', layers: 0 } })).toThrow(/layers must be a positive integer/);
    expect(() => generateLadder(1e6, { policy: { kind: 'fixed-width', dim: 100 } })).toThrow(/dim 100 must be a multiple of headDim 16/);
  });
});
