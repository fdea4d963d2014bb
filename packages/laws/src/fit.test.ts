import { describe, expect, it } from 'vitest';
import { LawsError, LawsInputError } from './errors.js';
import { fitLaw } from './fit.js';
import { bnsl, kaplanND, saturating } from './forms.js';
import { bootstrapFit } from './bootstrap.js';
import { simulate, logSpaced } from './simulate.js';
import { bnslAddition } from './datasets.js';

const xs = logSpaced(1e7, 3e9, 10);

describe('fitLaw: known-parameter recovery', () => {
  it('saturating E + A·x^−α (VarPro starts + L-BFGS), with Wald CIs covering the truth', () => {
    const truth = [1.7, 250, 0.32];
    const y = simulate(saturating, truth, [xs], 0.002, 5);
    const fit = fitLaw({ x: xs, y }, { form: 'saturating' });
    expect(fit.params.E).toBeCloseTo(1.7, 1);
    expect(fit.params.alpha).toBeCloseTo(0.32, 1);
    const [lo, hi] = fit.ci.alpha!;
    expect(lo).toBeLessThan(0.32);
    expect(hi).toBeGreaterThan(0.32);
  });

  it('saturating Wald intervals cover the truth in 93–97% of 1,000 seeded replicates (8 sizes, 1% noise)', () => {
    const truth = [2, 50, 0.3];
    const sizes = logSpaced(1e5, 1e9, 8);
    const reps = 1000;
    const covered = [0, 0, 0];
    for (let r = 0; r < reps; r++) {
      const fit = fitLaw({ x: sizes, y: simulate(saturating, truth, [sizes], 0.01, 1000 + r) }, { form: 'saturating' });
      ['E', 'A', 'alpha'].forEach((name, j) => {
        const [lo, hi] = fit.ci[name]!;
        if (lo <= truth[j]! && truth[j]! <= hi) covered[j]!++;
      });
    }
    for (const c of covered) {
      expect(c / reps).toBeGreaterThanOrEqual(0.93);
      expect(c / reps).toBeLessThanOrEqual(0.97);
    }
  }, 120_000); // ~4 s of CPU alone; the wall-clock limit leaves room for a loaded 2-vCPU machine

  it('a positive parameter at its bound gets a profile interval starting at 0, never a negative Wald end', () => {
    // A pure power law fitted with the saturating form: E goes to 0 (no saturation visible).
    const x = logSpaced(1e4, 2e5, 5);
    const y = x.map((v, i) => 27.8 * v ** -0.231 * (1 + 0.01 * ((i % 3) - 1)));
    const fit = fitLaw({ x, y }, { form: 'saturating' });
    expect(fit.params.E!).toBeLessThan(1e-6);
    for (const [lo, hi] of Object.values(fit.ci)) {
      expect(Number.isNaN(lo) || Number.isNaN(hi)).toBe(false);
    }
    expect(fit.ci.E![0]).toBe(0);
    expect(fit.ci.E![1]).toBeGreaterThan(0);
    expect(fit.ci.A![0]).toBeGreaterThan(0);
    expect(fit.ciMethod).toMatch(/profile likelihood \(F\) for E/);
    expect(fit.warnings.join(' ')).toMatch(/Wald interval of E/);
    // A 5-model ladder whose Wald interval of A also crosses 0: the profile must find A's real lower end on
    // the way down to 0, not jump to the bound.
    const ladder = fitLaw({ x: [9300, 20000, 40000, 80000, 148000], y: [3.28, 2.9, 2.4, 2.05, 1.76] }, { form: 'saturating' });
    expect(ladder.ciMethod).toMatch(/for E, A/);
    expect(ladder.ci.A![0]).toBeGreaterThan(5);
    expect(ladder.ci.A![0]).toBeLessThan(ladder.params.A!);
  });

  it('kaplan-n recovers N_c and α_N from exact data', () => {
    const y = xs.map((x) => (8.8e13 / x) ** 0.076);
    const fit = fitLaw({ x: xs, y }, { form: 'kaplan-n' });
    expect(fit.params.alpha_N).toBeCloseTo(0.076, 6);
    expect(fit.params.N_c! / 8.8e13).toBeCloseTo(1, 4);
  });

  it('kaplan-nd recovers its four parameters from exact data', () => {
    const N: number[] = [];
    const D: number[] = [];
    for (const n of logSpaced(1e7, 1e10, 5))
      for (const d of logSpaced(1e8, 1e11, 5)) {
        N.push(n);
        D.push(d);
      }
    const truth = [6.4e13, 1.8e13, 0.076, 0.103];
    const y = N.map((n, i) => kaplanND.predict(truth, [n, D[i]!]));
    const fit = fitLaw({ N, D, y }, { form: 'kaplan-nd' });
    expect(fit.params.alpha_N).toBeCloseTo(0.076, 3);
    expect(fit.params.alpha_D).toBeCloseTo(0.103, 3);
  });

  it('bnsl with one break fits the 4-digit addition curve better than a plain power law', () => {
    const x = bnslAddition.map((r) => r.dataset_size);
    const y = bnslAddition.map((r) => r.loss);
    const broken = fitLaw({ x, y }, { form: bnsl(1) });
    const plain = fitLaw({ x, y }, { form: 'power', method: 'nls' });
    expect(broken.objective).toBeLessThan(plain.objective);
    expect(Number.isFinite(broken.objective)).toBe(true);
  });

  it('power by NLS agrees with OLS on exact data', () => {
    const y = xs.map((x) => 1151.6 * x ** -0.2457);
    const fit = fitLaw({ x: xs, y }, { form: 'power', method: 'nls' });
    expect(fit.params.b).toBeCloseTo(-0.2457, 6);
  });

  it('bootstrap of a power fit gives an interval around b', () => {
    const y = simulate({ ...saturating, params: saturating.params }, [0, 900, 0.23], [xs], 0.02, 8);
    const obs = { x: xs, y };
    const fit = fitLaw(obs, { form: 'power' });
    const boot = bootstrapFit(obs, fit, { form: 'power' }, { resamples: 200, seed: 1 });
    expect(boot.ci.b![0]).toBeLessThan(fit.params.b!);
    expect(boot.ci.b![1]).toBeGreaterThan(fit.params.b!);
  });
});

describe('fitLaw: bad input is a LawsInputError naming row and column', () => {
  it('rejects NaN, non-positive values, too few points and x without spread', () => {
    expect(() => fitLaw({ x: [1, 2, Number.NaN], y: [1, 2, 3] }, { form: 'power', labels: { x: 'num_params' } })).toThrow(
      /row 3, column 'num_params'/,
    );
    expect(() => fitLaw({ x: [1, 2, 3], y: [1, -2, 3] }, { form: 'power' })).toThrow(LawsInputError);
    expect(() => fitLaw({ x: [1, 2], y: [1, 2] }, { form: 'saturating' })).toThrow(/3 parameters but only 2 points/);
    expect(() => fitLaw({ x: [5, 5, 5], y: [1, 2, 3] }, { form: 'power' })).toThrow(/no spread/);
    expect(() => fitLaw({ y: [1, 2, 3] }, { form: 'chinchilla' })).toThrow(/needs input 'N'/);
  });

  it('LawsInputError is a LawsError', () => {
    expect(new LawsInputError('x')).toBeInstanceOf(LawsError);
  });
});
