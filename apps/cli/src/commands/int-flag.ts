import { UsageError, numberFlag } from '../kit.js';

/** Parse a flag that must be a whole number ≥ `min` (seeds, thread counts), before any work is done. */
export function intFlag(name: string, value: string | undefined, min: number): number | undefined {
  const parsed = numberFlag(name, value);
  if (parsed !== undefined && (!Number.isSafeInteger(parsed) || parsed < min)) {
    throw new UsageError(`--${name} expects a whole number >= ${min}, found '${value}'`);
  }
  return parsed;
}
