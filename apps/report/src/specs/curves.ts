import { isInputError, logSpace as coreLogSpace } from '@scalewise/core';
import { ReportInputError } from '../errors.js';

/**
 * `n` points evenly spaced in log between `min` and `max` (both > 0), inclusive
 * (`logSpace` of @scalewise/core; bad bounds are ReportInputErrors).
 */
export function logSpace(min: number, max: number, n = 60): number[] {
  try {
    return coreLogSpace(min, max, n);
  } catch (error) {
    throw isInputError(error) ? new ReportInputError((error as Error).message, { cause: error }) : error;
  }
}

/** One point of a sampled curve. */
export interface CurvePoint {
  x: number;
  y: number;
}

/**
 * Sample `f` on a log grid over [min, max] for plotting a law (fitted or reference). Points where `f`
 * is not finite are dropped, so a law that diverges at the edge of the range still plots.
 */
export function sampleCurve(f: (x: number) => number, min: number, max: number, n = 60): CurvePoint[] {
  return logSpace(min, max, n)
    .map((x) => ({ x, y: f(x) }))
    .filter((p) => Number.isFinite(p.y));
}
