/**
 * The power law's prediction band per family, for the family-comparison figure: the log-log OLS power fit over the
 * family's runs (the original study's method) and its prediction interval for a new run, on one log-spaced grid of
 * sizes shared by all families, so the figure's bands line up.
 */
import { logSpace } from '@scalewise/core';
import { fitPowerOls, powerPredictionInterval } from '../ols.js';

export interface BandPoint {
  /** Non-embedding parameters. */
  N: number;
  /** The power law's prediction at N (units of y). */
  estimate: number;
  /** Ends of the prediction interval for a new run at N (units of y). */
  lower: number;
  upper: number;
}

/** Sizes of the shared grid: from the smallest run ÷ 1.2 to the largest × 1.2, so the band spans every run. */
export function bandGrid(N: readonly number[], points: number): number[] {
  if (N.length === 0) return [];
  const lo = Math.min(...N) / 1.2;
  const hi = Math.max(...N) * 1.2;
  return logSpace(lo, hi, points);
}

/**
 * The band of one family on `grid`; points where the interval is not finite and positive are left out. A family
 * with fewer than 3 runs has no interval (2 parameters + 1 degree of freedom): its band is empty.
 */
export function predictionBand(N: readonly number[], y: readonly number[], grid: readonly number[], level: number): BandPoint[] {
  if (y.length < 3) return [];
  const fit = fitPowerOls(N, y, level);
  return grid
    .map((n) => {
      const { estimate, lo, hi } = powerPredictionInterval(fit, n, level);
      return { N: n, estimate, lower: lo, upper: hi };
    })
    .filter((p) => Number.isFinite(p.upper) && p.lower > 0);
}
