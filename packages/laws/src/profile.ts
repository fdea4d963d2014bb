/** Profile-likelihood intervals of any least-squares fit by name (the search itself is in profile-core.ts). */
import { LawsError, LawsInputError } from './errors.js';
import { fitLaw, type FitOptions } from './fit.js';
import { getForm } from './forms.js';
import { profileFromFit } from './profile-core.js';
import type { FitResult, Observations } from './types.js';
import { resolveFitOptions, strategyOf } from './strategies.js';
import { checkedInputs } from './validate.js';

/**
 * Profile interval of `param` for a least-squares fit (forms other than chinchilla: see `profileChinchilla`).
 * An end where the profile never crosses the limit is ±Infinity; a positive parameter's lower end stops at 0.
 */
export function profileInterval(obs: Observations, options: FitOptions, param: string, calibration: 'F' | 'chi2' = 'F'): [number, number] {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const j = form.params.indexOf(param);
  if (j < 0) throw new LawsInputError(`form '${form.name}' has no parameter '${param}' (has ${form.params.join(', ')})`);
  const strategy = strategyOf(form);
  if (strategy.profile) throw new LawsInputError(`profileInterval works on least-squares fits; use profileIntervals for ${form.name}`);
  const fit = fitLaw(obs, { ...options, method: strategy.profileMethod ?? options.method, loss: 'ls', intervals: false });
  const { inputs, y } = checkedInputs(form, obs, options.labels);
  return profileFromFit(form, inputs, y, fit, j, { level: options.level, space: options.space }, calibration);
}

/** As `profileInterval`, but throws when either end is unbounded. */
export function profileCi(obs: Observations, options: FitOptions, param: string, calibration: 'F' | 'chi2' = 'F'): [number, number] {
  const ci = profileInterval(obs, options, param, calibration);
  const open = ci.findIndex((v) => !Number.isFinite(v));
  if (open >= 0) {
    throw new LawsError(
      `profile of '${param}' did not cross the ${Math.round((options.level ?? 0.95) * 100)}% limit: the interval is unbounded in the ` +
        `${open === 1 ? 'upper' : 'lower'} direction`,
    );
  }
  return ci;
}

export interface ProfileIntervals {
  /** Intervals by parameter name; an unbounded end is ±Infinity (0 for a positive parameter's lower end). */
  ci: Record<string, [number, number]>;
  method: string;
  warnings: string[];
}

/**
 * Profile intervals of several parameters (all by default) of any form from one fit: least-squares forms
 * through `profileFromFit` (F calibration), chinchilla through `profileChinchilla` (robust LR for Huber).
 * `fit`, when given, is the fit of the same data and options; chinchilla reuses its optimum instead of refitting.
 */
export function profileIntervals(obs: Observations, options: FitOptions, params?: readonly string[], fit?: FitResult): ProfileIntervals {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const names = params ?? form.params;
  const level = options.level ?? 0.95;
  const strategy = strategyOf(form);
  if (strategy.profile) return strategy.profile(obs, names, resolveFitOptions(form, { ...options, level }), fit);
  const lsFit = fitLaw(obs, { ...options, method: strategy.profileMethod ?? options.method, loss: 'ls', intervals: false });
  const { inputs, y } = checkedInputs(form, obs, options.labels);
  const ci: Record<string, [number, number]> = {};
  const warnings: string[] = [];
  for (const name of names) {
    const j = form.params.indexOf(name);
    if (j < 0) throw new LawsInputError(`form '${form.name}' has no parameter '${name}' (has ${form.params.join(', ')})`);
    try {
      const [lo, hi] = (ci[name] = profileFromFit(form, inputs, y, lsFit, j, { level, space: options.space }));
      if (!Number.isFinite(lo) || !Number.isFinite(hi))
        warnings.push(`the profile interval of ${name} is unbounded ${Number.isFinite(lo) ? 'above' : 'below'}`);
    } catch (error) {
      warnings.push(`no profile interval for ${name}: ${(error as Error).message}`);
    }
  }
  return { ci, method: `profile likelihood (F, ${y.length - form.params.length} dof)`, warnings };
}
