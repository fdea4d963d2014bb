/**
 * Units of fitted quantities. An exponent means nothing without them: a perplexity-space exponent is not a
 * loss-space one (ln PPL = loss in nats), and total parameters are not non-embedding parameters.
 */
import { bitsPerByteToLoss, lossToBitsPerByte } from '@scalewise/core';
import { LawsInputError } from './errors.js';

export type YUnit = 'loss_nats' | 'perplexity' | 'bits_per_byte' | 'accuracy';
export type XUnit = 'params_total' | 'params_non_embedding' | 'tokens' | 'flops';

export const Y_UNITS: readonly YUnit[] = ['loss_nats', 'perplexity', 'bits_per_byte', 'accuracy'];
export const X_UNITS: readonly XUnit[] = ['params_total', 'params_non_embedding', 'tokens', 'flops'];

/** Short label for tables. */
export function unitLabel(unit: YUnit | XUnit): string {
  const labels: Record<YUnit | XUnit, string> = {
    loss_nats: 'loss (nats/token)',
    perplexity: 'perplexity',
    bits_per_byte: 'bits/byte',
    accuracy: 'accuracy',
    params_total: 'params (total)',
    params_non_embedding: 'params (non-embedding)',
    tokens: 'tokens',
    flops: 'FLOPs',
  };
  return labels[unit];
}

/** Parse a unit name, naming the accepted ones on failure. */
export function parseYUnit(s: string): YUnit {
  if ((Y_UNITS as readonly string[]).includes(s)) return s as YUnit;
  throw new LawsInputError(`unknown y unit '${s}': expected one of ${Y_UNITS.join(', ')}`);
}

/**
 * Convert values between loss (nats/token) and perplexity (ln PPL = loss). bits_per_byte needs the corpus's
 * bytes per token (bpb = loss / (ln 2 · bytes_per_token)); accuracy converts to nothing.
 */
export function convertY(values: ArrayLike<number>, from: YUnit, to: YUnit, bytesPerToken?: number): Float64Array {
  const out = Float64Array.from(values);
  if (from === to) return out;
  const toLoss = (v: number): number => {
    if (from === 'perplexity') return Math.log(v);
    if (from === 'loss_nats') return v;
    if (from === 'bits_per_byte' && bytesPerToken) return bitsPerByteToLoss(v, bytesPerToken);
    throw new LawsInputError(`cannot convert ${from} to ${to}${from === 'bits_per_byte' ? ' without bytes per token' : ''}`);
  };
  const fromLoss = (v: number): number => {
    if (to === 'perplexity') return Math.exp(v);
    if (to === 'loss_nats') return v;
    if (to === 'bits_per_byte' && bytesPerToken) return lossToBitsPerByte(v, bytesPerToken);
    throw new LawsInputError(`cannot convert ${from} to ${to}${to === 'bits_per_byte' ? ' without bytes per token' : ''}`);
  };
  for (let i = 0; i < out.length; i++) out[i] = fromLoss(toLoss(out[i]!));
  return out;
}

/** A fitted exponent with its units (for y ∝ x^exponent). */
export interface Exponent {
  value: number;
  /** Standard error, if known. */
  se?: number;
  yUnit: YUnit;
  xUnit: XUnit;
}

/**
 * Check that two exponents are comparable. Different y units are refused (convert the data and refit: the
 * exponent of PPL is not the exponent of ln PPL); different x units return a warning.
 */
export function assertComparable(a: Exponent, b: Exponent): string[] {
  if (a.yUnit !== b.yUnit) {
    throw new LawsInputError(
      `cannot compare an exponent of ${a.yUnit} with one of ${b.yUnit}: a power law in ${a.yUnit} is not a power law in ${b.yUnit}` +
        (a.yUnit === 'perplexity' || b.yUnit === 'perplexity' ? ' (ln PPL = loss in nats; convert the data with convertY and refit)' : ''),
    );
  }
  return a.xUnit === b.xUnit ? [] : [`x units differ (${a.xUnit} vs ${b.xUnit}): exponents are only approximately comparable`];
}
