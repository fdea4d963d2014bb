import { bitsPerByte, createRng } from '@scalewise/core';

/** Per-document totals that corpus metrics are ratios of. */
export interface DocTotals {
  logLik: number;
  tokens: number;
  words: number;
  bytes: number;
}

/** Sample standard deviation (n − 1); NaN-free: 0 for fewer than 2 values. */
export function sampleSd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Bootstrap standard errors over documents (resampled with replacement, seeded) of the
 * ratio metrics −Σll/Σtokens (nats/token) and −Σll/Σbytes/ln 2 (bits/byte).
 */
export function bootstrapRatios(
  docs: readonly DocTotals[],
  samples: number,
  seed: number,
): { nllPerToken: number; bitsPerByte: number | null } | null {
  const n = docs.length;
  if (n < 2 || samples < 2) return null;
  const rand = createRng(seed);
  const nll = new Float64Array(samples);
  const bpb = new Float64Array(samples);
  const hasBytes = docs.every((d) => d.bytes > 0);
  for (let s = 0; s < samples; s++) {
    let ll = 0;
    let tokens = 0;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const d = docs[rand.int(n)] as DocTotals;
      ll += d.logLik;
      tokens += d.tokens;
      bytes += d.bytes;
    }
    nll[s] = -ll / tokens;
    bpb[s] = hasBytes ? bitsPerByte(-ll, bytes) : 0;
  }
  return { nllPerToken: sampleSd(nll), bitsPerByte: hasBytes ? sampleSd(bpb) : null };
}
