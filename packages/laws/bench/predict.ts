/**
 * Full-size coverage of `predictWithIntervals` (src/predict.test.ts runs a 200-replicate power-law version): the
 * fraction of NEW observations, drawn from the true law with the same noise, that fall inside the 95% prediction
 * interval, in range and one decade beyond, for a power law at 6, 10 and 20 points, a saturating law (NLS) and a
 * Chinchilla law on an N × D design (Huber δ = 1e-3 and least squares).
 */
import { createRng } from '@scalewise/core';
import { fitLaw, getForm, predictWithIntervals } from '../src/index.js';
import { simulate } from '../src/internals.js';

type Timer = <T>(fn: () => T) => [T, number];

const logSpaced = (lo: number, hi: number, k: number): number[] => Array.from({ length: k }, (_, i) => lo * (hi / lo) ** (i / (k - 1)));

interface Case {
  name: string;
  form: string;
  truth: number[];
  design: Record<'x' | 'N' | 'D', number[] | undefined>;
  at: Record<'x' | 'N' | 'D', number[] | undefined>;
  sigma: number;
  /** chinchilla: Huber δ = 1e-3 by default (near L1 at this noise: conservative intervals), or least squares. */
  loss?: 'ls' | 'huber';
  replicates: number;
  resamples: number;
}

const power = (n: number): Case => ({
  name: `power, ${n} points`,
  form: 'power',
  truth: [2, -0.3],
  design: { x: logSpaced(1e6, 1e9, n), N: undefined, D: undefined },
  at: { x: [3e6, 1e8, 1e9, 3e9, 1e10], N: undefined, D: undefined },
  sigma: 0.05,
  replicates: 1000,
  resamples: 200,
});

const chinN = [1e7, 3e7, 1e8, 3e8, 1e9].flatMap((n) => [n, n, n, n]);

const CASES: Case[] = [
  power(6),
  power(10),
  power(20),
  {
    name: 'saturating, 12 points',
    form: 'saturating',
    truth: [1.5, 40, 0.4],
    design: { x: logSpaced(1e3, 1e6, 12), N: undefined, D: undefined },
    at: { x: [3e3, 1e5, 1e6, 1e7], N: undefined, D: undefined },
    sigma: 0.01,
    replicates: 100,
    resamples: 100,
  },
  {
    name: 'chinchilla, 5 N × 4 D',
    form: 'chinchilla',
    truth: [1.7, 400, 410, 0.34, 0.28],
    design: { x: undefined, N: chinN, D: chinN.map((n, i) => n * [5, 20, 80, 320][i % 4]!) },
    at: { x: undefined, N: [1e8, 1e9, 1e10], D: [2e9, 2e10, 2e11] },
    sigma: 0.01,
    replicates: 200,
    resamples: 100,
  },
  {
    name: 'chinchilla, 5 N × 4 D, least squares',
    loss: 'ls',
    form: 'chinchilla',
    truth: [1.7, 400, 410, 0.34, 0.28],
    design: { x: undefined, N: chinN, D: chinN.map((n, i) => n * [5, 20, 80, 320][i % 4]!) },
    at: { x: undefined, N: [1e8, 1e9, 1e10], D: [2e9, 2e10, 2e11] },
    sigma: 0.01,
    replicates: 200,
    resamples: 100,
  },
];

export function benchPredictCoverage(time: Timer, log: (s: string) => void, scale = 1): Record<string, unknown>[] {
  return CASES.map((c) => {
    const form = getForm(c.form);
    const slots = form.inputs;
    const inputs = slots.map((s) => (c.design as Record<string, number[]>)[s]!);
    const atCols = slots.map((s) => (c.at as Record<string, number[]>)[s]!);
    const rng = createRng(99);
    const replicates = Math.max(2, Math.round(c.replicates * scale));
    let inside = 0;
    let total = 0;
    const [, seconds] = time(() => {
      for (let rep = 0; rep < replicates; rep++) {
        const y = simulate(form, c.truth, inputs, c.sigma, 10_000 + rep);
        const obs = { ...Object.fromEntries(slots.map((s, i) => [s, inputs[i]])), y };
        const options = { form: c.form, loss: c.loss };
        const fit = fitLaw(obs, options);
        const at = Object.fromEntries(slots.map((s, i) => [s, atCols[i]]));
        const pred = predictWithIntervals(obs, fit, options, at, { resamples: c.resamples, seed: rep });
        pred.forEach((p, j) => {
          const fresh =
            form.predict(
              c.truth,
              atCols.map((col) => col[j]!),
            ) * Math.exp(c.sigma * rng.normal());
          if (fresh >= p.pi[0] && fresh <= p.pi[1]) inside++;
          total++;
        });
      }
    });
    const coverage = inside / total;
    log(`prediction-interval coverage, ${c.name}: ${coverage.toFixed(3)} of ${total} new observations (${seconds.toFixed(1)} s)`);
    return { case: c.name, replicates, resamples: c.resamples, new_observations: total, coverage, seconds };
  });
}
