/** Profile-likelihood intervals of any least-squares fit by name (the search itself is in profile-core.ts). */
import { LawsError, LawsInputError } from './errors.js';
import { fitLaw, type FitOptions } from './fit.js';
import { getForm } from './forms.js';
import { profileFromFit } from './profile-core.js';
import type { Observations } from './types.js';
import { checkedInputs } from './validate.js';

/**
 * Profile interval of `param` for a least-squares fit (forms other than chinchilla: see `profileChinchilla`).
 * An end where the profile never crosses the limit is ±Infinity; a positive parameter's lower end stops at 0.
 */
export function profileInterval(obs: Observations, options: FitOptions, param: string, calibration: 'F' | 'chi2' = 'F'): [number, number] {
  const form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  const j = form.params.indexOf(param);
  if (j < 0) throw new LawsInputError(`form '${form.name}' has no parameter '${param}' (has ${form.params.join(', ')})`);
  if (form.name === 'chinchilla') throw new LawsInputError('profileInterval works on least-squares fits; use profileChinchilla for chinchilla');
  const fit = fitLaw(obs, { ...options, method: form.name === 'power' ? 'nls' : options.method, loss: 'ls', intervals: false });
  const { inputs, y } = checkedInputs(form, obs, options.labels);
  return profileFromFit(form, inputs, y, fit, j, { level: options.level, space: options.space }, calibration);
}

/** As `profileInterval`, but throws when either end is unbounded. */
export function profileCi(obs: Observations, options: FitOptions, param: string, calibration: 'F' | 'chi2' = 'F'): [number, number] {
  const ci = profileInterval(obs, options, param, calibration);
  const open = ci.findIndex((v) => !Number.isFinite(v));
  if (open >= 0) {
    throw new LawsError(`profile of '${param}' did not cross the ${Math.round((options.level ?? 0.95) * 100)}% limit: the interval is unbounded in the ${open === 1 ? 'upper' : 'lower'} direction`);
  }
  return ci;
}
