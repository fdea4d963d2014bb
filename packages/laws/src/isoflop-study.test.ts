import { createRng } from '@scalewise/core';
import { describe, expect, it } from 'vitest';
import { chinchilla } from './forms.js';
import { approach1FromCurves, groupBudgets, isoflopAnalysis } from './isoflop-study.js';

// Hoffmann et al. (2022), approach 3: the true exponent of N_opt ∝ C^a is β/(α+β) = 0.4516.
const law = [1.69, 406.4, 410.7, 0.34, 0.28];
const truthA = 0.28 / (0.34 + 0.28);
const G = ((0.34 * 406.4) / (0.28 * 410.7)) ** (1 / 0.62);
const nOpt = (C: number): number => G * (C / 6) ** truthA;

/** An IsoFLOP sweep: `points` sizes per budget spanning 1.2 decades around the true optimum, log-normal noise. */
function sweep(budgets: number[], points: number, sigma: number, seed: number) {
  const rng = createRng(seed);
  const N: number[] = [];
  const D: number[] = [];
  const loss: number[] = [];
  for (const C of budgets)
    for (let i = 0; i < points; i++) {
      const n = nOpt(C) * 10 ** (-0.6 + (1.2 * i) / (points - 1));
      N.push(n);
      D.push(C / (6 * n));
      loss.push(chinchilla.predict(law, [n, C / (6 * n)]) * Math.exp(sigma * rng.normal()));
    }
  return { N, D, loss };
}

describe('groupBudgets', () => {
  it('joins compute values equal up to float noise and keeps distinct budgets apart', () => {
    const C = [1e18 * (1 + 1e-12), 1e19, 1e18, 1e19 * (1 - 1e-13), 3e18];
    const { index, budgets } = groupBudgets(C);
    expect(budgets.map((b) => b.runs)).toEqual([2, 1, 2]);
    expect(Array.from(index)).toEqual([0, 2, 0, 2, 1]);
    expect(budgets[0]!.C).toBeCloseTo(1e18, -6);
  });
  it('a wider tolerance chains nearby values into one budget and reports the spread', () => {
    const { budgets } = groupBudgets([1e18, 1.05e18, 1.1e18, 3e18], 0.06);
    expect(budgets.map((b) => b.runs)).toEqual([3, 1]);
    expect(budgets[0]!.spread).toBeCloseTo(0.1, 10);
    expect(() => groupBudgets([1], -1)).toThrow(/tolerance/);
  });
});

describe('isoflopAnalysis: approaches 2 and 3 on one table', () => {
  const budgets = [1e18, 3e18, 1e19, 3e19, 1e20, 3e20];
  const table = sweep(budgets, 9, 0.005, 1);

  it('both recover a = β/(α+β) of the law that generated the table, inside their intervals', () => {
    const res = isoflopAnalysis({ N: table.N, D: table.D, loss: table.loss }, { resamples: 100, seed: 2 });
    expect(res.budgets).toHaveLength(6);
    const a2 = res.approach2!;
    expect(a2.slices).toHaveLength(6);
    expect(a2.ciA[0]).toBeLessThan(truthA);
    expect(a2.ciA[1]).toBeGreaterThan(truthA);
    expect(Math.abs(a2.a - truthA)).toBeLessThan(0.03);
    const a3 = res.approach3!;
    expect(a3.a_ci![0]).toBeLessThan(truthA);
    expect(a3.a_ci![1]).toBeGreaterThan(truthA);
    expect(a3.params.alpha).toBeCloseTo(0.34, 1);
    // Both give N_opt at the budgets close to the truth.
    for (const b of res.budgets) expect(Math.abs(Math.log(b.N_opt_approach3! / nOpt(b.C)))).toBeLessThan(0.15);
    expect(res.warnings).toEqual([]);
  }, 30_000);

  it('FLOPs given instead of tokens (with float noise) give the same budgets', () => {
    const C = table.N.map((n, i) => 6 * n * table.D[i]! * (1 + 1e-9 * ((i % 3) - 1)));
    const res = isoflopAnalysis({ N: table.N, C, loss: table.loss }, { resamples: 0, tolerance: 1e-6 });
    expect(res.budgets.map((b) => b.runs)).toEqual([9, 9, 9, 9, 9, 9]);
    expect(res.approach3!.a_ci).toBeUndefined();
  });

  it('warns when a vertex lies outside its sampled sizes, and when approach 2 cannot run', () => {
    // The largest budget samples only sizes below its optimum.
    const shifted = sweep(budgets, 9, 0.002, 3);
    const last = 5 * 9;
    for (let i = last; i < last + 9; i++) {
      shifted.N[i] = shifted.N[i]! / 10;
      shifted.D[i] = 3e20 / (6 * shifted.N[i]!);
      shifted.loss[i] = chinchilla.predict(law, [shifted.N[i]!, shifted.D[i]!]);
    }
    const res = isoflopAnalysis(shifted, { resamples: 0 });
    expect(res.approach2!.slices.at(-1)!.outside).toBe(true);
    expect(res.warnings.join('\n')).toMatch(/vertex at C = 3\.0e\+20 FLOP .* lies outside the sampled sizes/);
    const two = sweep([1e18, 1e19], 5, 0.002, 4);
    const res2 = isoflopAnalysis(two, { resamples: 0 });
    expect(res2.approach2).toBeNull();
    expect(res2.warnings.join('\n')).toMatch(/approach 2 not possible: approach 2 needs ≥ 3 IsoFLOP slices/);
    expect(() => isoflopAnalysis({ N: [1, 2], loss: [1, 1] })).toThrow(/exactly one of D/);
    expect(() => isoflopAnalysis({ N: [1, -2], D: [1, 1], loss: [1, 1] })).toThrow(/row 2, column N/);
  });
});

describe('approach1FromCurves', () => {
  it('recovers a from noiseless training curves of 24 sizes', () => {
    const sizes = Array.from({ length: 24 }, (_, i) => 1e7 * 10 ** ((3 * i) / 23));
    const run: string[] = [];
    const N: number[] = [];
    const D: number[] = [];
    const loss: number[] = [];
    sizes.forEach((n, r) => {
      for (let s = 0; s <= 40; s++) {
        const d = 1e8 * 10 ** ((4 * s) / 40);
        run.push(`run-${r}`);
        N.push(n);
        D.push(d);
        loss.push(chinchilla.predict(law, [n, d]));
      }
    });
    const res = approach1FromCurves({ run, N, D, loss });
    expect(res.curves).toBe(24);
    expect(res.budgets).toHaveLength(10);
    expect(Math.abs(res.a - truthA)).toBeLessThan(0.05);
    expect(() => approach1FromCurves({ run: ['a', 'a'], N: [1, 2], D: [1, 2], loss: [1, 1] })).toThrow(
      /row 2: run 'a' has N = 2 here but N = 1 in row 1/,
    );
  });
});
