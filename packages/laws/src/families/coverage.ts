/**
 * Calibration check of `compareExponents` by simulation: seeded synthetic studies with known exponents, in the
 * family study's design (family A with 3 seeds at its smallest and largest size, family B one run per size).
 */
import { createRng } from '@scalewise/core';
import { compareExponents, type CompareExponentsOptions } from './compare.js';

export interface CoverageOptions extends Omit<CompareExponentsOptions, 'seed' | 'form'> {
  replicates: number;
  seed?: number;
  /** Sizes of both families (default 1e4 … 1.6e5, ×2 apart). */
  sizes?: number[];
  /** Log-noise standard deviation of every run. Default 0.02. */
  sigma?: number;
  /** True exponents [α_A, α_B]. Default [0.3, 0.25]. */
  alpha?: [number, number];
}

export interface CoverageResult {
  replicates: number;
  /** Fraction of intervals covering the true α_A − α_B. */
  coverage: number;
  /** Fraction of p < 1 − level when family B is given family A's exponent (the test's size). */
  rejectAtZero: number;
}

export function exponentDifferenceCoverage(options: CoverageOptions): CoverageResult {
  const sizes = options.sizes ?? [1e4, 2e4, 4e4, 8e4, 1.6e5];
  const designA = [...sizes, sizes[0]!, sizes[0]!, sizes.at(-1)!, sizes.at(-1)!];
  const sigma = options.sigma ?? 0.02;
  const [alphaA, alphaB] = options.alpha ?? [0.3, 0.25];
  const level = options.level ?? 0.95;
  const rng = createRng(options.seed ?? 0);
  const draw = (name: string, N: number[], a: number, alpha: number) => ({
    name,
    N,
    y: N.map((n) => a * n ** -alpha * Math.exp(sigma * rng.normal())),
  });
  let covered = 0;
  let rejected = 0;
  for (let r = 0; r < options.replicates; r++) {
    const a = draw('A', designA, 30, alphaA);
    const res = compareExponents(a, draw('B', sizes, 20, alphaB), { ...options, seed: r });
    if (res.ci[0] <= alphaA - alphaB && alphaA - alphaB <= res.ci[1]) covered++;
    if (compareExponents(a, draw('B', sizes, 20, alphaA), { ...options, seed: r }).pValue < 1 - level) rejected++;
  }
  return { replicates: options.replicates, coverage: covered / options.replicates, rejectAtZero: rejected / options.replicates };
}
