/**
 * Bounds on parameters, enforced by reparametrisation: the optimiser works on an unbounded u and the parameter is
 * p = exp(u) for positive parameters, L + exp(u) above a lower bound, U − exp(u) below an upper one, and
 * L + (U − L)·logistic(u) between two. Unbounded parameters are p = u, unchanged.
 */
import type { Form } from './forms.js';

/** How one parameter maps between the optimiser's u and its natural value p. */
export interface ParamTransform {
  /** Open range the transform keeps p in (±Infinity where unbounded). */
  readonly lower: number;
  readonly upper: number;
  toParam(u: number): number;
  /** dp/du at u. */
  slope(u: number): number;
  toU(p: number): number;
}

const IDENTITY: ParamTransform = { lower: -Infinity, upper: Infinity, toParam: (u) => u, slope: () => 1, toU: (p) => p };
const LOG: ParamTransform = { lower: 0, upper: Infinity, toParam: Math.exp, slope: Math.exp, toU: Math.log };

/** The transform of a parameter kept in the open range (lower, upper). */
export function rangeTransform(lower: number, upper: number): ParamTransform {
  if (lower === -Infinity && upper === Infinity) return IDENTITY;
  if (lower === 0 && upper === Infinity) return LOG;
  if (upper === Infinity) return { lower, upper, toParam: (u) => lower + Math.exp(u), slope: Math.exp, toU: (p) => Math.log(p - lower) };
  if (lower === -Infinity)
    return { lower, upper, toParam: (u) => upper - Math.exp(u), slope: (u) => -Math.exp(u), toU: (p) => Math.log(upper - p) };
  const width = upper - lower;
  const logistic = (u: number): number => 1 / (1 + Math.exp(-u));
  return {
    lower,
    upper,
    toParam: (u) => lower + width * logistic(u),
    slope: (u) => {
      const s = logistic(u);
      return width * s * (1 - s);
    },
    toU: (p) => Math.log((p - lower) / (upper - p)),
  };
}

/** The open range of parameter j: `form.bounds` where given, (0, ∞) for positive parameters, else unbounded. */
export function paramRange(form: Form, j: number): [number, number] {
  const b = form.bounds?.[j];
  if (b) return [b[0], b[1]];
  return form.positive[j] ? [0, Infinity] : [-Infinity, Infinity];
}

/** One transform per parameter of `form`. */
export function paramTransforms(form: Form): ParamTransform[] {
  return form.params.map((_, j) => rangeTransform(...paramRange(form, j)));
}

/** Whether a value lies strictly inside parameter j's range (a start on a bound cannot be transformed). */
export function insideRange(form: Form, j: number, value: number): boolean {
  const [lo, hi] = paramRange(form, j);
  return Number.isFinite(value) && value > lo && value < hi;
}
