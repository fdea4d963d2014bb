import { describe, expect, it } from 'vitest';
import { chinchilla } from './forms.js';
import { fitLaw } from './fit.js';
import { inverseSpd } from './linalg.js';
import { profileChinchilla, type ChinchillaParam } from './profile-chinchilla.js';
import { referenceLaws } from './reference.js';
import { createRng } from '@scalewise/core';
import { chinchillaFitData } from './datasets.js';

const data = chinchillaFitData(5);
const NAMES: ChinchillaParam[] = ['E', 'A', 'B', 'alpha', 'beta'];
const truth = [1.69, 406.4, 410.7, 0.34, 0.28];
/** 8 model sizes × `perSize` token counts from 2 to 200 tokens per parameter. */
function design(perSize: number): { N: number[]; D: number[] } {
  const N: number[] = [];
  const D: number[] = [];
  for (const s of [7e7, 1.5e8, 4e8, 1e9, 2.5e9, 6e9, 1.6e10, 4e10])
    for (let k = 0; k < perSize; k++) {
      N.push(s);
      D.push(s * 20 * 10 ** (-1 + (2 * k) / (perSize - 1)));
    }
  return { N, D };
}

describe('profileChinchilla', () => {
  it('least squares: the profile interval of each parameter matches the Gauss-Newton Wald interval when noise is small', () => {
    const { N, D } = design(10);
    const rng = createRng(4);
    const y = N.map((n, i) => chinchilla.predict(truth, [n, D[i]!]) * Math.exp(0.001 * rng.normal()));
    const fit = fitLaw({ N, D, y }, { form: 'chinchilla', loss: 'ls' });
    const prof = profileChinchilla(N, D, y, NAMES, { delta: Infinity });
    // Wald: s²·(JᵀJ)⁻¹ of log predictions, with the same t quantile, for the natural parameters.
    const k = 5;
    const jtj = new Float64Array(k * k);
    const g = new Float64Array(k);
    let rss = 0;
    for (let i = 0; i < y.length; i++) {
      const pred = chinchilla.gradient(fit.values, [N[i]!, D[i]!], g);
      rss += Math.log(y[i]! / pred) ** 2;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) jtj[r * k + c] = jtj[r * k + c]! + (g[r]! * g[c]!) / (pred * pred);
    }
    const inv = inverseSpd(jtj, k)!;
    const halfWidthT = Math.sqrt((prof.objectiveIncrease * 2) / (rss / (y.length - k)));
    NAMES.forEach((name, j) => {
      const se = Math.sqrt((rss / (y.length - k)) * inv[j * k + j]!);
      const [lo, hi] = prof.ci[name]!;
      const v = fit.values[j]!;
      // Log-parametrised E, A, B are slightly asymmetric; the widths agree to a few percent.
      expect((hi - lo) / (2 * halfWidthT * se)).toBeCloseTo(1, 1);
      expect(lo).toBeLessThan(v);
      expect(hi).toBeGreaterThan(v);
    });
  });

  it('95% intervals cover the truth at the nominal rate (seeded simulation; 2,000 replicates in `pnpm bench`)', () => {
    // Least squares on 40 runs, Huber (the robust-LR calibration rests on more residuals) on 80 runs.
    for (const [delta, perSize] of [
      [Infinity, 5],
      [1e-3, 10],
    ] as const) {
      const { N, D } = design(perSize);
      const rng = createRng(delta === Infinity ? 8 : 9);
      const reps = 200;
      const covered = [0, 0, 0, 0, 0];
      for (let r = 0; r < reps; r++) {
        const y = N.map((n, i) => chinchilla.predict(truth, [n, D[i]!]) * Math.exp(0.015 * rng.normal()));
        const p = profileChinchilla(N, D, y, NAMES, { delta });
        NAMES.forEach((name, j) => {
          const [lo, hi] = p.ci[name]!;
          if (lo <= truth[j]! && truth[j]! <= hi) covered[j]!++;
        });
      }
      // 200 replicates: binomial sd 1.5%; the band is ±3 sd around 95%.
      for (const c of covered) {
        expect(c / reps).toBeGreaterThan(0.904);
        expect(c / reps).toBeLessThan(0.996);
      }
    }
  }, 60_000);

  it('on the Besiroglu data: intervals contain the fit and have the width of the published bootstrap intervals', () => {
    const fit = fitLaw({ N: data.N, D: data.D, y: data.y }, { form: 'chinchilla' });
    const prof = profileChinchilla(data.N, data.D, data.y);
    expect(prof.warnings).toEqual([]);
    const pub = referenceLaws.besiroglu.ci!;
    for (const name of ['E', 'alpha', 'beta'] as const) {
      const [lo, hi] = prof.ci[name]!;
      expect(lo).toBeLessThan(fit.params[name]!);
      expect(hi).toBeGreaterThan(fit.params[name]!);
      const ratio = (hi - lo) / (pub[name]![1] - pub[name]![0]);
      expect(ratio).toBeGreaterThan(0.3);
      expect(ratio).toBeLessThan(2);
    }
  });

  it('reports an unbounded end instead of a made-up number when a term is not identified', () => {
    // No data-size dependence at all: B and β are not identified, so their intervals cannot close.
    const N = [1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9, 6.4e9, 1.28e10];
    const D = N.map((n, i) => n * (i % 2 === 0 ? 10 : 40));
    const rng = createRng(1);
    const y = N.map((n) => (1.8 + 400 / n ** 0.34) * Math.exp(0.01 * rng.normal()));
    const p = profileChinchilla(N, D, y, ['alpha', 'beta'], { delta: Infinity });
    expect(p.ci.beta![1]).toBe(Infinity);
    expect(p.warnings).toContain('the 95% profile interval of beta is unbounded above');
    expect(p.ci.alpha!.every(Number.isFinite)).toBe(true);
  });

  it('rejects unknown parameters and too few points', () => {
    expect(() => profileChinchilla([1e8], [1e9], [3], ['gamma' as ChinchillaParam])).toThrow(/no parameter 'gamma'/);
    expect(() => profileChinchilla([1e8, 2e8, 3e8, 4e8, 5e8], [1e9, 2e9, 3e9, 4e9, 5e9], [3, 2.9, 2.8, 2.7, 2.6])).toThrow(
      /more points than the 5 parameters/,
    );
  });
});
