import { describe, expect, it } from 'vitest';
import { analyzePowerLaw } from './power-analysis.js';
import { mobilellm } from './datasets.js';
import { createRng } from '@scalewise/core';

const x = mobilellm.map((r) => r.num_params);
const ppl = mobilellm.map((r) => r.perplexity);

describe('analyzePowerLaw', () => {
  it('reports the observed change between consecutive rows beside the fitted one (the original study: -2.98, -0.99, -0.81 PPL)', () => {
    const rows = analyzePowerLaw({ x, y: ppl, xUnit: 'params_total', yUnit: 'perplexity', bootstrapResamples: 0 }).diminishingReturns;
    // 8.976614 - 11.961319, 7.984185 - 8.976614, 7.171037 - 7.984185 from the shipped table.
    expect(rows.map((r) => r.observedDy)).toEqual([8.976614 - 11.961319, 7.984185 - 8.976614, 7.171037 - 7.984185]);
    expect(rows.map((r) => r.observedDy.toFixed(2))).toEqual(['-2.98', '-0.99', '-0.81']);
  });

  it('reproduces the original study and converts the exponent to loss units', () => {
    const result = analyzePowerLaw({ x, y: ppl, xUnit: 'params_total', yUnit: 'perplexity', bootstrapResamples: 0 });
    expect(result.exponent.b).toBeCloseTo(-0.24571, 4);
    expect(result.exponent.a).toBeCloseTo(1151.6, 0);
    expect(result.exponent.r2).toBeCloseTo(0.9935, 4);
    expect(result.lossExponent!.b).toBeCloseTo(-0.111, 2);
    expect(result.lossExponent!.yUnit).toBe('loss_nats');
    // The t interval with 2 dof is wide; the estimate lies inside it.
    const [lo, hi] = result.exponent.ci.t;
    expect(lo).toBeLessThan(result.exponent.b);
    expect(hi).toBeGreaterThan(result.exponent.b);
  });

  it('tests the loss exponent against a reference only in loss units, with the models needed', () => {
    const nonEmbedding = x.map((n, i) => n - [576, 960, 1152, 1280][i]! * 32000);
    const result = analyzePowerLaw({
      x,
      y: ppl,
      xUnit: 'params_total',
      yUnit: 'perplexity',
      bootstrapResamples: 0,
      xForReference: nonEmbedding,
      reference: { name: 'Kaplan α_N', exponent: -0.076, xUnit: 'params_non_embedding' },
    });
    const test = result.referenceTest!;
    expect(test.xUnit).toBe('params_non_embedding');
    expect(test.estimate).toBeLessThan(0);
    expect(test.pValue).toBeGreaterThan(0);
    expect(test.pValue).toBeLessThan(1);
    expect(test.modelsNeeded).toBeGreaterThanOrEqual(3);
    // The reported loss-unit fit passes through the data: ln loss of each row within a few % of the line.
    for (const [i, n] of nonEmbedding.entries()) {
      expect(test.estimateA * n ** test.estimate).toBeCloseTo(Math.log(ppl[i]!), 1);
    }
  });

  it('gives diminishing-returns intervals that cover the truth at about the nominal rate', () => {
    // Known law y = 30·x^-0.1 with log-normal noise: the delta-method interval of Δy covers the true Δy.
    const sizes = [1e6, 3e6, 1e7, 3e7, 1e8, 3e8];
    const truth = (v: number) => 30 * v ** -0.1;
    const rng = createRng(7);
    let covered = 0;
    const reps = 400;
    for (let r = 0; r < reps; r++) {
      const y = sizes.map((s) => truth(s) * Math.exp(0.02 * rng.normal()));
      const rows = analyzePowerLaw({ x: sizes, y, xUnit: 'params_total', yUnit: 'loss_nats', bootstrapResamples: 0 }).diminishingReturns;
      const row = rows[2]!;
      const trueDy = truth(row.xTo) - truth(row.xFrom);
      if (trueDy >= row.dyCi[0] && trueDy <= row.dyCi[1]) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.91);
    expect(covered / reps).toBeLessThan(0.99);
  });

  it('gives a prediction interval at 2B parameters that contains the point estimate', () => {
    const [at2b] = analyzePowerLaw({
      x,
      y: ppl,
      xUnit: 'params_total',
      yUnit: 'perplexity',
      bootstrapResamples: 0,
      extrapolateTo: [2e9],
    }).extrapolations;
    expect(at2b!.lo).toBeLessThan(at2b!.estimate);
    expect(at2b!.hi).toBeGreaterThan(at2b!.estimate);
    expect(at2b!.estimate).toBeCloseTo(1151.6 * 2e9 ** -0.24571, 1);
  });
});
