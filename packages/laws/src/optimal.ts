/**
 * Compute-optimal allocation of a fitted Chinchilla law with bootstrap intervals: N_opt, D_opt and tokens per
 * parameter at each budget C (C = 6·N·D), from `computeOptimal` on the fit and on every bootstrap refit.
 */
import { computeOptimal } from './analysis.js';
import { bootstrapFit, bootstrapTail, orderQuantile, type BootstrapResult } from './bootstrap.js';
import { LawsError, LawsInputError } from './errors.js';
import type { FitOptions } from './fit.js';
import { getForm } from './forms.js';
import type { FitResult, Observations } from './types.js';

/** The compute-optimal model at one budget, with percentile intervals over bootstrap refits. */
export interface OptimalPoint {
  /** Compute budget C in FLOPs. */
  flops: number;
  /** Parameters of the compute-optimal model. */
  N: number;
  N_ci: [number, number];
  /** Training tokens of the compute-optimal model. */
  D: number;
  D_ci: [number, number];
  tokens_per_param: number;
  tokens_per_param_ci: [number, number];
}

export interface OptimalAllocation {
  points: OptimalPoint[];
  level: number;
  /** Bootstrap refits the intervals are taken over. */
  draws: number;
  /** Refits left out because an exponent or coefficient came out non-positive (no finite optimum). */
  excluded: number;
}

/** Default bootstrap refits behind the intervals when none are given. */
export const OPTIMAL_RESAMPLES = 200;

type ChinchillaParams = { A: number; B: number; alpha: number; beta: number };

const hasOptimum = (p: ChinchillaParams): boolean => p.A > 0 && p.B > 0 && p.alpha > 0 && p.beta > 0;

/**
 * N_opt, D_opt and D/N at each budget in `flops` for a `chinchilla` fit, with `level` percentile intervals over
 * bootstrap refits (`opts.boot`, or `opts.resamples` new ones). Throws LawsInputError for another form, a
 * non-positive budget or a fit whose exponents give no optimum.
 */
export function optimalAllocation(
  obs: Observations,
  fit: FitResult,
  options: FitOptions,
  flops: ArrayLike<number>,
  opts: { level?: number; resamples?: number; seed?: number; boot?: BootstrapResult } = {},
): OptimalAllocation {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  if (form.name !== 'chinchilla')
    throw new LawsInputError(`a compute-optimal allocation needs the chinchilla form (E + A/N^alpha + B/D^beta), not '${form.name}'`);
  Array.from(flops).forEach((c, i) => {
    if (!(Number.isFinite(c) && c > 0)) throw new LawsInputError(`compute budget ${i + 1} must be a positive number of FLOPs, found ${c}`);
  });
  const p = fit.params as ChinchillaParams;
  if (!hasOptimum(p))
    throw new LawsInputError(
      `the fitted law has no compute-optimal allocation: A, B, alpha and beta must be positive, found ` +
        `A = ${p.A}, B = ${p.B}, alpha = ${p.alpha}, beta = ${p.beta}`,
    );
  const level = opts.level ?? opts.boot?.level ?? 0.95;
  const boot =
    opts.boot ?? bootstrapFit(obs, fit, options, { resamples: opts.resamples ?? OPTIMAL_RESAMPLES, seed: opts.seed ?? 0, level });
  const k = boot.params.length;
  const at = (name: string) => boot.params.indexOf(name);
  const [iA, iB, iAlpha, iBeta] = [at('A'), at('B'), at('alpha'), at('beta')];
  const draws: ChinchillaParams[] = [];
  for (let r = 0; r < boot.successful; r++) {
    const s = boot.samples.subarray(r * k, r * k + k);
    const d = { A: s[iA]!, B: s[iB]!, alpha: s[iAlpha]!, beta: s[iBeta]! };
    if (hasOptimum(d)) draws.push(d);
  }
  if (draws.length < 2) throw new LawsError(`only ${draws.length} bootstrap refits have a compute-optimal allocation`);
  // The percentiles the parameters' own intervals take (`bootstrapQuantity`'s rule: order statistics, tail by interval kind).
  const tail = level === boot.level ? boot.tail : bootstrapTail(level, boot.interval, boot.rows, k);
  const pct = (values: number[]): [number, number] => {
    const sorted = Float64Array.from(values).sort();
    return [orderQuantile(sorted, tail), orderQuantile(sorted, 1 - tail)];
  };
  const points = Array.from(flops, (C) => {
    const best = computeOptimal(p, C);
    const each = draws.map((d) => computeOptimal(d, C));
    return {
      flops: C,
      N: best.N_opt,
      N_ci: pct(each.map((o) => o.N_opt)),
      D: best.D_opt,
      D_ci: pct(each.map((o) => o.D_opt)),
      tokens_per_param: best.tokensPerParam,
      tokens_per_param_ci: pct(each.map((o) => o.tokensPerParam)),
    };
  });
  return { points, level, draws: draws.length, excluded: boot.successful - draws.length };
}
