/**
 * What `scalewise fit` does after the fit, the same for built-in forms and --formula: bootstrap (once, shared by
 * intervals, --predict and --optimal), profile intervals, predictions, the --compare table and the compute-optimal
 * allocation. The statistics are @scalewise/laws calls; this module orders them, names errors by flag, and prints.
 */
import {
  bootstrapFit,
  comparisonTable,
  optimalAllocation,
  predictAt,
  predictWithIntervals,
  profileIntervals,
  resolveFitOptions,
  type BootstrapResult,
  type CustomForm,
  type ComparisonTable,
  type FitOptions,
  type FitResult,
  type Form,
  type Observations,
  type OptimalAllocation,
  type PredictionPoint,
} from '@scalewise/laws';
import { UsageError, type CliIO } from '../kit.js';
import { createProgress } from '../progress.js';
import { fmt } from './fit-checks.js';

type Slot = 'x' | 'N' | 'D';

/** Bootstrap refits behind --predict / --optimal when --bootstrap is 0. */
export const DRAW_RESAMPLES = 200;

export interface AnalysisRequest {
  /** --bootstrap resamples for the parameter intervals (0: the fit's own intervals). */
  K: number;
  seed: number;
  profile: boolean;
  /** --predict points, one column per input slot. */
  predict?: Record<string, number[]>;
  /** --compare: the other forms (fitted with their default options). */
  compare: Form[];
  /** --optimal compute budgets (FLOPs). */
  optimal?: number[];
}

export interface Analyses {
  ci: Record<string, [number, number]>;
  ciMethod: string;
  bootInfo: Record<string, number> | null;
  ciProfile: Record<string, [number, number]> | null;
  profileMethod: string | null;
  warnings: string[];
  predictions?: PredictionPoint[];
  /** The inputs of each prediction as [column slot, name shown]: a custom form's own variable names, in formula order. */
  predictionInputs?: [Slot, string][];
  predictionMethod?: string;
  comparison?: ComparisonTable;
  optimal?: OptimalAllocation;
}

/** Laws' input errors found after the fit (a point where the law is undefined, …) exit 2 naming the flag. */
function byFlag<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if ((error as Error).name === 'LawsInputError') throw new UsageError(`--${flag}: ${(error as Error).message}`, { cause: error });
    throw error;
  }
}

export function runAnalyses(io: CliIO, obs: Observations, fit: FitResult, options: FitOptions, req: AnalysisRequest): Analyses {
  const form = options.form as Form;
  const warnings: string[] = [];
  const out: Analyses = { ci: fit.ci, ciMethod: fit.ciMethod, bootInfo: null, ciProfile: null, profileMethod: null, warnings };
  // Points where the law is undefined are refused before any refit.
  if (req.predict) byFlag('predict', () => predictAt(fit, options, req.predict!));
  const needDraws = req.predict !== undefined || req.optimal !== undefined;
  let boot: BootstrapResult | undefined;
  if (req.K > 0 || needDraws) {
    const K = req.K > 0 ? req.K : DRAW_RESAMPLES;
    const progress = createProgress(io);
    boot = bootstrapFit(obs, fit, options, {
      resamples: K,
      seed: req.seed,
      onProgress: (done, total) => progress({ stage: 'bootstrap', done, total, unit: 'refits' }),
    });
    if (boot.failed > 0) warnings.push(`${boot.failed} of ${K} bootstrap resamples could not be refitted`);
    if (req.K > 0) {
      out.ci = boot.ci;
      out.ciMethod = `bootstrap ${boot.method} (${boot.successful} resamples, seed ${req.seed})`;
      out.bootInfo = { resamples: K, successful: boot.successful, failed: boot.failed, seed: req.seed };
    }
  }
  if (req.profile) {
    const prof = profileIntervals(obs, options, undefined, fit);
    out.ciProfile = prof.ci;
    out.profileMethod = prof.method;
    warnings.push(...prof.warnings);
    if (req.K === 0) [out.ci, out.ciMethod] = [prof.ci, prof.method];
  }
  if (req.predict) {
    out.predictions = byFlag('predict', () => predictWithIntervals(obs, fit, options, req.predict!, { boot }));
    const names = (form as Partial<CustomForm>).variables ?? form.inputs;
    out.predictionInputs = form.inputs.map((slot, i) => [slot as Slot, names[i]!]);
    const space = resolveFitOptions(form, options).space;
    out.predictionMethod =
      `${Math.round(fit.ci_level * 100)}% prediction interval of a new observation: bootstrap refits (${boot!.successful}, ` +
      `seed ${req.seed}) plus Student-t residual noise (${fit.n_points - form.params.length} dof) in ${space} space`;
  }
  if (req.compare.length > 0) {
    const labels = options.labels;
    out.comparison = byFlag('compare', () =>
      comparisonTable(obs, [{ form, options, fit }, ...req.compare.map((other) => ({ form: other, options: { labels } }))]),
    );
    for (const row of out.comparison.rows) warnings.push(...row.warnings);
    warnings.push(`AICc comparison: ${out.comparison.reason}`);
  }
  if (req.optimal) {
    out.optimal = byFlag('optimal', () => optimalAllocation(obs, fit, options, req.optimal!, { boot }));
    if (out.optimal.excluded > 0)
      warnings.push(`${out.optimal.excluded} bootstrap refits have no compute-optimal allocation (an exponent ≤ 0) and are left out`);
  }
  return out;
}

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
const pair = ([lo, hi]: [number, number]): [number | null, number | null] => [fin(lo), fin(hi)];

/** The --json fields of the analyses (contract names of issue #15). */
export function analysesJson(a: Analyses): Record<string, unknown> {
  return {
    ...(a.predictions
      ? {
          predictions: a.predictions.map((p) => ({
            ...p,
            y: fin(p.y),
            pi: pair(p.pi),
            // A custom form's variables by their own names (x, N, D above are the slots they are read into).
            ...(a.predictionInputs!.some(([slot, name]) => slot !== name)
              ? { at: Object.fromEntries(a.predictionInputs!.map(([slot, name]) => [name, p[slot]])) }
              : {}),
          })),
          prediction_method: a.predictionMethod,
        }
      : {}),
    ...(a.comparison
      ? {
          comparison: a.comparison.rows.map((r) => ({
            form: r.form,
            k: r.k,
            aicc: r.aicc,
            bic: r.bic,
            loo_error: r.loo_error,
            extrapolation_error: r.extrapolation_error,
            preferred: r.preferred,
            n: r.n,
            aic: r.aic,
            delta_aicc: r.delta_aicc,
            cv: r.cv,
            params: r.params,
          })),
          comparison_reason: a.comparison.reason,
          comparison_preferred: a.comparison.preferred,
        }
      : {}),
    ...(a.optimal ? { optimal: a.optimal.points, optimal_level: a.optimal.level, optimal_draws: a.optimal.draws } : {}),
  };
}

const interval = (c: [number, number]): string => `[${fmt(c[0])}, ${fmt(c[1])}]`;
const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toPrecision(3)}%`);

/** The text sections of the analyses; `yUnit` labels predicted values. */
export function analysesLines(a: Analyses, yUnit: string): string[] {
  const lines: string[] = [];
  if (a.predictions && a.predictions.length > 0) {
    const inputs = a.predictionInputs!;
    lines.push('', `predictions [${yUnit}] (${a.predictionMethod}):`);
    lines.push(`${inputs.map(([, name]) => name.padEnd(12)).join(' ')} ${'y'.padStart(12)}   95% PI`);
    for (const p of a.predictions)
      lines.push(`${inputs.map(([slot]) => fmt(p[slot]!).padEnd(12)).join(' ')} ${fmt(p.y).padStart(12)}   ${interval(p.pi)}`);
  }
  if (a.comparison) {
    lines.push('', 'comparison (AICc rule: a form is preferred when every AICc is defined and its own is 2 or more below every other;');
    lines.push('  k counts the noise variance; errors are mean absolute relative errors of held-out rows):');
    lines.push(
      `${'form'.padEnd(12)} ${'k'.padStart(3)} ${'AICc'.padStart(11)} ${'ΔAICc'.padStart(9)} ${'BIC'.padStart(11)} ` +
        `${'CV error'.padStart(10)} ${'extrap. err'.padStart(12)}`,
    );
    for (const r of a.comparison.rows)
      lines.push(
        `${r.form.padEnd(12)} ${String(r.k).padStart(3)} ${(r.aicc === null ? 'undefined' : fmt(r.aicc)).padStart(11)} ` +
          `${(r.delta_aicc === null ? 'n/a' : fmt(r.delta_aicc)).padStart(9)} ${fmt(r.bic).padStart(11)} ` +
          `${pct(r.loo_error).padStart(10)} ` +
          `${pct(r.extrapolation_error).padStart(12)}  ${r.cv}${r.preferred ? '  ← preferred' : ''}`,
      );
  }
  if (a.optimal) {
    const level = `${Math.round(a.optimal.level * 100)}%`;
    lines.push('', `compute-optimal allocation (C = 6·N·D; ${level} bootstrap percentile intervals over ${a.optimal.draws} refits):`);
    for (const p of a.optimal.points)
      lines.push(
        `C = ${fmt(p.flops)} FLOPs: N_opt = ${fmt(p.N)} params ${interval(p.N_ci)}, D_opt = ${fmt(p.D)} tokens ${interval(p.D_ci)}, ` +
          `D/N = ${fmt(p.tokens_per_param)} tokens/param ${interval(p.tokens_per_param_ci)}`,
      );
  }
  return lines;
}
