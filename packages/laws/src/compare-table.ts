/**
 * One comparison table of forms fitted to the same rows, each with its own fit options (a custom formula beside
 * built-in forms): k, AIC, AICc, BIC, cross-validated error, error extrapolating to the largest input, and the
 * AICc rule of `chooseByAicc` (no preferred form when an AICc is undefined or the best gap is under 2).
 *
 * Cross-validation reuses each fit's bootstrap refitter with a zero weight on the held-out rows, warm-started at
 * the full fit: leave-one-out up to LOO_MAX_ROWS rows, 10-fold (interleaved folds) above.
 */
import { fitSmallPredictLarge, informationCriteria } from './compare.js';
import { LawsError, LawsInputError } from './errors.js';
import { fitLaw, type FitOptions } from './fit.js';
import { getForm, type Form } from './forms.js';
import { aicc, chooseByAicc } from './select.js';
import { resolveFitOptions, strategyOf } from './strategies.js';
import type { FitResult, Observations } from './types.js';

/** Above this many rows, cross-validation is 10-fold instead of leave-one-out. */
export const LOO_MAX_ROWS = 300;

export interface ComparisonCandidate {
  form: string | Form;
  /** Fit options of this form (method, loss, labels, …). */
  options?: Omit<FitOptions, 'form'>;
  /** The fit already made with these options, if any (not refitted). */
  fit?: FitResult;
}

export interface ComparisonRow {
  form: string;
  n: number;
  /** Estimated parameters, the noise variance included (the k of AIC). */
  k: number;
  aic: number;
  /** null when n ≤ k + 1. */
  aicc: number | null;
  /** AICc minus the smallest AICc; null when any AICc is undefined. */
  delta_aicc: number | null;
  bic: number;
  /** Mean absolute relative error of held-out predictions (see `cv`); null when the refits failed. */
  loo_error: number | null;
  /** Absolute relative error predicting the row with the largest x (N for joint forms) from the others. */
  extrapolation_error: number | null;
  preferred: boolean;
  /** `leave-one-out` or `10-fold`. */
  cv: string;
  params: Record<string, number>;
  warnings: string[];
}

export interface ComparisonTable {
  rows: ComparisonRow[];
  preferred: string | null;
  /** Why `preferred` is what it is, in words. */
  reason: string;
}

/**
 * Warm refits with row weights (bootstrap machinery): the form's own refitter, or NLS from the fit's optimum only
 * (holding out a few rows moves the optimum little; the form's full multi-start set would cost each fold as much as
 * the fit itself).
 */
function warmRefitter(obs: Observations, fit: FitResult, options: FitOptions): (counts: Float64Array) => ArrayLike<number> {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const strategy = strategyOf(form);
  return (
    strategy.refitter?.(obs, fit, resolveFitOptions(form, options)) ??
    ((counts) => fitLaw({ ...obs, weights: counts }, { ...options, starts: [fit.values], onlyGivenStarts: true, intervals: false }).values)
  );
}

/** Mean absolute relative error of predictions of held-out rows (leave-one-out, or 10 interleaved folds). */
export function crossValidationError(obs: Observations, fit: FitResult, options: FitOptions): { error: number; cv: string } {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const n = obs.y.length;
  const folds = n <= LOO_MAX_ROWS ? n : 10;
  const refit = warmRefitter(obs, fit, options);
  const counts = new Float64Array(n);
  const xi = new Float64Array(form.inputs.length);
  let sum = 0;
  for (let f = 0; f < folds; f++) {
    for (let i = 0; i < n; i++) counts[i] = i % folds === f ? 0 : 1;
    const values = refit(counts);
    for (let i = f; i < n; i += folds) {
      form.inputs.forEach((slot, c) => (xi[c] = obs[slot]![i]!));
      sum += Math.abs(form.predict(values, xi) - obs.y[i]!) / Math.abs(obs.y[i]!);
    }
  }
  const error = sum / n;
  if (!Number.isFinite(error)) throw new LawsError('cross-validation produced a non-finite error');
  return { error, cv: folds === n ? 'leave-one-out' : `${folds}-fold` };
}

/**
 * Fit (or take) every candidate on the same rows and compare them. All candidates must take the same inputs and
 * fit in the same residual space (AIC of log residuals and of linear residuals are not comparable).
 */
export function comparisonTable(obs: Observations, candidates: readonly ComparisonCandidate[]): ComparisonTable {
  if (candidates.length === 0) throw new LawsInputError('nothing to compare: give at least one form');
  const forms = candidates.map((c) => (typeof c.form === 'string' ? getForm(c.form) : c.form));
  const first = forms[0]!;
  const twice = forms.find((form, i) => forms.findIndex((other) => other.name === form.name) !== i);
  if (twice) throw new LawsInputError(`form '${twice.name}' is listed twice: compare different forms`);
  const space0 = resolveFitOptions(first, candidates[0]!.options ?? {}).space;
  forms.forEach((form, i) => {
    if ([...form.inputs].sort().join() !== [...first.inputs].sort().join())
      throw new LawsInputError(
        `form '${form.name}' takes ${form.inputs.join(' and ')}, form '${first.name}' takes ${first.inputs.join(' and ')}: ` +
          'compare forms of the same inputs',
      );
    const space = resolveFitOptions(form, candidates[i]!.options ?? {}).space;
    if (space !== space0)
      throw new LawsInputError(
        `form '${form.name}' fits ${space} residuals, form '${first.name}' ${space0} residuals: their AICc are not comparable`,
      );
  });
  const fits = candidates.map((c, i) => ({ options: { ...c.options, form: forms[i]! }, fit: c.fit }));
  const done = fits.map(({ options, fit }) => fit ?? fitLaw(obs, { ...options, intervals: false }));
  const choice = chooseByAicc(done.map((fit, i) => ({ name: forms[i]!.name, fit })));
  const rows = done.map((fit, i): ComparisonRow => {
    const form = forms[i]!;
    const options = fits[i]!.options;
    const warnings: string[] = [];
    const { aic, bic } = informationCriteria(fit);
    const k = fit.values.length + 1;
    let loo: number | null = null;
    let cv = obs.y.length <= LOO_MAX_ROWS ? 'leave-one-out' : '10-fold';
    try {
      ({ error: loo, cv } = crossValidationError(obs, fit, options));
    } catch (error) {
      warnings.push(`${form.name}: cross-validation failed (${(error as Error).message})`);
    }
    let extrapolation: number | null = null;
    try {
      // Extrapolate along N where the form has it (the data-constrained form's U is never first).
      const by = form.inputs.includes('N') ? 'N' : form.inputs[0]!;
      extrapolation = fitSmallPredictLarge(obs, options, 1, by).absRelErrors[0] ?? null;
    } catch (error) {
      warnings.push(`${form.name}: fit without the largest row failed (${(error as Error).message})`);
    }
    return {
      form: form.name,
      n: fit.n_points,
      k,
      aic,
      aicc: aicc(aic, fit.n_points, k),
      delta_aicc: choice.rows[i]!.delta,
      bic,
      loo_error: loo,
      extrapolation_error: extrapolation,
      preferred: choice.preferred === form.name,
      cv,
      params: fit.params,
      warnings,
    };
  });
  return { rows, preferred: choice.preferred, reason: choice.reason };
}
