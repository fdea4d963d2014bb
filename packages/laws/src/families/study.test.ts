import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { fitPowerOls, powerPredictionInterval } from '../ols.js';
import { analyzeFamilies, describeComparison, seedSpread, type FamilyRuns } from './study.js';

const SIZES = [6e3, 1.2e4, 2.4e4, 4.8e4, 9.6e4];

function family(name: string, sizes: number[], law: (n: number) => number, sigma: number, seed: number): FamilyRuns {
  const rng = createRng(seed);
  return { name, N: sizes, y: sizes.map((n) => law(n) * Math.exp(sigma * rng.normal())) };
}

describe('seedSpread', () => {
  it('pools the within-size variance over sizes with replicates', () => {
    const s = seedSpread([{ name: 'a', N: [1, 1, 1, 2, 2, 3], y: [1, 2, 3, 5, 7, 9] }]);
    // size 1: ss 2 (dof 2), size 2: ss 2 (dof 1) → sqrt(4 / 3)
    expect(s.dof).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(seedSpread([{ name: 'a', N: [1, 2], y: [1, 2] }]).sd).toBeNull();
  });
});

describe('analyzeFamilies', () => {
  it('fits each family, compares every pair and answers in one sentence', () => {
    const a = family('deep-thin', [...SIZES, SIZES[0]!, SIZES[0]!, SIZES[4]!, SIZES[4]!], (n) => 30 * n ** -0.3, 0.004, 1);
    const b = family('wide-shallow', SIZES, (n) => 20 * n ** -0.2, 0.004, 2);
    const c = family('layer-shared', SIZES, (n) => 30 * n ** -0.3, 0.004, 3);
    const res = analyzeFamilies([a, b, c], { resamples: 299 });
    expect(res.families.map((f) => f.name)).toEqual(['deep-thin', 'wide-shallow', 'layer-shared']);
    expect(res.comparisons.map((x) => x.families)).toEqual([
      ['deep-thin', 'wide-shallow'],
      ['deep-thin', 'layer-shared'],
      ['wide-shallow', 'layer-shared'],
    ]);
    expect(res.seedSd).not.toBeNull();
    expect(res.grouped?.groups.length).toBe(3);
    const power = res.families[0]!.forms.fits.find((f) => f.form === 'power')!;
    expect(-power.params.b!).toBeCloseTo(0.3, 1);
    const ab = res.comparisons[0]!;
    const ac = res.comparisons[1]!;
    const ciOf = (i: number) => res.families[i]!.forms.fits.find((f) => f.form === 'power')!.ci.b!;
    const flip = (ci: [number, number]): [number, number] => [-ci[1], -ci[0]];
    const sentence = describeComparison(ab, { a: flip(ciOf(0)), b: flip(ciOf(1)) });
    expect(sentence).toMatch(
      new RegExp(
        /^deep-thin α = 0\.\d+ \[.*\] vs wide-shallow α = 0\.\d+ \[.*\]: /.source +
          /difference 0\.\d+ \[.*\], p = .*: the data can tell them apart at 95%$/.source,
      ),
    );
    // Equal true exponents: the interval covers 0 here and the sentence says so.
    expect(ac.ci[0]).toBeLessThan(0);
    expect(ac.ci[1]).toBeGreaterThan(0);
    expect(describeComparison(ac, { a: flip(ciOf(0)), b: flip(ciOf(2)) })).toMatch(/the data cannot tell them apart/);
  });

  it("gives each family the power law's prediction band on one grid spanning every run", () => {
    const a = family('deep-thin', SIZES, (n) => 30 * n ** -0.3, 0.01, 4);
    const b = family('wide-shallow', SIZES.slice(1), (n) => 20 * n ** -0.2, 0.01, 5);
    const short = { name: 'two-runs', N: [6e3, 1.2e4], y: [2, 1.9] };
    const res = analyzeFamilies([a, b, short], { resamples: 99, bandPoints: 12 });
    const [ba, bb, bs] = res.families.map((f) => f.band);
    expect(ba!.map((p) => p.N)).toEqual(bb!.map((p) => p.N));
    expect(ba!).toHaveLength(12);
    expect(ba![0]!.N).toBeCloseTo(6e3 / 1.2, 6);
    expect(ba![11]!.N).toBeCloseTo(9.6e4 * 1.2, 3);
    expect(bs).toEqual([]); // two runs: no interval
    // Each point is the OLS power fit's 95% prediction interval at that size; the band is wider than the spread of a run.
    const fit = fitPowerOls(a.N, a.y);
    for (const p of ba!) {
      const pi = powerPredictionInterval(fit, p.N);
      expect([p.estimate, p.lower, p.upper]).toEqual([pi.estimate, pi.lo, pi.hi]);
      expect(p.lower).toBeLessThan(p.estimate);
      expect(p.upper).toBeGreaterThan(p.estimate);
    }
    expect(ba![0]!.estimate).toBeCloseTo(30 * (6e3 / 1.2) ** -0.3, 1);
  });
});
