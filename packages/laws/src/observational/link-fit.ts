/**
 * A target metric against a capability measure (PC scores or log10 compute): the sigmoid fit, its bootstrap over
 * models (percentile intervals for the parameters and for predictions), and the prediction of held-out models.
 */
import { createRng } from '@scalewise/core';
import { quantile } from '../distributions.js';
import { LawsError } from '../errors.js';
import { fitSigmoid, predictSigmoid } from './sigmoid.js';

export interface LinkFit {
  /** Predictor names: `PC-1`…`PC-k`, or `log10(<compute column>)`. */
  predictors: string[];
  n_models: number;
  /** `intercept` and one weight per predictor: target = σ(intercept + Σ weight·predictor). */
  params: Record<string, number>;
  ci: Record<string, [number, number]>;
  ci_level: number;
  ciMethod: string;
  /** Root-mean-square residual (target units) and the mean squared error the paper reports. */
  rmse: number;
  mse: number;
  converged: boolean;
}

export interface LinkModel {
  fit: LinkFit;
  values: Float64Array;
  /** Bootstrap refits (rows: α, β…) with each refit's residuals, for prediction intervals. */
  samples: Float64Array[];
  residuals: Float64Array[];
}

export interface LinkOptions {
  resamples: number;
  level: number;
  seed: number;
}

/** Fit, then bootstrap over models: each resample refits the sigmoid on models drawn with replacement. */
export function fitLink(predictors: string[], xs: Float64Array[], y: Float64Array, options: LinkOptions): LinkModel {
  const n = xs.length;
  const p = predictors.length + 1;
  if (n < p + 2) throw new LawsError(`${n} models for a sigmoid with ${p} parameters: need at least ${p + 2}`);
  const main = fitSigmoid(xs, y);
  const rng = createRng(options.seed);
  const counts = new Float64Array(n);
  const samples: Float64Array[] = [];
  const residuals: Float64Array[] = [];
  let failed = 0;
  for (let r = 0; r < options.resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(n)]! += 1;
    try {
      const refit = fitSigmoid(xs, y, counts);
      samples.push(refit.values);
      residuals.push(Float64Array.from(xs, (x, i) => y[i]! - predictSigmoid(refit.values, x)).filter((_, i) => counts[i]! > 0));
    } catch {
      // A resample whose predictors are collinear (few distinct models) has no fit: counted in ciMethod.
      failed++;
    }
  }
  if (samples.length < 2) throw new LawsError(`bootstrap failed: ${failed} of ${options.resamples} resamples could not be refitted`);
  const names = ['intercept', ...predictors];
  const params: Record<string, number> = {};
  const ci: Record<string, [number, number]> = {};
  names.forEach((name, j) => {
    params[name] = main.values[j]!;
    const col = Float64Array.from(samples, (s) => s[j]!).sort();
    if (col.length >= 2) ci[name] = [quantile(col, (1 - options.level) / 2), quantile(col, (1 + options.level) / 2)];
  });
  const mse = (2 * main.objective) / n;
  return {
    fit: {
      predictors,
      n_models: n,
      params,
      ci,
      ci_level: options.level,
      ciMethod: `bootstrap over models (${samples.length} resamples refitted${failed ? `, ${failed} degenerate skipped` : ''}), percentile`,
      rmse: Math.sqrt(mse),
      mse,
      converged: main.converged,
    },
    values: main.values,
    samples,
    residuals,
  };
}

export interface LinkPrediction {
  estimate: number;
  /** Percentile interval of the fitted curve at x over the bootstrap refits. */
  curve: [number, number];
  /** Interval for a new model's target: the curve plus a residual drawn from the same refit, clipped to [0, 1]. */
  prediction: [number, number];
}

/** Predict the target at x with curve and prediction intervals from the bootstrap. */
export function predictLink(model: LinkModel, x: ArrayLike<number>, level: number, seed = 0): LinkPrediction {
  const rng = createRng(seed);
  const curves = new Float64Array(model.samples.length);
  const draws = new Float64Array(model.samples.length);
  model.samples.forEach((s, r) => {
    curves[r] = predictSigmoid(s, x);
    const res = model.residuals[r]!;
    draws[r] = Math.min(1, Math.max(0, curves[r]! + res[rng.int(res.length)]!));
  });
  curves.sort();
  draws.sort();
  const lo = (1 - level) / 2;
  const hi = (1 + level) / 2;
  return {
    estimate: predictSigmoid(model.values, x),
    curve: [quantile(curves, lo), quantile(curves, hi)],
    prediction: [quantile(draws, lo), quantile(draws, hi)],
  };
}
