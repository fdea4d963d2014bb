import { createRng } from '@scalewise/core';
import { describe, expect, it } from 'vitest';
import { bootstrapFit } from '../bootstrap.js';
import { comparisonTable } from '../compare-table.js';
import { fitLaw } from '../fit.js';
import { getForm } from '../forms.js';
import { fitLossToLoss } from './fit.js';
import { lossToLoss } from './form.js';

const truth = { K: 0.8, kappa: 1.2, E1: 1.8, E2: 1.5 };
const values = [truth.K, truth.kappa, truth.E1, truth.E2];

/**
 * 20 models with L₁ from 1.9 to 4.8 nats (close to E₁ = 1.8: with every L₁ far above it, E₁ and E₂ are barely
 * identified and should be held, as the paper does), L₂ from the law with log-normal noise.
 */
function pairs(seed: number, sigma = 0.003) {
  const rng = createRng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 20; i++) {
    const l1 = 1.9 + (2.9 * i) / 19;
    x.push(l1);
    y.push(lossToLoss.predict(values, [l1]) * Math.exp(sigma * rng.normal()));
  }
  return { x, y };
}

describe('loss-to-loss transfer (Brandfonbrener et al. 2024)', () => {
  it('recovers K and κ exactly enough with E₁, E₂ held at their true values', () => {
    const fit = fitLossToLoss(pairs(1), { fixed: { E1: 1.8, E2: 1.5 } });
    expect(fit.params.K).toBeCloseTo(0.8, 2);
    expect(fit.params.kappa).toBeCloseTo(1.2, 1);
    expect(fit.fixed).toEqual({ E1: 1.8, E2: 1.5 });
    expect(fit.ci.kappa![0]).toBeLessThan(1.2);
    expect(fit.ci.kappa![1]).toBeGreaterThan(1.2);
  });

  it('fits all four parameters near the truth, E₁ kept below min L₁ by the fit and by every bootstrap refit', () => {
    const data = pairs(1);
    const fit = fitLossToLoss(data);
    expect(fit.params.K).toBeCloseTo(truth.K, 0);
    expect(Math.abs(fit.params.kappa! / truth.kappa - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.E1! - truth.E1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.E2! - truth.E2)).toBeLessThan(0.15);
    expect(fit.params.E1).toBeLessThan(1.9);
    const boot = bootstrapFit(data, fit, { form: fit.fittedForm }, { resamples: 60, seed: 3 });
    expect(boot.ci.E1![1]).toBeLessThan(1.9);
    expect(boot.ci.kappa![0]).toBeLessThan(1.2);
    expect(boot.ci.kappa![1]).toBeGreaterThan(1.2);
  });

  // Fast coverage check (full one in `pnpm bench`): 30 seeded studies; a 95% interval covering under 80% fails.
  it('Wald intervals of κ cover the truth in ≥ 80% of 30 simulated studies', () => {
    let covered = 0;
    for (let s = 0; s < 30; s++) {
      const [lo, hi] = fitLossToLoss(pairs(100 + s)).ci.kappa!;
      if (lo <= truth.kappa && truth.kappa <= hi) covered++;
    }
    expect(covered / 30).toBeGreaterThanOrEqual(0.8);
  });

  it('bootstrap intervals of κ (the CLI default) cover the truth in ≥ 9 of 12 simulated studies', () => {
    let covered = 0;
    for (let s = 0; s < 12; s++) {
      const data = pairs(400 + s);
      const fit = fitLossToLoss(data);
      const [lo, hi] = bootstrapFit(data, fit, { form: fit.fittedForm }, { resamples: 40, seed: s }).ci.kappa!;
      if (lo <= truth.kappa && truth.kappa <= hi) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(9);
  });

  it('refuses a held E₁ at or above the smallest L₁, naming the row and column', () => {
    const data = pairs(2);
    expect(() => fitLossToLoss(data, { fixed: { E1: 1.9 }, labels: { x: 'c4_loss' } })).toThrow(/row 1, column 'c4_loss'.*E1 < min L1/);
  });

  it('is a built-in form fitted by fitLaw', () => {
    expect(getForm('loss-to-loss')).toBe(lossToLoss);
    expect(fitLaw(pairs(4), { form: 'loss-to-loss' }).params.E1).toBeLessThan(1.9);
  });
});

describe('loss-to-loss in a comparison table', () => {
  it('cross-validates: a fold that holds out the smallest L₁ may not move E₁ above it', () => {
    // Far from E₁ the refit without the smallest L₁ would put E₁ above that model's L₁ (found with these rows),
    // leaving its held-out prediction undefined; zero-weight rows now keep the law defined.
    const rng = createRng(3);
    const x = Float64Array.from({ length: 20 }, (_, i) => 2 + 2 * (i / 19));
    const y = Float64Array.from(x, (v) => (0.8 * (v - 1.5) ** 1.2 + 1.1) * Math.exp(0.01 * (rng.next() - 0.5)));
    const form = getForm('loss-to-loss');
    const table = comparisonTable({ x, y }, [{ form }]);
    const row = table.rows[0]!;
    expect(row.warnings).toEqual([]);
    expect(row.loo_error).not.toBeNull();
    expect(row.loo_error!).toBeGreaterThan(0);
    expect(row.loo_error!).toBeLessThan(0.01);
  });
});
