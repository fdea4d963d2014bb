/**
 * Fitting loss-to-loss transfer: multi-start NLS on log residuals with E₁ inside (0, min L₁) and E₂ inside
 * (0, min L₂) at the start; E₁ and/or E₂ may be held at values estimated elsewhere (the paper takes them from
 * each dataset's own compute scaling law). Intervals: Wald / profile from fitLaw; bootstrapFit on `fittedForm`.
 */
import { LawsInputError } from '../errors.js';
import { fitLaw } from '../fit.js';
import { withFixedParams } from '../fixed-params.js';
import type { Form } from '../forms.js';
import type { FitResult } from '../types.js';
import type { ColumnLabels } from '../validate.js';
import { lossToLossBelow } from './form.js';
import { lossToLossStrategy } from './strategy.js';

export interface LossToLossOptions {
  /** Irreducible losses held at given values (e.g. from each dataset's own scaling law). */
  fixed?: { E1?: number; E2?: number };
  level?: number;
  labels?: ColumnLabels;
}

export interface LossToLossFit extends FitResult {
  fixed: Record<string, number>;
  /** The form that was fitted (free parameters only): pass it to bootstrapFit / profileIntervals. */
  fittedForm: Form;
}

/** Fit L₂ = K·(L₁ − E₁)^κ + E₂ to paired losses `x` (L₁) and `y` (L₂) of the same models. */
export function fitLossToLoss(obs: { x: ArrayLike<number>; y: ArrayLike<number> }, options: LossToLossOptions = {}): LossToLossFit {
  const labels = options.labels ?? {};
  const fixed: Record<string, number> = {};
  if (options.fixed?.E1 !== undefined) fixed.E1 = options.fixed.E1;
  if (options.fixed?.E2 !== undefined) fixed.E2 = options.fixed.E2;
  let argmin = 0;
  for (let i = 1; i < obs.x.length; i++) if (obs.x[i]! < obs.x[argmin]!) argmin = i;
  const minX = obs.x[argmin]!;
  if (fixed.E1 !== undefined) {
    if (obs.x.length > 0 && !(fixed.E1 < minX))
      throw new LawsInputError(
        `row ${argmin + 1}, column '${labels.x ?? 'x'}': L1 = ${obs.x[argmin]} is not above the irreducible loss E1 = ${fixed.E1}: ` +
          'expected E1 < min L1',
      );
  }
  const strategy = lossToLossStrategy(fixed);
  const bounded = lossToLossBelow(minX);
  const form = Object.keys(fixed).length > 0 ? withFixedParams(bounded, fixed, strategy) : { ...bounded, strategy };
  const fit = fitLaw(obs, { form, level: options.level, labels });
  const e1 = fit.ci.E1;
  if (e1 && e1[1] >= minX) {
    // A Wald interval is symmetric; E₁ cannot reach min L₁, so the end beyond it is cut there (bootstrap respects it).
    fit.ci.E1 = [e1[0], minX];
    fit.warnings.push(`the Wald interval of E1 reached past min L1 = ${minX}: its upper end is cut there (use the bootstrap)`);
  }
  return { ...fit, fixed, fittedForm: form };
}
