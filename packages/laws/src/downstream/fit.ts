/**
 * Downstream accuracy in two steps (Bhagia et al. 2024): task loss L(N, D) = E + A/N^α + B/D^β (the chinchilla
 * fit), then accuracy = a / (1 + e^(−k·(L − L0))) + b fitted on the observed (task loss, accuracy) pairs; the
 * combined prediction at new (N, D) is the sigmoid of the predicted task loss. Intervals: nonparametric bootstrap
 * over runs, both steps refitted on each resample, so the step-1 uncertainty carries through to the accuracy.
 */
import { createRng } from '@scalewise/core';
import { orderQuantile } from '../distributions.js';
import { LawsError, LawsInputError } from '../errors.js';
import { fitLaw } from '../fit.js';
import { chinchilla } from '../forms.js';
import { resolveFitOptions, strategyOf } from '../strategies.js';
import type { FitResult } from '../types.js';
import { accuracySigmoid } from './sigmoid.js';

export interface DownstreamRuns {
  N: ArrayLike<number>;
  D: ArrayLike<number>;
  /** Task loss of each run (e.g. nats per token of the correct answer). */
  taskLoss: ArrayLike<number>;
  /** Task accuracy as a fraction in [0, 1]. */
  acc: ArrayLike<number>;
}

export interface DownstreamOptions {
  /** Bootstrap resamples (default 200; 0: point estimates and each step's own intervals). */
  resamples?: number;
  seed?: number;
  level?: number;
  /** (N, D) points to predict task loss and accuracy at. */
  predict?: readonly { N: number; D: number }[];
  labels?: { N?: string; D?: string; taskLoss?: string; acc?: string };
  onProgress?: (done: number, total: number) => void;
}

export interface DownstreamPrediction {
  N: number;
  D: number;
  task_loss: number;
  task_loss_ci: [number, number] | null;
  accuracy: number;
  accuracy_ci: [number, number] | null;
}

export interface DownstreamFit {
  /** Step 1: chinchilla fit of the task loss. */
  taskLoss: FitResult;
  /** Step 2: sigmoid fit of accuracy on task loss. */
  accuracy: FitResult;
  /** Both steps' parameters (E, A, B, alpha, beta, a, k, L0, b). */
  params: Record<string, number>;
  ci: Record<string, [number, number]>;
  ciMethod: string;
  level: number;
  predictions: DownstreamPrediction[];
  bootstrap: { resamples: number; successful: number; failed: number; seed: number } | null;
  warnings: string[];
}

function checkRuns(runs: DownstreamRuns, labels: NonNullable<DownstreamOptions['labels']>): void {
  const n = runs.N.length;
  for (const key of ['D', 'taskLoss', 'acc'] as const)
    if (runs[key].length !== n) throw new LawsInputError(`column '${labels[key] ?? key}' has ${runs[key].length} values but N has ${n}`);
  for (let i = 0; i < n; i++) {
    const a = runs.acc[i]!;
    if (!(a >= 0 && a <= 1))
      throw new LawsInputError(`row ${i + 1}, column '${labels.acc ?? 'acc'}': expected an accuracy as a fraction in [0, 1], found ${a}`);
  }
}

const percentile = (vals: number[], level: number): [number, number] | null => {
  if (vals.length < 2) return null;
  const s = Float64Array.from(vals).sort();
  return [orderQuantile(s, (1 - level) / 2), orderQuantile(s, (1 + level) / 2)];
};

/** Fit both steps, predict at `options.predict`, and bootstrap both steps together for intervals. */
export function fitDownstream(runs: DownstreamRuns, options: DownstreamOptions = {}): DownstreamFit {
  const labels = options.labels ?? {};
  checkRuns(runs, labels);
  const level = options.level ?? 0.95;
  const obs1 = { N: runs.N, D: runs.D, y: runs.taskLoss };
  const obs2 = { x: runs.taskLoss, y: runs.acc };
  const step1 = fitLaw(obs1, { form: chinchilla, level, labels: { N: labels.N, D: labels.D, y: labels.taskLoss } });
  const step2 = fitLaw(obs2, { form: accuracySigmoid, level, labels: { x: labels.taskLoss, y: labels.acc } });
  const predictAt = (v1: ArrayLike<number>, v2: ArrayLike<number>, N: number, D: number): [number, number] => {
    const L = chinchilla.predict(v1, [N, D]);
    return [L, accuracySigmoid.predict(v2, [L])];
  };
  const points = options.predict ?? [];
  const params = { ...step1.params, ...step2.params };
  const names = [...chinchilla.params, ...accuracySigmoid.params];
  const K = options.resamples ?? 200;
  const warnings = [...step1.warnings.map((w) => `task loss: ${w}`), ...step2.warnings.map((w) => `accuracy: ${w}`)];
  const base: DownstreamFit = {
    taskLoss: step1,
    accuracy: step2,
    params,
    ci: { ...step1.ci, ...step2.ci },
    ciMethod: `task loss: ${step1.ciMethod}; accuracy: ${step2.ciMethod}`,
    level,
    predictions: points.map(({ N, D }) => {
      const [L, acc] = predictAt(step1.values, step2.values, N, D);
      return { N, D, task_loss: L, task_loss_ci: null, accuracy: acc, accuracy_ci: null };
    }),
    bootstrap: null,
    warnings,
  };
  if (K === 0) return base;
  const seed = options.seed ?? 0;
  const rng = createRng(seed);
  const n = runs.N.length;
  const counts = new Float64Array(n);
  const refit1 = strategyOf(chinchilla).refitter?.(obs1, step1, resolveFitOptions(chinchilla, {}));
  if (!refit1) throw new LawsError('the chinchilla strategy has no bootstrap refitter');
  const samples: number[][] = names.map(() => []);
  const predL: number[][] = points.map(() => []);
  const predA: number[][] = points.map(() => []);
  let failed = 0;
  for (let r = 0; r < K; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(n)]! += 1;
    try {
      const v1 = refit1(counts);
      const v2 = fitLaw(
        { ...obs2, weights: counts },
        { form: accuracySigmoid, starts: [step2.values], onlyGivenStarts: true, intervals: false },
      ).values;
      const all = [...Array.from(v1), ...Array.from(v2)];
      if (!all.every(Number.isFinite)) throw new LawsError('non-finite refit');
      all.forEach((v, j) => samples[j]!.push(v));
      points.forEach(({ N, D }, j) => {
        const [L, acc] = predictAt(v1, v2, N, D);
        predL[j]!.push(L);
        predA[j]!.push(acc);
      });
    } catch {
      // A resample that cannot be refitted (e.g. one distinct size) is counted, not hidden.
      failed++;
    }
    options.onProgress?.(r + 1, K);
  }
  const successful = K - failed;
  if (successful < 2) throw new LawsError(`bootstrap failed: only ${successful} of ${K} resamples could be refitted`);
  const ci: Record<string, [number, number]> = {};
  names.forEach((name, j) => (ci[name] = percentile(samples[j]!, level)!));
  if (failed > 0) warnings.push(`${failed} of ${K} bootstrap resamples could not be refitted`);
  return {
    ...base,
    ci,
    ciMethod: `bootstrap percentile over runs, both steps refitted (${successful} resamples, seed ${seed})`,
    predictions: base.predictions.map((p, j) => ({
      ...p,
      task_loss_ci: percentile(predL[j]!, level),
      accuracy_ci: percentile(predA[j]!, level),
    })),
    bootstrap: { resamples: K, successful, failed, seed },
    warnings,
  };
}
