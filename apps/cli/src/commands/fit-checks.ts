// Flag validation and number formatting of `scalewise fit`: column flags per form, overflowed fits,
// unbounded interval warnings; split from fit.ts to keep it short.
import type { FitResult, Form } from '@scalewise/laws';
import { UsageError } from '../kit.js';

// An unbounded interval end (overflow, or a profile that never crossed its limit) prints as ±∞, with a warning.
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : 'n/a';
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(4) : v.toPrecision(5);
}

/** Most bootstrap resamples accepted: beyond this the percentile ends do not move, only the run time grows. */
export const MAX_RESAMPLES = 100_000;

/** Flags that name columns must fit the form: x for one-variable forms, N with D or FLOPs for joint ones. */
export function checkColumnFlags(form: Form, f: { x?: string; n?: string; d?: string; flops?: string }): void {
  const joint = form.inputs.includes('N');
  if (joint) {
    if (f.x !== undefined)
      throw new UsageError(`--x does not apply to form '${form.name}', which takes N and D: use --n COL with --d COL or --flops COL`);
    if (!f.n) throw new UsageError(`form '${form.name}' needs --n COL (parameters)`);
    if (f.d !== undefined && f.flops !== undefined)
      throw new UsageError('--d and --flops conflict: give --d COL (tokens), or --flops COL to derive D = C / (6N), not both');
    if (!f.d && !f.flops) throw new UsageError(`form '${form.name}' needs --d COL (tokens) or --flops COL (D = C / 6N)`);
    return;
  }
  for (const flag of ['n', 'd', 'flops'] as const) {
    if (f[flag] !== undefined)
      throw new UsageError(`--${flag} does not apply to form '${form.name}', which takes one variable: use --x COL`);
  }
}

/** Fit values and interval ends that overflowed a double: the fit is refused, interval ends get a warning. */
export function checkFinite(fit: FitResult, file: string): void {
  for (const [name, v] of Object.entries(fit.params)) {
    if (!Number.isFinite(v))
      throw new UsageError(`${file}: the fitted ${name} is beyond the range of a double: rescale the columns (e.g. y in other units)`);
  }
  if (!Number.isFinite(fit.objective))
    throw new UsageError(`${file}: the fit's objective is beyond the range of a double: rescale the columns`);
}

export function unboundedWarnings(ci: Record<string, [number, number]>, level: string, known: string[]): string[] {
  return Object.entries(ci).flatMap(([name, [lo, hi]]) => {
    if (Number.isFinite(lo) && Number.isFinite(hi)) return [];
    const side = Number.isFinite(lo) ? 'upper' : Number.isFinite(hi) ? 'lower' : 'both';
    // Profile warnings already name their unbounded ends ("the profile interval of b is unbounded above").
    const named = new RegExp(`of (?:[\\w, ]*, )?${name.replace(/[^\w]/g, '\\$&')}(?: |,)`);
    if (known.some((w) => /unbounded/.test(w) && named.test(w))) return [];
    return [
      `the ${level} of ${name} has an unbounded ${side === 'both' ? 'lower and upper end' : `${side} end`} (beyond the range of a ` +
        `double): printed as ∞, null in --json`,
    ];
  });
}
