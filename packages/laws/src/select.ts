/**
 * Choosing between fitted forms by AICc, with an honest "cannot tell": AICc = AIC + 2k(k+1)/(n−k−1) is undefined
 * when n ≤ k+1, and a gap under 2 between the best two is no evidence (Burnham & Anderson), so neither case
 * names a preferred form.
 */
import { fitSmallPredictLarge, informationCriteria, leaveOneOut } from './compare.js';
import { fitLaw, type FitOptions } from './fit.js';
import type { FitResult, Observations } from './types.js';
import type { Form } from './forms.js';

/** Smallest AICc gap between the best and the second-best form that counts as evidence. */
export const AICC_MIN_GAP = 2;

export interface AiccRow {
  name: string;
  n: number;
  /** Estimated parameters, the noise variance included (the k of AIC). */
  k: number;
  aic: number;
  /** null when n ≤ k + 1 (the small-sample correction is undefined). */
  aicc: number | null;
  /** AICc minus the smallest AICc; null when any AICc is undefined. */
  delta: number | null;
}

export interface AiccChoice {
  rows: AiccRow[];
  /** The form with the lowest AICc, or null when the comparison cannot tell (see `reason`). */
  preferred: string | null;
  /** Why `preferred` is what it is, in words. */
  reason: string;
}

/** AICc of a fit with `k` parameters (noise variance included) on `n` points; null when n ≤ k + 1. */
export function aicc(aic: number, n: number, k: number): number | null {
  return n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : null;
}

/** Compare fits of the same data by AICc; `preferred` is null when any AICc is undefined or the best gap is under 2. */
export function chooseByAicc(fits: readonly { name: string; fit: FitResult }[]): AiccChoice {
  const rows: AiccRow[] = fits.map(({ name, fit }) => {
    const { aic } = informationCriteria(fit);
    const k = fit.values.length + 1;
    return { name, n: fit.n_points, k, aic, aicc: aicc(aic, fit.n_points, k), delta: null };
  });
  if (rows.length === 0) return { rows, preferred: null, reason: 'no form was fitted' };
  const undefinedRows = rows.filter((r) => r.aicc === null);
  if (undefinedRows.length > 0) {
    const names = undefinedRows.map((r) => `${r.name} (n = ${r.n}, k = ${r.k})`).join(', ');
    return { rows, preferred: null, reason: `cannot tell: AICc is undefined for ${names}, which needs n > k + 1` };
  }
  const best = Math.min(...rows.map((r) => r.aicc!));
  for (const r of rows) r.delta = r.aicc! - best;
  if (rows.length === 1) return { rows, preferred: rows[0]!.name, reason: 'only one form was fitted' };
  const ranked = [...rows].sort((a, b) => a.delta! - b.delta! || a.k - b.k);
  const gap = ranked[1]!.delta! - ranked[0]!.delta!;
  if (gap < AICC_MIN_GAP) {
    return {
      rows,
      preferred: null,
      reason: `cannot tell: the AICc gap between ${ranked[0]!.name} and ${ranked[1]!.name} is ${gap.toPrecision(3)} (< ${AICC_MIN_GAP})`,
    };
  }
  return {
    rows,
    preferred: ranked[0]!.name,
    reason: `${ranked[0]!.name} has the lowest AICc, ${gap.toPrecision(3)} below ${ranked[1]!.name}`,
  };
}

export interface FormComparison {
  form: string;
  params: Record<string, number>;
  ci: Record<string, [number, number]>;
  r2: number | null;
  aic: number;
  bic: number;
  /** null when n ≤ k + 1. */
  aicc: number | null;
  /** Mean absolute relative error of leave-one-out predictions. */
  looError: number | null;
  /** Absolute relative error predicting the row with the largest x from the others. */
  largestError: number | null;
  method: string;
  warnings: string[];
  values: number[];
}

export interface FormsComparison {
  fits: FormComparison[];
  /** Form preferred by the AICc rule, or null ("cannot tell"). */
  preferred: string | null;
  reason: string;
  /** Forms whose fit failed, with why. */
  warnings: string[];
}

/**
 * Fit every form to the same one-variable data and compare them: information criteria, leave-one-out error,
 * error extrapolating to the largest x, and the AICc choice. A form whose fit fails is reported, not thrown.
 */
export function compareForms(
  obs: Observations,
  forms: readonly (string | Form)[],
  options: Omit<FitOptions, 'form'> = {},
): FormsComparison {
  const fits: FormComparison[] = [];
  const results: { name: string; fit: FitResult }[] = [];
  const warnings: string[] = [];
  for (const form of forms) {
    // Built-in forms by name, or Form objects (customForm).
    const name = typeof form === 'string' ? form : form.name;
    const opts = { ...options, form };
    let fit: FitResult;
    try {
      fit = fitLaw(obs, opts);
    } catch (error) {
      warnings.push(`${name} fit failed: ${(error as Error).message}`);
      continue;
    }
    const { aic, bic } = informationCriteria(fit);
    const fitWarnings = [...fit.warnings];
    let looError: number | null = null;
    let largestError: number | null = null;
    try {
      looError = leaveOneOut(obs, opts).meanAbsRelError;
    } catch (error) {
      fitWarnings.push(`leave-one-out failed: ${(error as Error).message}`);
    }
    try {
      largestError = fitSmallPredictLarge(obs, opts, 1).absRelErrors[0] ?? null;
    } catch (error) {
      fitWarnings.push(`fit-small/predict-large failed: ${(error as Error).message}`);
    }
    const k = fit.values.length + 1;
    fits.push({
      form: name,
      params: fit.params,
      ci: fit.ci,
      r2: fit.r2,
      aic,
      bic,
      aicc: aicc(aic, fit.n_points, k),
      looError,
      largestError,
      method: fit.method,
      warnings: fitWarnings,
      values: Array.from(fit.values),
    });
    results.push({ name, fit });
  }
  const choice = chooseByAicc(results);
  return { fits, preferred: choice.preferred, reason: choice.reason, warnings };
}
