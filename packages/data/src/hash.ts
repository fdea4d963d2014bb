import { createHash } from 'node:crypto';
import { createRng, permutation as permuteWith } from '@scalewise/core';

/** Hex SHA-256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A uniform number in [0, 1) derived from SHA-256 of `seed` and `key` (48 bits of the digest),
 * identical on every platform and Node version.
 */
export function hashUnit(seed: number | string, key: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${key}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** A seeded Fisher–Yates permutation of 0..n-1 (the shared `@scalewise/core` generator seeded with `seed`). */
export function permutation(n: number, seed: number): Uint32Array {
  return permuteWith(n, createRng(seed));
}
