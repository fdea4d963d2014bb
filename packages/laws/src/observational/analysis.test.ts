import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { datasets } from '../datasets.js';
import { observationalScaling } from './analysis.js';
import { sigmoid } from './sigmoid.js';
import { benchmarkScores, type BenchmarkScores } from './table.js';

/** Models whose benchmarks and target all follow one latent capability s = 0.8·log10(C) + a family offset. */
function world(seed: number): BenchmarkScores {
  const rng = createRng(seed);
  const n = 60;
  const models: string[] = [];
  const scores: Float64Array[] = [];
  const target = new Float64Array(n);
  const compute = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const logC = -1 + (4 * i) / n;
    const s = 0.8 * logC + [0, -1, 0.7][i % 3]!;
    models.push(`m${i}`);
    compute[i] = 10 ** logC;
    // Benchmarks linear in capability (the paper's Eq. 5), each with its own slope and offset.
    scores.push(Float64Array.from([1.0, 0.7, 1.3, 0.5], (w, j) => 0.5 + 0.08 * w * (s - 1) + 0.02 * j + 0.005 * rng.normal()));
    target[i] = Math.min(1, Math.max(0, sigmoid(1.5 * s - 2) + 0.01 * rng.normal()));
  }
  scores[5]![2] = NaN;
  return {
    models,
    benchmarks: ['b1', 'b2', 'b3', 'b4'],
    scores,
    target: { name: 'acc', values: target },
    compute: { name: 'C', values: compute },
  };
}

describe('observationalScaling', () => {
  it('finds one dominant capability and predicts held-out strong models from it better than from compute', () => {
    const r = observationalScaling(world(1), { components: 1, resamples: 200 });
    expect(r.imputed_cells).toBe(1);
    expect(r.explained_variance_ratio[0]).toBeGreaterThan(0.95);
    const h = r.target!.holdout!;
    expect(h.n_test).toBe(12);
    expect(h.ranked_by).toBe('C');
    // Family offsets make compute a poor predictor across families; PC-1 sees capability directly.
    expect(h.pc.mse_test).toBeLessThan(h.compute!.mse_test / 5);
    expect(h.pc.covered).toBeGreaterThanOrEqual(9); // of 12, 95% prediction intervals
    expect(r.target!.pc.rmse).toBeLessThan(0.03);
  });

  it('reports loadings, variance shares and scores on the built-in table with PC-1 ordered by capability', () => {
    const input = benchmarkScores(datasets.obsScaling, {
      benchmarks: ['MMLU', 'ARC-C', 'HellaSwag', 'Winograd', 'TruthfulQA', 'XWinograd', 'HumanEval'],
    });
    const r = observationalScaling(input);
    expect(r.components).toBe(3);
    expect(r.loadings).toHaveLength(7);
    expect(r.cumulative_ratio[6]).toBeCloseTo(1, 12);
    const pc1 = (name: string) => r.scores.find((s) => s.model === name)!.pc[0]!;
    expect(pc1('meta-llama/Llama-2-70b-hf')).toBeGreaterThan(pc1('meta-llama/Llama-2-7b-hf'));
    expect(r.target).toBeUndefined();
  });

  it('warns about models without a target or without compute and leaves them out', () => {
    const w = world(2);
    w.target!.values[0] = NaN;
    w.compute!.values[1] = NaN;
    const r = observationalScaling(w, { resamples: 50, components: 2 });
    expect(r.target!.pc.n_models).toBe(59);
    expect(r.target!.compute!.n_models).toBe(58);
    expect(r.warnings.join('\n')).toMatch(/1 models have no 'acc' value[\s\S]*1 models with a target have no 'C'/);
  });
});

describe('observationalScaling held-out check', () => {
  it('is skipped with the reason when a benchmark was scored only on the held-out models', () => {
    const input: BenchmarkScores = {
      models: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      benchmarks: ['b1', 'b2', 'late'],
      scores: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].map((s, i) => Float64Array.of(s, s * 0.9 + 0.05, i >= 6 ? s - 0.1 : NaN)),
      target: { name: 'acc', values: Float64Array.of(0.02, 0.05, 0.12, 0.25, 0.45, 0.65, 0.8, 0.9) },
    };
    const r = observationalScaling(input, { components: 1, resamples: 50 });
    expect(r.target!.holdout).toBeUndefined();
    expect(r.warnings).toContain('held-out check skipped: no model left to fit has a score on late: nothing to impute it from');
  });
});
