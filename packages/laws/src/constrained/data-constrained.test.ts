import { createRng } from '@scalewise/core';
import { describe, expect, it } from 'vitest';
import { bootstrapFit } from '../bootstrap.js';
import { LawsInputError } from '../errors.js';
import { getForm } from '../forms.js';
import { referenceLaws } from '../reference.js';
import { fitDataConstrained } from './fit.js';
import { dataConstrained, effectiveData, effectiveParams, MUENNIGHOFF_2023 as P } from './form.js';

const truth = dataConstrained.params.map((k) => P[k as keyof typeof P]);

/** Runs at three unique-data budgets, 1–64 epochs, four sizes (all with excess parameters), log-normal noise. */
function runs(seed: number, sigma = 0.005) {
  const rng = createRng(seed);
  const r = { N: [] as number[], D: [] as number[], U: [] as number[], y: [] as number[] };
  for (const u of [1e8, 1e9, 1e10])
    for (const e of [1, 2, 4, 8, 16, 32, 64])
      for (const n of [2e7, 1e8, 5e8, 2e9]) {
        r.N.push(n);
        r.D.push(u * e);
        r.U.push(u);
        r.y.push(dataConstrained.predict(truth, [n, u * e, u]) * Math.exp(sigma * rng.normal()));
      }
  return r;
}

describe('data-constrained law: the published constants (Muennighoff et al. 2023)', () => {
  const lossAt = (N: number, D: number, U: number) => referenceLaws.muennighoff.form.predict(referenceLaws.muennighoff.values, [N, D, U]);

  it('is the Chinchilla law when nothing repeats', () => {
    const [N, D] = [1e9, 2e10];
    expect(lossAt(N, D, D)).toBeCloseTo(P.E + P.A / N ** P.alpha + P.B / D ** P.beta, 12);
    expect(effectiveParams(1e9, 1e12, 5.3)).toBe(1e9);
  });

  // Abstract (arXiv 2305.16264): "training with up to 4 epochs of repeated data yields negligible changes to loss compared
  // to having unique data. However, with more repetition, the value of adding compute eventually decays to zero."
  it('4 epochs cost almost nothing: D′/D = 0.93 and the loss is within 0.25% of unique data (8.7B params, 100B unique)', () => {
    expect(effectiveData(4e11, 1e11, P.R_D_star) / 4e11).toBeCloseTo(0.9315, 4);
    const rel = lossAt(8.7e9, 4e11, 1e11) / lossAt(8.7e9, 4e11, 4e11) - 1;
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(0.0025);
  });

  it('returns vanish past ~16 epochs: an epoch is worth e^(−R/R_D*) of fresh data and D′ saturates at 16.4·U', () => {
    const marginal = (epochs: number) => effectiveData(epochs + 1, 1, P.R_D_star) - effectiveData(epochs, 1, P.R_D_star);
    expect(marginal(4)).toBeGreaterThan(0.79); // the 5th epoch is still worth ~80% of fresh data
    expect(marginal(16)).toBeLessThan(0.38);
    expect(marginal(40)).toBeLessThan(0.08);
    expect(effectiveData(16, 1, P.R_D_star) / 16).toBeCloseTo(0.662, 3);
    expect(effectiveData(1e6, 1, P.R_D_star)).toBeCloseTo(1 + P.R_D_star, 6);
    // Loss gained from 16 epochs to unlimited repetition is under a third of the gain from 1 to 16 epochs.
    const [N, U] = [8.7e9, 1e11];
    const gainTo16 = lossAt(N, U, U) - lossAt(N, 16 * U, U);
    expect(lossAt(N, 16 * U, U) - lossAt(N, 1e6 * U, U)).toBeLessThan(gainTo16 / 3);
  });

  it('has an analytic gradient that matches finite differences', () => {
    const g = new Float64Array(7);
    const x = [3e8, 4e9, 1e9];
    dataConstrained.gradient(truth, x, g);
    truth.forEach((v, j) => {
      const h = Math.abs(v) * 1e-6;
      const up = [...truth];
      const dn = [...truth];
      up[j] = v + h;
      dn[j] = v - h;
      expect(g[j]).toBeCloseTo((dataConstrained.predict(up, x) - dataConstrained.predict(dn, x)) / (2 * h), 6);
    });
  });
});

describe('fitDataConstrained', () => {
  it('recovers all seven parameters from seeded synthetic runs, the truth inside each 95% interval', () => {
    const fit = fitDataConstrained(runs(1));
    expect(fit.form).toBe('data-constrained');
    expect(fit.params.R_D_star).toBeGreaterThan(13);
    expect(fit.params.R_D_star).toBeLessThan(18);
    expect(fit.params.R_N_star).toBeGreaterThan(4.5);
    expect(fit.params.R_N_star).toBeLessThan(6.5);
    for (const [name, [lo, hi]] of Object.entries(fit.ci)) {
      expect(lo, name).toBeLessThanOrEqual(P[name as keyof typeof P]);
      expect(hi, name).toBeGreaterThanOrEqual(P[name as keyof typeof P]);
    }
  });

  it('fits only the decay constants with the published base held; bootstrapFit runs on the fitted form', () => {
    const data = runs(2);
    const fit = fitDataConstrained(data, { fixed: 'published-base' });
    expect(Object.keys(fit.params)).toEqual(['R_N_star', 'R_D_star']);
    expect(fit.fixed).toMatchObject({ E: 1.87, A: 521 });
    const boot = bootstrapFit(data, fit, { form: fit.fittedForm }, { resamples: 40, seed: 1 });
    expect(boot.ci.R_D_star![0]).toBeLessThan(15.4);
    expect(boot.ci.R_D_star![1]).toBeGreaterThan(15.4);
  });

  // Fast coverage check (the full one is `pnpm bench`): 40 seeded studies; a 95% interval covering ≤ 80% fails.
  it('Wald intervals of R_D* cover the truth in ≥ 80% of 40 simulated studies', () => {
    let covered = 0;
    for (let s = 0; s < 40; s++) {
      const [lo, hi] = fitDataConstrained(runs(100 + s, 0.02), { fixed: 'published-base' }).ci.R_D_star!;
      if (lo <= P.R_D_star && P.R_D_star <= hi) covered++;
    }
    expect(covered / 40).toBeGreaterThanOrEqual(0.8);
  });

  it('bootstrap intervals of R_D* (the CLI default) cover the truth in ≥ 9 of 12 simulated studies', () => {
    let covered = 0;
    for (let s = 0; s < 12; s++) {
      const data = runs(300 + s, 0.02);
      const fit = fitDataConstrained(data, { fixed: 'published-base' });
      const [lo, hi] = bootstrapFit(data, fit, { form: fit.fittedForm }, { resamples: 40, seed: s }).ci.R_D_star!;
      if (lo <= P.R_D_star && P.R_D_star <= hi) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(9);
  });

  it('holds R_N* (with a warning) when no run has excess parameters', () => {
    const data = runs(3);
    const keep = data.N.map((n, i) => n <= 0.051 * data.U[i]!);
    const pick = (a: number[]) => a.filter((_, i) => keep[i]);
    const fit = fitDataConstrained({ N: pick(data.N), D: pick(data.D), U: pick(data.U), y: pick(data.y) });
    expect(fit.fixed.R_N_star).toBe(5.3);
    expect(fit.warnings.join(' ')).toMatch(/R_N_star is not identified/);
  });

  it('names the row and column of U > D, and refuses a table without repetition', () => {
    expect(() =>
      fitDataConstrained({ N: [1e8, 2e8], D: [1e9, 1e9], U: [1e9, 2e9], y: [3, 3] }, { labels: { U: 'uniq', D: 'tok' } }),
    ).toThrow(/row 2, column 'uniq'.*column 'tok'/);
    expect(() => fitDataConstrained({ N: [1e8, 2e8], D: [1e9, 1e9], U: [1e9, 1e9], y: [3, 3] })).toThrow(LawsInputError);
  });

  it('is a built-in form', () => {
    expect(getForm('data-constrained')).toBe(dataConstrained);
  });
});
