/**
 * The family-comparison analysis of issue #13 in one call: per family power and saturating L(N) compared by AICc,
 * every pair's exponent difference (bootstrap over runs, seed replicates included), the grouped joint fit, the
 * seed spread, each family's power-law prediction band for the figure, and the one-sentence answer. Pure numbers
 * in, plain data out (the CLI only prints it).
 */
import { LawsInputError } from '../errors.js';
import { compareForms, type FormsComparison } from '../select.js';
import { bandGrid, predictionBand, type BandPoint } from './band.js';
import { compareExponents, type ExponentComparison } from './compare.js';
import { fitGrouped, type GroupedFit, type GroupRuns } from './grouped.js';

export interface FamilyRuns {
  name: string;
  /** Non-embedding parameters per run (seed replicates repeat a size). */
  N: number[];
  /** Validation loss per run (nats/token). */
  y: number[];
}

export interface FamilyAnalysis {
  /** Per family: power vs saturating by AICc, and the power law's prediction band on a grid shared by all families. */
  families: { name: string; forms: FormsComparison; band: BandPoint[] }[];
  comparisons: ExponentComparison[];
  grouped: GroupedFit | null;
  /** Pooled standard deviation of the loss across seeds at a size (nats/token); null without replicates. */
  seedSd: number | null;
  /** Degrees of freedom of `seedSd`. */
  seedDof: number;
  /** Noise model of the exponent comparisons: `pooled` when seed replicates measure the run-to-run spread. */
  comparisonNoise: 'pooled' | 'per-family';
  warnings: string[];
}

/** Pooled within-size standard deviation over every size that has ≥ 2 runs. */
export function seedSpread(families: readonly FamilyRuns[]): { sd: number | null; dof: number } {
  let ss = 0;
  let dof = 0;
  for (const f of families) {
    const bySize = new Map<number, number[]>();
    f.N.forEach((n, i) => bySize.set(n, [...(bySize.get(n) ?? []), f.y[i]!]));
    for (const ys of bySize.values()) {
      if (ys.length < 2) continue;
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      ss += ys.reduce((a, b) => a + (b - mean) ** 2, 0);
      dof += ys.length - 1;
    }
  }
  return { sd: dof > 0 ? Math.sqrt(ss / dof) : null, dof };
}

/**
 * Fit and compare every family. Exponent differences use the calibrated power form with `noise: 'pooled'` (one
 * run-to-run noise scale for all families, as the seed replicates measure it) when replicates exist.
 */
export function analyzeFamilies(
  families: readonly FamilyRuns[],
  options: { resamples?: number; seed?: number; level?: number; bandPoints?: number } = {},
): FamilyAnalysis {
  if (families.length < 1) throw new LawsInputError('analyzeFamilies: expected at least one family');
  const level = options.level ?? 0.95;
  const warnings: string[] = [];
  const spread = seedSpread(families);
  const allN = families.flatMap((f) => f.N);
  const grid = allN.every((n) => n > 0 && Number.isFinite(n)) ? bandGrid(allN, options.bandPoints ?? 40) : [];
  const perFamily = families.map((f) => ({
    name: f.name,
    forms: compareForms({ x: f.N, y: f.y }, ['power', 'saturating'], { level }),
    band: predictionBand(f.N, f.y, grid, level),
  }));
  const groups: GroupRuns[] = families.map((f) => ({ name: f.name, N: f.N, y: f.y }));
  const comparisons: ExponentComparison[] = [];
  const noise = spread.sd === null ? 'per-family' : 'pooled';
  for (let i = 0; i < families.length; i++) {
    for (let j = i + 1; j < families.length; j++) {
      try {
        comparisons.push(
          compareExponents(groups[i]!, groups[j]!, {
            form: 'power',
            resamples: options.resamples ?? 1999,
            level,
            seed: options.seed ?? 0,
            noise,
          }),
        );
      } catch (error) {
        warnings.push(`${families[i]!.name} vs ${families[j]!.name}: exponent comparison failed: ${(error as Error).message}`);
      }
    }
  }
  let grouped: GroupedFit | null = null;
  try {
    grouped = fitGrouped(groups, { level });
  } catch (error) {
    warnings.push(`grouped fit failed: ${(error as Error).message}`);
  }
  return { families: perFamily, comparisons, grouped, seedSd: spread.sd, seedDof: spread.dof, comparisonNoise: noise, warnings };
}

const fmt = (v: number): string => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toPrecision(2));
const interval = (ci: readonly [number, number]): string => `[${fmt(ci[0])}, ${fmt(ci[1])}]`;

/**
 * The answer in one sentence, e.g. "deep-thin α = 0.21 [0.15, 0.27] vs wide-shallow α = 0.18 [0.12, 0.24]:
 * difference 0.030 [−0.05, 0.11], p = 0.41: the data cannot tell them apart at 95%". Exponents are the power
 * form's b (loss ∝ N^−α) with their fitted intervals.
 */
export function describeComparison(c: ExponentComparison, ci: { a: readonly [number, number]; b: readonly [number, number] }): string {
  const [a, b] = c.families;
  const tell = c.ci[0] > 0 || c.ci[1] < 0;
  return (
    `${a} α = ${fmt(c.alpha[0])} ${interval(ci.a)} vs ${b} α = ${fmt(c.alpha[1])} ` +
    `${interval(ci.b)}: difference ${fmt(c.difference)} ${interval(c.ci)}, p = ` +
    `${c.pValue < 0.001 ? '< 0.001' : c.pValue.toFixed(3)}: the data ` +
    `${tell ? 'can' : 'cannot'} tell them apart at ${Math.round(c.level * 100)}%`
  );
}
