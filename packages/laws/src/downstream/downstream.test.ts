import { createRng } from '@scalewise/core';
import { describe, expect, it } from 'vitest';
import { LawsInputError } from '../errors.js';
import { chinchilla } from '../forms.js';
import { fitDownstream } from './fit.js';
import { accuracySigmoid } from './sigmoid.js';

// Task loss from a Chinchilla law (Besiroglu's constants), accuracy from a sigmoid with 25% chance floor.
const truth1 = [1.8, 482, 2085, 0.348, 0.366];
const truth2 = [0.55, -4, 3.0, 0.25];
const target = { N: 7e9, D: 2e12 };
const trueLoss = chinchilla.predict(truth1, [target.N, target.D]);
const trueAcc = accuracySigmoid.predict(truth2, [trueLoss]);

/** A 5-size × 4-multiplier ladder (20N to 200N tokens), 0.5% log noise on task loss, 1 point of noise on accuracy. */
function ladder(seed: number) {
  const rng = createRng(seed);
  const r = { N: [] as number[], D: [] as number[], taskLoss: [] as number[], acc: [] as number[] };
  for (const n of [2e7, 6e7, 1.5e8, 3e8, 7e8])
    for (const m of [1, 2, 5, 10]) {
      const L = chinchilla.predict(truth1, [n, 20 * n * m]) * Math.exp(0.005 * rng.normal());
      r.N.push(n);
      r.D.push(20 * n * m);
      r.taskLoss.push(L);
      r.acc.push(accuracySigmoid.predict(truth2, [L]) + 0.01 * rng.normal());
    }
  return r;
}

describe('two-step downstream accuracy (Bhagia et al. 2024)', () => {
  it('recovers the sigmoid and predicts accuracy at 10x the largest model, with intervals from both steps', () => {
    const fit = fitDownstream(ladder(1), { predict: [target], resamples: 60, seed: 1 });
    expect(fit.params.k).toBeCloseTo(-4, 0);
    expect(fit.params.L0).toBeCloseTo(3, 1);
    expect(fit.params.b).toBeCloseTo(0.25, 1);
    expect(Math.abs(fit.params.alpha! - 0.348)).toBeLessThan(0.05);
    const p = fit.predictions[0]!;
    expect(Math.abs(p.accuracy - trueAcc)).toBeLessThan(0.02);
    expect(p.task_loss_ci![0]).toBeLessThan(p.task_loss);
    expect(p.task_loss_ci![1]).toBeGreaterThan(p.task_loss);
    expect(fit.bootstrap).toMatchObject({ resamples: 60, seed: 1 });
    expect(Object.keys(fit.ci)).toEqual(['E', 'A', 'B', 'alpha', 'beta', 'a', 'k', 'L0', 'b']);
  });

  // Fast coverage check (full one in `pnpm bench`): 12 seeded ladders × 40 resamples; under 9 of 12 fails.
  it('the bootstrap interval of the predicted accuracy covers the truth in ≥ 9 of 12 simulated ladders', () => {
    let covered = 0;
    for (let s = 0; s < 12; s++) {
      const [lo, hi] = fitDownstream(ladder(50 + s), { predict: [target], resamples: 40, seed: s }).predictions[0]!.accuracy_ci!;
      if (lo <= trueAcc && trueAcc <= hi) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(9);
  });

  it('without resamples, reports point predictions and each step’s own intervals', () => {
    const fit = fitDownstream(ladder(2), { predict: [target], resamples: 0 });
    expect(fit.bootstrap).toBeNull();
    expect(fit.predictions[0]!.accuracy_ci).toBeNull();
    expect(fit.ciMethod).toMatch(/^task loss: .*; accuracy: wald/);
  });

  it('names the row and column of an accuracy outside [0, 1]', () => {
    const r = ladder(3);
    r.acc[4] = 71;
    expect(() => fitDownstream(r, { labels: { acc: 'hellaswag' } })).toThrow(LawsInputError);
    expect(() => fitDownstream(r, { labels: { acc: 'hellaswag' } })).toThrow(/row 5, column 'hellaswag'/);
  });
});
