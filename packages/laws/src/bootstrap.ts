/**
 * Nonparametric bootstrap: rows resampled with replacement (as integer weights, no copies), each resample
 * refitted with the same care as the main fit — the fit's own starts (VarPro grid for chinchilla) PLUS a warm
 * start at the main optimum — and percentile intervals taken over the refits.
 */
import { quantile } from './distributions.js';
import { LawsError } from './errors.js';
import { getForm } from './forms.js';
import { fitLaw, type FitOptions } from './fit.js';
import { createRng } from '@scalewise/core';
import { resolveFitOptions, strategyOf } from './strategies.js';
import type { FitResult, Observations } from './types.js';

export interface BootstrapOptions {
  /** Number of resamples. Default 1000. */
  resamples?: number;
  seed?: number;
  level?: number;
  /** Called after each resample (progress). */
  onProgress?: (done: number, total: number) => void;
}

export interface BootstrapResult {
  /** Percentile intervals by parameter name. */
  ci: Record<string, [number, number]>;
  level: number;
  /** Refitted parameter vectors, row-major (successful × k), in the form's parameter order. */
  samples: Float64Array;
  params: readonly string[];
  successful: number;
  failed: number;
}

/** Bootstrap a fit; `fit` is the main fit (used as warm start), `options` those that produced it. */
export function bootstrapFit(obs: Observations, fit: FitResult, options: FitOptions, boot: BootstrapOptions = {}): BootstrapResult {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const k = form.params.length;
  const K = boot.resamples ?? 1000;
  const level = boot.level ?? options.level ?? 0.95;
  const rng = createRng(boot.seed ?? 0);
  const n = obs.y.length;
  const counts = new Float64Array(n);
  const samples = new Float64Array(K * k);
  let ok = 0;
  let failed = 0;
  const strategy = strategyOf(form);
  const resolved = resolveFitOptions(form, options);
  const refit =
    strategy.refitter?.(obs, fit, resolved) ??
    ((counts: Float64Array) =>
      fitLaw({ ...obs, weights: counts }, { ...options, starts: [fit.values], onlyGivenStarts: strategy.warmStartOnly, intervals: false })
        .values);
  for (let r = 0; r < K; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(n)]! += 1;
    try {
      const values = refit(counts);
      let finite = true;
      for (let j = 0; j < k; j++) if (!Number.isFinite(values[j]!)) finite = false;
      if (!finite) throw new LawsError('non-finite refit');
      samples.set(Array.from(values).slice(0, k), ok * k);
      ok++;
    } catch {
      // Degenerate resamples (e.g. all rows at one x) cannot be fitted; they are counted, not hidden.
      failed++;
    }
    boot.onProgress?.(r + 1, K);
  }
  if (ok < 2) throw new LawsError(`bootstrap failed: only ${ok} of ${K} resamples could be refitted`);
  const ci: Record<string, [number, number]> = {};
  const col = new Float64Array(ok);
  form.params.forEach((name, j) => {
    for (let r = 0; r < ok; r++) col[r] = samples[r * k + j]!;
    col.sort();
    ci[name] = [quantile(col, (1 - level) / 2), quantile(col, (1 + level) / 2)];
  });
  return { ci, level, samples: samples.slice(0, ok * k), params: form.params, successful: ok, failed };
}

/** Percentile interval of any derived quantity over bootstrap samples (e.g. N_opt at a compute budget). */
export function bootstrapQuantity(boot: BootstrapResult, fn: (values: Float64Array) => number, level = boot.level): [number, number] {
  const k = boot.params.length;
  const vals: number[] = [];
  for (let r = 0; r < boot.successful; r++) {
    const v = fn(boot.samples.subarray(r * k, r * k + k));
    if (Number.isFinite(v)) vals.push(v);
  }
  if (vals.length < 2) throw new LawsError('no finite values of the derived quantity across bootstrap samples');
  const sorted = Float64Array.from(vals).sort();
  return [quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2)];
}
