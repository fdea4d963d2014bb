import { createRng } from '@scalewise/core';
import { describe, expect, it } from 'vitest';
import { bootstrapFit, bootstrapQuantity, bootstrapTail, orderQuantile } from './bootstrap.js';
import { customForm } from './custom/form.js';
import { normalCdf } from './distributions.js';
import { fitLaw } from './fit.js';

describe('bootstrapTail', () => {
  it('plain percentiles take (1 − level)/2 whatever n and k', () => {
    expect(bootstrapTail(0.95, 'percentile', 40, 3)).toBeCloseTo(0.025, 12);
    expect(bootstrapTail(0.9, 'percentile', 12, 5)).toBeCloseTo(0.05, 12);
  });

  it('expanded percentiles sit at Φ(−√(n/(n−k))·t_{n−k}) and tend to the plain ones as n grows', () => {
    // n = 40, k = 3: √(40/37) · t_{0.975, 37} = 1.0398 · 2.0262 = 2.1068 → 1.76%.
    const tail = bootstrapTail(0.95, 'expanded', 40, 3);
    expect(tail).toBeCloseTo(1 - normalCdf(Math.sqrt(40 / 37) * 2.026192), 5);
    expect(tail).toBeGreaterThan(0.017);
    expect(tail).toBeLessThan(0.0182);
    // Fewer rows per parameter: further out; many rows: back to 2.5%.
    expect(bootstrapTail(0.95, 'expanded', 10, 3)).toBeLessThan(tail);
    expect(bootstrapTail(0.95, 'expanded', 1e6, 3)).toBeCloseTo(0.025, 4);
  });

  it('has nothing to correct without residual degrees of freedom', () => {
    expect(bootstrapTail(0.95, 'expanded', 3, 3)).toBeCloseTo(0.025, 12);
  });
});

describe('orderQuantile', () => {
  it('takes the ((B + 1)·q)-th order statistic, interpolated and clamped to the sample', () => {
    const sorted = Float64Array.from({ length: 199 }, (_, i) => i + 1);
    expect(orderQuantile(sorted, 0.025)).toBe(5);
    expect(orderQuantile(sorted, 0.975)).toBe(195);
    expect(orderQuantile(sorted, 0.0275)).toBeCloseTo(5.5, 12);
    expect(orderQuantile(sorted, 1e-4)).toBe(1);
    expect(orderQuantile(sorted, 1 - 1e-4)).toBe(199);
    expect(orderQuantile([], 0.5)).toBeNaN();
  });
});

describe('bootstrapFit: which interval', () => {
  const truth = { E: 1.5, A: 6, alpha: 0.4 };
  const x = Array.from({ length: 20 }, (_, i) => 10 ** (1 + (3 * i) / 19));
  const rng = createRng(5);
  const y = x.map((xi) => (truth.E + truth.A * xi ** -truth.alpha) * Math.exp(0.02 * rng.normal()));

  it('least-squares fits get expanded percentiles: the same refits, an interval containing the plain one', () => {
    const form = customForm('E + A*x^(-alpha)', { bounds: ['E>0', 'A>0'], starts: ['E=1', 'A=5', 'alpha=0.5'] });
    const fit = fitLaw({ x, y }, { form, intervals: false });
    const expanded = bootstrapFit({ x, y }, fit, { form }, { resamples: 60, seed: 1 });
    const plain = bootstrapFit({ x, y }, fit, { form }, { resamples: 60, seed: 1, interval: 'percentile' });
    expect(expanded.interval).toBe('expanded');
    expect(expanded.tail).toBeCloseTo(bootstrapTail(0.95, 'expanded', 20, 3), 12);
    expect(expanded.method).toBe('expanded percentile, 1.1%–98.9% for n = 20, k = 3');
    expect(plain.method).toBe('percentile, 2.5%–97.5%');
    expect(Array.from(expanded.samples)).toEqual(Array.from(plain.samples));
    for (const name of form.params) {
      const [lo, hi] = expanded.ci[name]!;
      expect(lo).toBeLessThan(plain.ci[name]![0]);
      expect(hi).toBeGreaterThan(plain.ci[name]![1]);
      // A derived quantity is taken as the parameters were: the parameter itself gives back its interval.
      const j = form.params.indexOf(name);
      expect(bootstrapQuantity(expanded, (v) => v[j]!)).toEqual([lo, hi]);
    }
    // Another level recomputes the expansion for it.
    const [lo90, hi90] = bootstrapQuantity(expanded, (v) => v[2]!, 0.9);
    expect(hi90 - lo90).toBeLessThan(expanded.ci.alpha![1] - expanded.ci.alpha![0]);
  });

  it('Huber fits keep plain percentiles (their pairs bootstrap is not the least-squares one the expansion corrects)', () => {
    const form = customForm('E + A*x^(-alpha)', {
      bounds: ['E>0', 'A>0'],
      starts: ['E=1', 'A=5', 'alpha=0.5'],
      loss: 'huber',
      delta: 0.01,
    });
    const fit = fitLaw({ x, y }, { form, intervals: false });
    const boot = bootstrapFit({ x, y }, fit, { form }, { resamples: 20, seed: 2 });
    expect(boot.interval).toBe('percentile');
    expect(boot.tail).toBeCloseTo(0.025, 12);
  });
});
