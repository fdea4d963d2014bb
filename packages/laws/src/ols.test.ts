import { describe, expect, it } from 'vitest';
import { numericColumn, parseCsv } from './csv.js';
import { mobilellm } from './datasets.js';
import { fitPowerOls, powerPredictionInterval, profileExponentCi } from './ols.js';
import { createRng } from '@scalewise/core';
import { profileCi, profileInterval, profileIntervals } from './profile.js';
import { fitLaw } from './fit.js';

const x = mobilellm.map((r) => r.num_params);
const ppl = mobilellm.map((r) => r.perplexity);

describe('power law by log-log OLS', () => {
  it('reproduces the original study on the built-in MobileLLM table: a = 1151.6, b = −0.24571, R² = 0.99350', () => {
    const fit = fitPowerOls(x, ppl);
    expect(fit.params.a).toBeCloseTo(1151.6, 0);
    expect(fit.params.b).toBeCloseTo(-0.24571, 5);
    expect(fit.r2).toBeCloseTo(0.9935, 5);
    // 95% t interval of b with 2 dof: b ± 4.3027·se.
    const [lo, hi] = fit.ci.b!;
    expect((hi - lo) / 2).toBeCloseTo(4.302653 * fit.se!.b!, 5);
    expect(lo).toBeLessThan(-0.29);
    expect(hi).toBeGreaterThan(-0.2);
  });

  it('the built-in table written as CSV and read back gives the same fit', () => {
    const csv = ['model_name,num_params,perplexity', ...mobilellm.map((r) => `${r.model_name},${r.num_params},${r.perplexity}`)].join('\n');
    const t = parseCsv(csv, 'results.csv');
    const fit = fitPowerOls(numericColumn(t, 'num_params'), numericColumn(t, 'perplexity'));
    expect(fit.params.b).toBeCloseTo(fitPowerOls(x, ppl).params.b!, 12);
  });

  it('in loss units (ln PPL) the exponent is ≈ −0.111, not −0.246', () => {
    const fit = fitPowerOls(x, ppl.map(Math.log));
    expect(fit.params.b).toBeCloseTo(-0.111, 2);
  });

  it('matches an independent normal-equation computation on exact data', () => {
    const xs = [1, 10, 100, 1000];
    const fit = fitPowerOls(
      xs,
      xs.map((v) => 3 * v ** -0.5),
    );
    expect(fit.params.a).toBeCloseTo(3, 10);
    expect(fit.params.b).toBeCloseTo(-0.5, 12);
  });

  it('prediction interval at 2B params contains the point estimate and widens with extrapolation', () => {
    const fit = fitPowerOls(x, ppl);
    const near = powerPredictionInterval(fit, 5e8);
    const far = powerPredictionInterval(fit, 2e9);
    expect(far.estimate).toBeCloseTo(1151.5536 * 2e9 ** -0.245707, 1);
    expect(far.lo).toBeLessThan(far.estimate);
    expect(far.hi).toBeGreaterThan(far.estimate);
    expect(Math.log(far.hi / far.lo)).toBeGreaterThan(Math.log(near.hi / near.lo));
  });

  it('profile-likelihood interval: χ² calibration is narrower than t at n = 4, F calibration equals t', () => {
    const fit = fitPowerOls(x, ppl);
    const chi = profileExponentCi(x, ppl, 0.95, 'chi2');
    const f = profileExponentCi(x, ppl, 0.95, 'F');
    expect(f[0]).toBeCloseTo(fit.ci.b![0], 10);
    expect(chi[1] - chi[0]).toBeLessThan(fit.ci.b![1] - fit.ci.b![0]);
  });

  it('profileIntervals gives every parameter from one fit, the same as profileInterval one at a time', () => {
    const xs = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9];
    const ys = xs.map((v, i) => 1.7 + 250 * v ** -0.32 + 0.003 * Math.sin(7 * i));
    const all = profileIntervals({ x: xs, y: ys }, { form: 'saturating' });
    expect(Object.keys(all.ci)).toEqual(['E', 'A', 'alpha']);
    for (const name of ['E', 'A', 'alpha']) expect(all.ci[name]).toEqual(profileInterval({ x: xs, y: ys }, { form: 'saturating' }, name));
    expect(all.method).toBe('profile likelihood (F, 3 dof)');
    expect(() => profileIntervals({ x: xs, y: ys }, { form: 'saturating' }, ['gamma'])).toThrow(/no parameter 'gamma'/);
  });

  it('generic profileCi (F calibration) of b equals the closed form, and works for saturating α', () => {
    const f = profileExponentCi(x, ppl, 0.95, 'F');
    const g = profileCi({ x, y: ppl }, { form: 'power' }, 'b', 'F');
    expect(g[0]).toBeCloseTo(f[0], 4);
    expect(g[1]).toBeCloseTo(f[1], 4);
    const xs = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9];
    const ys = xs.map((v, i) => 1.7 + 250 * v ** -0.32 + 0.003 * Math.sin(7 * i));
    const sat = fitLaw({ x: xs, y: ys }, { form: 'saturating' });
    const [lo, hi] = profileCi({ x: xs, y: ys }, { form: 'saturating' }, 'alpha');
    expect(lo).toBeLessThan(sat.params.alpha!);
    expect(hi).toBeGreaterThan(sat.params.alpha!);
    const wald = sat.ci.alpha![1] - sat.ci.alpha![0];
    expect((hi - lo) / wald).toBeGreaterThan(0.3);
    expect((hi - lo) / wald).toBeLessThan(3);
  });

  it('95% t intervals cover the true exponent in 93–97% of 1,000 seeded replicates', () => {
    const rng = createRng(2024);
    const xs = [1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9];
    let covered = 0;
    const reps = 1000;
    const y = new Float64Array(xs.length);
    for (let r = 0; r < reps; r++) {
      xs.forEach((v, i) => (y[i] = 900 * v ** -0.23 * Math.exp(0.02 * rng.normal())));
      const [lo, hi] = fitPowerOls(xs, y).ci.b!;
      if (lo <= -0.23 && -0.23 <= hi) covered++;
    }
    expect(covered / reps).toBeGreaterThanOrEqual(0.93);
    expect(covered / reps).toBeLessThanOrEqual(0.97);
  });
});
