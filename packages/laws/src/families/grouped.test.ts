import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { fitGrouped, predictGrouped, type GroupRuns } from './grouped.js';

const SIZES = [1e4, 2e4, 4e4, 8e4, 1.6e5];
const TRUTH = {
  E: 1.1,
  families: [
    { name: 'deep-thin', A: 40, alpha: 0.36 },
    { name: 'wide-shallow', A: 30, alpha: 0.31 },
    { name: 'layer-shared', A: 55, alpha: 0.4 },
  ],
};

function synthetic(seed: number, sigma: number, sizes = SIZES): GroupRuns[] {
  const rng = createRng(seed);
  return TRUTH.families.map((f) => {
    const N = [...sizes, sizes[0]!, sizes[0]!, sizes.at(-1)!, sizes.at(-1)!];
    return { name: f.name, N, y: N.map((n) => (TRUTH.E + f.A * n ** -f.alpha) * Math.exp(sigma * rng.normal())) };
  });
}

describe('fitGrouped', () => {
  it('recovers the exact parameters from noise-free data over a wide size range', () => {
    const fit = fitGrouped(synthetic(1, 0, [1e4, 1e5, 1e6, 1e7, 1e8]), { intervals: false });
    expect(fit.E).toBeCloseTo(TRUTH.E, 5);
    fit.groups.forEach((g, i) => {
      expect(g.name).toBe(TRUTH.families[i]!.name);
      expect(g.alpha).toBeCloseTo(TRUTH.families[i]!.alpha, 5);
      expect(g.A / TRUTH.families[i]!.A).toBeCloseTo(1, 4);
    });
    expect(fit.objective).toBeLessThan(1e-12);
  });

  it('recovers known parameters from noisy data, with profile intervals that cover them', () => {
    let covered = 0;
    let total = 0;
    for (let seed = 0; seed < 6; seed++) {
      const fit = fitGrouped(synthetic(100 + seed, 0.01));
      expect(fit.paramNames).toEqual([
        'E',
        'A[deep-thin]',
        'A[wide-shallow]',
        'A[layer-shared]',
        'alpha[deep-thin]',
        'alpha[wide-shallow]',
        'alpha[layer-shared]',
      ]);
      expect(fit.dof).toBe(27 - 7);
      expect(fit.sigma).toBeGreaterThan(0.005);
      expect(fit.sigma).toBeLessThan(0.02);
      // Exponent differences are what a study reads: they come out within 0.05 of the truth.
      const d = fit.groups[0]!.alpha - fit.groups[1]!.alpha;
      expect(Math.abs(d - 0.05)).toBeLessThan(0.05);
      const truth: Record<string, number> = { E: TRUTH.E };
      TRUTH.families.forEach((f) => {
        truth[`A[${f.name}]`] = f.A;
        truth[`alpha[${f.name}]`] = f.alpha;
      });
      for (const [name, value] of Object.entries(truth)) {
        const [lo, hi] = fit.ci[name]!;
        expect(lo).toBeLessThan(hi);
        total++;
        if (lo <= value && value <= hi) covered++;
      }
      expect(predictGrouped(fit, 'deep-thin', 1e4)).toBeCloseTo(fit.E + fit.groups[0]!.A * 1e4 ** -fit.groups[0]!.alpha, 12);
    }
    // 42 nominal-95% intervals: at most a few misses.
    expect(covered / total).toBeGreaterThanOrEqual(0.85);
  });

  it('rejects bad input with messages naming the family, row and column', () => {
    expect(() => fitGrouped([])).toThrow(/at least one family/);
    expect(() => fitGrouped([{ name: 'a', N: [1, 2], y: [1] }])).toThrow(/family 'a': N has 2 values but y has 1/);
    expect(() => fitGrouped([{ name: 'a', N: [1e4, 2e4, -3], y: [3, 2, 1] }])).toThrow(
      /family 'a', row 3, column 'N': expected a finite positive number, found -3/,
    );
    expect(() => fitGrouped([{ name: 'a', N: [1e4, 1e4, 1e4], y: [3, 2, 1] }])).toThrow(/2 or more distinct sizes/);
    expect(() => fitGrouped([{ name: 'a', N: [1e4, 2e4], y: [3, 2] }])).toThrow(/3 parameters .* only 2 runs/);
    expect(() =>
      fitGrouped([
        { name: 'a', N: [1e4, 2e4, 4e4], y: [3, 2, 1] },
        { name: 'a', N: [1e4, 2e4], y: [3, 2] },
      ]),
    ).toThrow(/family 'a' is given twice/);
  });
});
