import { ReportInputError } from '../errors.js';

/** `n` points evenly spaced in log10 between `min` and `max` (both > 0), inclusive. */
export function logSpace(min: number, max: number, n = 60): number[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new ReportInputError(`logSpace: expected finite bounds > 0, found [${min}, ${max}]`);
  }
  if (!Number.isInteger(n) || n < 2) throw new ReportInputError(`logSpace: expected n ≥ 2 points, found ${n}`);
  const a = Math.log10(min);
  const b = Math.log10(max);
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
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
