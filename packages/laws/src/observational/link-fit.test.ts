import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { fitLink, predictLink } from './link-fit.js';
import { fitSigmoid, predictSigmoid, sigmoid } from './sigmoid.js';

const TRUTH = [0.5, 1.2, -0.7];

function synthetic(seed: number, n: number, noise: number) {
  const rng = createRng(seed);
  const xs = Array.from({ length: n }, () => Float64Array.of(rng.next() * 6 - 3, rng.next() * 4 - 2));
  const y = Float64Array.from(xs, (x) => Math.min(1, Math.max(0, predictSigmoid(TRUTH, x) + noise * rng.normal())));
  return { xs, y };
}

describe('fitSigmoid', () => {
  it('recovers exact parameters from noise-free data', () => {
    const { xs, y } = synthetic(1, 40, 0);
    const fit = fitSigmoid(xs, y);
    expect(Array.from(fit.values)).toEqual(TRUTH.map((v) => expect.closeTo(v, 6)));
    expect(fit.converged).toBe(true);
  });

  it('is numerically stable far out on both tails', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
  });

  it('rejects collinear predictors', () => {
    const xs = Array.from({ length: 10 }, (_, i) => Float64Array.of(i, 2 * i));
    expect(() =>
      fitSigmoid(
        xs,
        Float64Array.from(xs, (x) => sigmoid(x[0]! - 5)),
      ),
    ).toThrow(/collinear/);
  });
});

describe('fitLink (bootstrap over models)', () => {
  it('recovers seeded parameters within their intervals', () => {
    const { xs, y } = synthetic(2, 80, 0.03);
    const model = fitLink(['u', 'v'], xs, y, { resamples: 300, level: 0.95, seed: 1 });
    ['intercept', 'u', 'v'].forEach((name, j) => {
      const [lo, hi] = model.fit.ci[name]!;
      expect(lo).toBeLessThanOrEqual(TRUTH[j]!);
      expect(hi).toBeGreaterThanOrEqual(TRUTH[j]!);
      expect(model.fit.params[name]).toBeCloseTo(TRUTH[j]!, 0);
    });
    expect(model.fit.rmse).toBeGreaterThan(0.02);
    expect(model.fit.rmse).toBeLessThan(0.04);
    const at = predictLink(model, [1, 0], 0.95);
    expect(at.curve[0]).toBeLessThan(at.estimate);
    expect(at.curve[1]).toBeGreaterThan(at.estimate);
    // The prediction interval adds model-to-model scatter, so it contains the curve's.
    expect(at.prediction[0]).toBeLessThan(at.curve[0]);
    expect(at.prediction[1]).toBeGreaterThan(at.curve[1]);
  });

  it('covers the true slope in roughly 95% of simulated studies', () => {
    let covered = 0;
    const studies = 40;
    for (let s = 0; s < studies; s++) {
      const { xs, y } = synthetic(100 + s, 60, 0.04);
      const [lo, hi] = fitLink(['u', 'v'], xs, y, { resamples: 200, level: 0.95, seed: s }).fit.ci.u!;
      if (lo <= TRUTH[1]! && TRUTH[1]! <= hi) covered++;
    }
    // 40 studies: a 95% interval covers 34–40 times with probability > 0.97; an interval too narrow by half would not.
    expect(covered).toBeGreaterThanOrEqual(34);
  });

  it('refuses fewer models than parameters + 2', () => {
    const { xs, y } = synthetic(3, 4, 0.01);
    expect(() => fitLink(['u', 'v'], xs, y, { resamples: 10, level: 0.95, seed: 0 })).toThrow(/need at least 5/);
  });
});
