import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '@scalewise/core';
import { compareExponents } from './compare.js';
import { exponentDifferenceCoverage } from './coverage.js';
import type { GroupRuns } from './grouped.js';

const SIZES = [1e4, 2e4, 4e4, 8e4, 1.6e5];
// The study's design: family A has 3 seeds at its smallest and largest size (5 + 4 runs), family B one run per size.
const DESIGN_A = [...SIZES, SIZES[0]!, SIZES[0]!, SIZES[4]!, SIZES[4]!];

function runs(name: string, sizes: number[], law: (n: number) => number, sigma: number, rng: Rng): GroupRuns {
  return { name, N: sizes, y: sizes.map((n) => law(n) * Math.exp(sigma * rng.normal())) };
}

describe('compareExponents', () => {
  // CI size (400 replicates × 499 resamples, ~2 s per noise model); the bench runs 2,000 × 1,999.
  for (const noise of ['per-family', 'pooled'] as const) {
    it(`power form (${noise} noise): the 95% interval of α_A − α_B covers the truth in 93–97% of seeded synthetic replicates`, () => {
      const { coverage, rejectAtZero } = exponentDifferenceCoverage({ replicates: 400, resamples: 499, seed: 2026, noise });
      expect(coverage).toBeGreaterThanOrEqual(0.93);
      expect(coverage).toBeLessThanOrEqual(0.97);
      // Equal exponents: p < 0.05 in about 5% of replicates.
      expect(rejectAtZero).toBeGreaterThanOrEqual(0.02);
      expect(rejectAtZero).toBeLessThanOrEqual(0.08);
    });
  }

  it('power form: exact on noise-free data up to the noise; interval, p-value and method are consistent', () => {
    const rng = createRng(3);
    const a = runs('deep-thin', DESIGN_A, (n) => 30 * n ** -0.3, 0.005, rng);
    const b = runs('wide-shallow', SIZES, (n) => 20 * n ** -0.2, 0.005, rng);
    const res = compareExponents(a, b, { resamples: 999 });
    expect(res.families).toEqual(['deep-thin', 'wide-shallow']);
    expect(res.alpha[0]).toBeCloseTo(0.3, 1);
    expect(res.alpha[1]).toBeCloseTo(0.2, 1);
    expect(res.difference).toBeCloseTo(res.alpha[0] - res.alpha[1], 15);
    expect(res.ci[0]).toBeLessThan(res.difference);
    expect(res.ci[1]).toBeGreaterThan(res.difference);
    expect(res.ci[0]).toBeGreaterThan(0);
    expect(res.pValue).toBeLessThan(0.01);
    expect(res.resamples + res.failed).toBe(999);
    // The same seed gives the same answer.
    expect(compareExponents(a, b, { resamples: 999 })).toEqual(res);
    // Pairs resampling runs too (and counts single-size resamples it must skip).
    const pairs = compareExponents(a, b, { resamples: 999, resample: 'runs' });
    expect(pairs.ci[0]).toBeLessThan(pairs.difference);
    expect(pairs.method).toMatch(/runs \(pairs\)/);
  });

  it('saturating form (shared E): recovers the difference and separates equal from different exponents', () => {
    const rng = createRng(11);
    const E = 1.1;
    const a = runs('deep-thin', DESIGN_A, (n) => E + 40 * n ** -0.4, 0.004, rng);
    const b = runs('wide-shallow', SIZES, (n) => E + 20 * n ** -0.3, 0.004, rng);
    const res = compareExponents(a, b, { form: 'saturating', resamples: 199 });
    expect(res.form).toBe('saturating');
    expect(res.warnings.join(' ')).toMatch(/covered the true difference in ~90%/);
    expect(res.ci[0]).toBeLessThanOrEqual(0.1);
    expect(res.ci[1]).toBeGreaterThanOrEqual(0.1);
    expect(res.pValue).toBeLessThan(0.05);
    const c = runs('same', SIZES, (n) => E + 50 * n ** -0.4, 0.004, rng);
    const same = compareExponents(a, c, { form: 'saturating', resamples: 199 });
    expect(same.ci[0]).toBeLessThanOrEqual(0);
    expect(same.ci[1]).toBeGreaterThanOrEqual(0);
    expect(same.pValue).toBeGreaterThan(0.05);
  });

  it('rejects bad input with one-line messages', () => {
    const ok = { name: 'a', N: SIZES, y: SIZES.map((n) => n ** -0.3) };
    expect(() => compareExponents(ok, { name: 'b', N: [1e4, 2e4], y: [1, 0.9] })).toThrow(/family 'b': expected at least 3 runs/);
    expect(() => compareExponents(ok, { name: 'b', N: [1e4, 2e4, 4e4], y: [1, Number.NaN, 0.8] })).toThrow(/family 'b', row 2, column 'y'/);
    expect(() => compareExponents(ok, ok)).toThrow(/family 'a' is given twice/);
    expect(() => compareExponents(ok, { ...ok, name: 'b' }, { resamples: 10 })).toThrow(/resamples must be an integer ≥ 99, found 10/);
    expect(() => compareExponents(ok, { ...ok, name: 'b' }, { level: 95 })).toThrow(/level must be in \(0, 1\)/);
    expect(() => compareExponents(ok, { ...ok, name: 'b' })).toThrow(/no finite standard error/);
  });
});
