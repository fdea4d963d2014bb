import { describe, expect, it } from 'vitest';
import { approach2, isoflopBracketing, type IsoflopRun } from './isoflop.js';

const sizes = [1e6, 2e6, 4e6, 8e6, 1.6e7];
/** Parabolic slices in ln N with their minimum at `opt(C)`. */
const grid = (opt: (C: number) => number, budgets = [1e15, 1e16, 1e17]): IsoflopRun[] =>
  budgets.flatMap((C) => sizes.map((N) => ({ N, C, loss: 2 + 0.1 * Math.log(N / opt(C)) ** 2 })));

describe('isoflopBracketing', () => {
  it('finds no edge when every optimum is inside the grid', () => {
    const res = isoflopBracketing(grid(() => 4e6));
    expect(res.warnings).toEqual([]);
    expect(res.budgets.map((b) => b.bestN)).toEqual([4e6, 4e6, 4e6]);
    expect(res.budgets.every((b) => !b.atEdge)).toBe(true);
  });
  it('warns for each budget whose best run is the smallest or largest size', () => {
    const res = isoflopBracketing(grid((C) => (C < 1e16 ? 1e5 : C > 1e16 ? 1e8 : 4e6)));
    expect(res.budgets.map((b) => b.atEdge)).toEqual([true, false, true]);
    expect(res.warnings).toHaveLength(2);
    expect(res.warnings[0]).toBe(
      'at C = 1.0e+15 FLOP the best model is at the edge of the ladder (1000000 params): the grid does not bracket the optimum',
    );
    expect(res.warnings[1]).toMatch(/C = 1\.0e\+17 FLOP .*16000000 params/);
  });
});

describe('approach2 warnings', () => {
  it('names slices left out for too few runs or a non-convex parabola', () => {
    const runs = grid((C) => 2e6 * (C / 1e15) ** 0.15, [1e15, 1e16, 1e17, 1e18]);
    runs.push({ N: 1e6, C: 5e18, loss: 2 }, { N: 2e6, C: 5e18, loss: 2.1 });
    for (const N of sizes) runs.push({ N, C: 1e19, loss: 3 - 0.1 * Math.log(N / 4e6) ** 2 });
    const res = approach2(runs);
    expect(res.slices).toHaveLength(4);
    expect(res.warnings).toHaveLength(2);
    expect(res.warnings![0]).toMatch(/C = 5\.0e\+18 FLOP has 2 run\(s\)/);
    expect(res.warnings![1]).toMatch(/C = 1\.0e\+19 FLOP is not convex/);
  });
  it('warns, keeping the slice, when a vertex lies outside the sampled sizes', () => {
    const res = approach2(grid((C) => 4e6 * (C / 1e15) ** 0.5, [1e15, 1e16, 1e17]));
    expect(res.slices).toHaveLength(3);
    expect(res.slices.map((s) => s.outside)).toEqual([false, false, true]);
    expect(res.warnings).toEqual([
      "the parabola's vertex at C = 1.0e+17 FLOP (N_opt = 4.00e+7 params) lies outside the sampled sizes 1.00e+6–1.60e+7: " +
        'an extrapolation, slice kept',
    ]);
  });
  it('has no warnings on a clean grid', () => {
    expect(approach2(grid((C) => 2e6 * (C / 1e15) ** 0.15, [1e15, 1e16, 1e17])).warnings).toEqual([]);
  });
});
