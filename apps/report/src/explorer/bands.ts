/**
 * Predictions with prediction intervals from laws' `predictWithIntervals`: the exact t interval for the power law's
 * log-log OLS fit, bootstrap refits plus residual noise in the fit's space for every other form (custom ones
 * included), reusing the fit's bootstrap when the page already made one.
 */
import {
  predictWithIntervals,
  type BootstrapResult,
  type FitOptions,
  type FitResult,
  type Form,
  type Observations,
  type PowerOlsFit,
} from '@scalewise/laws';
import type { PredictionRow } from './protocol.js';

/** Bootstrap refits behind a band when the fit has none to reuse (fixed seed: the same page gives the same band). */
export const BAND_BOOTSTRAP = { resamples: 200, seed: 1 } as const;

export interface Banded {
  rows: PredictionRow[];
  /** How the bands were made. */
  note: string;
}

function isPowerOls(fit: FitResult): fit is PowerOlsFit {
  return fit.form === 'power' && 'stats' in fit;
}

/** The law's value at each point, without an interval (shown until the bands are computed). */
export function pointPredictions(form: Form, fit: FitResult, at: readonly Record<string, number>[]): PredictionRow[] {
  return at.map((p) => ({
    ...p,
    y: form.predict(
      fit.values,
      form.inputs.map((s) => p[s]!),
    ),
    pi: null,
  }));
}

/** Predictions at `at` (inputs by slot name) with `level` prediction intervals. */
export function predictWithBands(
  obs: Observations,
  fit: FitResult,
  options: FitOptions & { form: Form },
  at: readonly Record<string, number>[],
  level: number,
  boot?: BootstrapResult,
): Banded {
  const pct = `${Math.round(level * 100)}%`;
  const columns = Object.fromEntries(options.form.inputs.map((s) => [s, at.map((p) => p[s]!)]));
  const points = predictWithIntervals(obs, fit, options, columns, { level, ...BAND_BOOTSTRAP, ...(boot ? { boot } : {}) });
  const rows = points.map((p) => ({ ...p, pi: p.pi }));
  // laws gives power's log-log OLS fit its exact t interval and no refits.
  if (isPowerOls(fit)) return { rows, note: `${pct} prediction interval (log-log OLS, t)` };
  const refits = boot
    ? `${boot.successful} converged bootstrap refits`
    : `${BAND_BOOTSTRAP.resamples} bootstrap refits (seed ${BAND_BOOTSTRAP.seed})`;
  return { rows, note: `${pct} prediction interval: ${refits} plus residual noise (laws' predictWithIntervals)` };
}
