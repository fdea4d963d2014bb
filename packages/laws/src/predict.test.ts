import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { bootstrapFit } from './bootstrap.js';
import { customForm } from './custom/form.js';
import { datasets } from './datasets.js';
import { fitLaw } from './fit.js';
import { power } from './forms.js';
import { fitPowerOls, powerPredictionInterval } from './ols.js';
import { predictWithIntervals } from './predict.js';
import { simulate } from './simulate.js';

const logSpaced = (lo: number, hi: number, k: number): number[] => Array.from({ length: k }, (_, i) => lo * (hi / lo) ** (i / (k - 1)));

describe('predictWithIntervals', () => {
  it('covers ~95% of NEW observations of a known power law (200 seeded replicates, in range and one decade beyond)', () => {
    const truth = [2, -0.3];
    const sigma = 0.05;
    const design = logSpaced(1e6, 1e9, 10);
    const at = [3e6, 1e8, 1e9, 3e9, 1e10];
    const rng = createRng(7);
    let inside = 0;
    let total = 0;
    for (let rep = 0; rep < 200; rep++) {
      const y = simulate(power, truth, [design], sigma, 1000 + rep);
      const obs = { x: design, y };
      // NLS: the bootstrap path (power by OLS takes its exact t interval, checked below).
      const options = { form: 'power', method: 'nls' as const };
      const fit = fitLaw(obs, options);
      const pred = predictWithIntervals(obs, fit, options, { x: at }, { resamples: 200, seed: rep });
      pred.forEach((p, i) => {
        const fresh = power.predict(truth, [at[i]!]) * Math.exp(sigma * rng.normal());
        if (fresh >= p.pi[0] && fresh <= p.pi[1]) inside++;
        total++;
      });
    }
    const coverage = inside / total;
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(coverage).toBeLessThanOrEqual(0.97);
  });

  it('gives the exact OLS t interval for power by log-log OLS, and the bootstrap path agrees with it (MobileLLM)', () => {
    const x = datasets.mobilellm.map((r) => r.num_params).concat([2e8, 6e8, 1.2e9]);
    const y = datasets.mobilellm.map((r) => r.perplexity).concat([10.2, 8.4, 7.6]);
    const obs = { x, y };
    const exact = powerPredictionInterval(fitPowerOls(x, y), 3e9);
    const [ols] = predictWithIntervals(obs, fitLaw(obs, { form: 'power' }), { form: 'power' }, { x: [3e9] });
    expect(ols!.x).toBe(3e9);
    expect(ols!.y).toBeCloseTo(exact.estimate, 8);
    expect(ols!.pi[0]).toBeCloseTo(exact.lo, 10);
    expect(ols!.pi[1]).toBeCloseTo(exact.hi, 10);
    const nls = { form: 'power', method: 'nls' as const };
    const [p] = predictWithIntervals(obs, fitLaw(obs, nls), nls, { x: [3e9] }, { resamples: 2000, seed: 1 });
    expect(p!.y).toBeCloseTo(exact.estimate, 4);
    // Log-space half widths agree to 15% (the bootstrap's spread on 7 rows is itself uncertain).
    expect(Math.log(p!.pi[1] / p!.y) / Math.log(exact.hi / exact.estimate)).toBeGreaterThan(0.85);
    expect(Math.log(p!.pi[1] / p!.y) / Math.log(exact.hi / exact.estimate)).toBeLessThan(1.15);
    expect(p!.pi[0]).toBeLessThan(p!.y);
  });

  it('works for a custom two-variable form and reuses given bootstrap refits (same numbers, no new refits)', () => {
    const form = customForm('E + A*N^(-alpha) + B*D^(-beta)', {
      bounds: ['E>0', 'A>0', 'B>0'],
      starts: ['E=1.5', 'A=400', 'B=400', 'alpha=0.3', 'beta=0.3'],
    });
    const N = logSpaced(1e7, 1e9, 4).flatMap((n) => [n, n, n]);
    const D = N.map((n, i) => n * [5, 20, 80][i % 3]!);
    const truth = [1.7, 400, 410, 0.34, 0.28];
    const y = simulate(form, truth, [N, D], 0.01, 3);
    const obs = { N, D, y };
    const options = { form };
    const fit = fitLaw(obs, options);
    const boot = bootstrapFit(obs, fit, options, { resamples: 60, seed: 2 });
    const at = { N: [1e8, 1e10], D: [2e9, 2e11] };
    const a = predictWithIntervals(obs, fit, options, at, { boot });
    const b = predictWithIntervals(obs, fit, options, at, { boot });
    expect(a).toEqual(b);
    expect(a.map((p) => [p.N, p.D])).toEqual([
      [1e8, 2e9],
      [1e10, 2e11],
    ]);
    for (const p of a) {
      expect(p.pi[0]).toBeLessThan(p.y);
      expect(p.pi[1]).toBeGreaterThan(p.y);
    }
    // Extrapolating two decades in N is less certain than interpolating.
    expect(Math.log(a[1]!.pi[1] / a[1]!.pi[0])).toBeGreaterThan(Math.log(a[0]!.pi[1] / a[0]!.pi[0]));
  });

  it('refuses inputs the form does not take, uneven or non-finite points, and a fit with no residual dof', () => {
    const obs = { x: [1, 2, 4, 8], y: [3, 2.2, 1.6, 1.2] };
    const fit = fitLaw(obs, { form: 'power' });
    const predict = (at: Parameters<typeof predictWithIntervals>[3]) => predictWithIntervals(obs, fit, { form: 'power' }, at);
    expect(() => predict({ N: [1] })).toThrow(/form 'power' takes x, not N/);
    expect(() => predict({})).toThrow(/x is missing/);
    expect(() => predict({ x: [Number.NaN] })).toThrow(/point 1: x must be a finite number/);
    expect(() => predict({ x: [-1] })).toThrow(/no positive finite value at x = -1/);
    const two = { x: [1, 2], y: [3, 2] };
    expect(() => predictWithIntervals(two, { ...fit, n_points: 2 }, { form: 'power' }, { x: [3] })).toThrow(/no residual degrees/);
  });
});
