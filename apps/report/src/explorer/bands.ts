/**
 * Predictions with prediction intervals, behind one function so that laws' `predictWithIntervals` (issue #15, being
 * added on another branch) replaces the body in one line. Until then only the power law's OLS fit has a band
 * (laws' `powerPredictionInterval`); other forms get their point prediction and `pi: null`.
 */
import {
  getForm,
  powerPredictionInterval,
  type FitOptions,
  type FitResult,
  type Form,
  type Observations,
  type PowerOlsFit,
} from '@scalewise/laws';
import type { PredictionRow } from './protocol.js';

export interface Banded {
  rows: PredictionRow[];
  /** How the bands were made, or why there are none. */
  note: string;
}

function isPowerOls(fit: FitResult): fit is PowerOlsFit {
  return fit.form === 'power' && 'stats' in fit;
}

/** Predictions at `at` (inputs by slot name) with `level` prediction intervals where the form has them. */
export function predictWithBands(
  _obs: Observations,
  fit: FitResult,
  options: FitOptions,
  at: readonly Record<string, number>[],
  level = 0.95,
): Banded {
  const form: Form = typeof options.form === 'string' ? getForm(options.form) : options.form;
  if (isPowerOls(fit)) {
    const rows = at.map((p) => {
      const iv = powerPredictionInterval(fit, p.x!, level);
      return { ...p, y: iv.estimate, pi: [iv.lo, iv.hi] as [number, number] };
    });
    return { rows, note: `${Math.round(level * 100)}% prediction interval (log-log OLS, t)` };
  }
  const rows = at.map((p) => ({
    ...p,
    y: form.predict(
      fit.values,
      form.inputs.map((s) => p[s]!),
    ),
    pi: null,
  }));
  return { rows, note: `no prediction band for form '${fit.form}' yet (only power with method ols has one)` };
}
