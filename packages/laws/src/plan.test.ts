import { describe, expect, it } from 'vitest';
import { planCi, type Design } from './plan.js';
import { logSpaced, planExponentCi } from './simulate.js';

const grid = (sizes: number[], budgets: number): Design => {
  const N: number[] = [];
  const D: number[] = [];
  for (const s of sizes)
    for (let k = 0; k < budgets; k++) {
      N.push(s);
      D.push(s * 20 * 10 ** (-1 + (2 * k) / (budgets - 1)));
    }
  return { N, D, label: `${sizes.length} sizes × ${budgets} budgets` };
};

describe('planCi', () => {
  it('power law: the generic planner agrees with the closed-form OLS planner on the same random draws', () => {
    const designs = [3, 5, 8].map((k) => logSpaced(1.2e8, 1e9, k));
    const closed = planExponentCi({ a: 1151.6, b: -0.2457 }, designs, { sigmaLog: 0.013, targetWidth: 0.05, replicates: 300, seed: 2 });
    const generic = planCi(
      'power',
      [1151.6, -0.2457],
      'b',
      designs.map((x) => ({ x })),
      { sigmaLog: 0.013, targetWidth: 0.05, replicates: 300, seed: 2 },
    );
    generic.plans.forEach((p, i) => {
      expect(p.medianWidth).toBeCloseTo(closed.plans[i]!.medianWidth, 10);
      expect(p.coverage).toBeCloseTo(closed.plans[i]!.coverage, 10);
    });
    // For a model linear in its parameters the F-calibrated profile interval is the t interval.
    const profiled = planCi(
      'power',
      [1151.6, -0.2457],
      'b',
      designs.map((x) => ({ x })),
      { sigmaLog: 0.013, targetWidth: 0.05, replicates: 40, seed: 2, interval: 'profile' },
    );
    const closedFew = planExponentCi({ a: 1151.6, b: -0.2457 }, designs, { sigmaLog: 0.013, targetWidth: 0.05, replicates: 40, seed: 2 });
    profiled.plans.forEach((p, i) => expect(p.medianWidth / closedFew.plans[i]!.medianWidth).toBeCloseTo(1, 4));
  });

  it('chinchilla: more sizes and budgets narrow the exponent interval, and the planner picks the first design meeting the target', () => {
    const truth = [1.69, 406.4, 410.7, 0.34, 0.28];
    const small = grid([1.5e8, 1e9, 6e9], 4);
    const large = grid([7e7, 1.5e8, 4e8, 1e9, 2.5e9, 6e9, 1.6e10, 4e10], 5);
    const probe = planCi('chinchilla', truth, 'alpha', [small, large], { sigmaLog: 0.01, targetWidth: 0, replicates: 60, seed: 1 });
    const [ps, pl] = probe.plans;
    expect(pl!.medianWidth).toBeLessThan(0.7 * ps!.medianWidth);
    expect(pl!.coverage).toBeGreaterThan(0.85);
    expect(probe.smallestDesign).toBeNull();
    const target = 0.5 * (ps!.medianWidth + pl!.medianWidth);
    const plan = planCi('chinchilla', truth, 'alpha', [small, large], { sigmaLog: 0.01, targetWidth: target, replicates: 60, seed: 1 });
    expect(plan.smallestDesign?.design.label).toBe('8 sizes × 5 budgets');
  }, 120_000); // ~4 s of CPU alone; the wall-clock limit leaves room for a loaded 2-vCPU machine

  it('saturating: the interval width scales with the noise', () => {
    const design = { x: logSpaced(1e5, 1e9, 8) };
    const width = (sigmaLog: number) =>
      planCi('saturating', [2, 50, 0.3], 'alpha', [design], { sigmaLog, targetWidth: 1, replicates: 150, seed: 5 }).plans[0]!.medianWidth;
    const ratio = width(0.02) / width(0.01);
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.3);
  });

  it('rejects designs with too few runs, a missing input or an unknown parameter', () => {
    expect(() => planCi('saturating', [2, 50, 0.3], 'alpha', [{ x: [1, 2, 3] }], { sigmaLog: 0.01, targetWidth: 1 })).toThrow(
      /3 runs for 3 parameters/,
    );
    expect(() =>
      planCi('chinchilla', [1, 1, 1, 0.3, 0.3], 'alpha', [{ x: [1, 2, 3, 4, 5, 6] }], { sigmaLog: 0.01, targetWidth: 1 }),
    ).toThrow(/needs 'N'/);
    expect(() => planCi('power', [1, -0.1], 'gamma', [{ x: [1, 2, 3] }], { sigmaLog: 0.01, targetWidth: 1 })).toThrow(
      /no parameter 'gamma'/,
    );
  });
});
