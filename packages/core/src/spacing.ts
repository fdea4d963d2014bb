import { InputError } from './errors.js';

/**
 * `n` points evenly spaced in log between `min` and `max` (both finite and > 0), inclusive: the first is exactly
 * `min` and the last exactly `max`. `n = 1` gives `[min]`.
 */
export function logSpace(min: number, max: number, n: number): number[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new InputError(`logSpace: expected finite bounds > 0, found [${min}, ${max}]`);
  }
  if (!Number.isInteger(n) || n < 1) throw new InputError(`logSpace: expected a whole number of points ≥ 1, found ${n}`);
  const ratio = max / min;
  return Array.from({ length: n }, (_, i) => (i === 0 ? min : i === n - 1 ? max : min * ratio ** (i / (n - 1))));
}
