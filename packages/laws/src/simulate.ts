/** Synthetic runs from any law, and planning by simulation ("which sizes / how many models for CI width < w?"). */
import { LawsInputError } from './errors.js';
import type { Form } from './forms.js';
import { fitPowerOls } from './ols.js';
import { createRng, logSpace } from '@scalewise/core';

/** y = law(x)·exp(ε), ε ~ N(0, sigmaLog²): multiplicative noise, as in log-space fits. */
export function simulate(form: Form, values: ArrayLike<number>, inputs: ArrayLike<number>[], sigmaLog: number, seed = 0): Float64Array {
  const rng = createRng(seed);
  const n = inputs[0]?.length ?? 0;
  const y = new Float64Array(n);
  const xi = new Float64Array(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < inputs.length; c++) xi[c] = inputs[c]![i]!;
    y[i] = form.predict(values, xi) * Math.exp(sigmaLog * rng.normal());
  }
  return y;
}

export interface DesignPlan {
  sizes: number[];
  /** Median width of the exponent's CI over the simulated replicates. */
  medianWidth: number;
  /** Fraction of replicates whose CI is narrower than the target. */
  fractionBelowTarget: number;
  /** Fraction of replicates whose CI covers the true exponent. */
  coverage: number;
}

/**
 * For each candidate design (a list of model sizes), simulate `replicates` studies of a power law a·x^b with
 * log-normal noise and report how wide the t-based CI of b comes out. `smallestDesign` picks, among designs
 * ordered by cost, the first whose median width is below `targetWidth`.
 */
export function planExponentCi(
  truth: { a: number; b: number },
  designs: number[][],
  options: { sigmaLog: number; targetWidth: number; replicates?: number; level?: number; seed?: number },
): { plans: DesignPlan[]; smallestDesign: DesignPlan | null } {
  const reps = options.replicates ?? 500;
  const level = options.level ?? 0.95;
  if (!(options.sigmaLog > 0)) throw new LawsInputError(`sigmaLog must be > 0, found ${options.sigmaLog}`);
  const rng = createRng(options.seed ?? 0);
  const plans = designs.map((sizes) => {
    if (sizes.length < 3) throw new LawsInputError(`a design needs at least 3 sizes, found ${sizes.length}`);
    const widths = new Float64Array(reps);
    let covered = 0;
    let below = 0;
    const y = new Float64Array(sizes.length);
    for (let r = 0; r < reps; r++) {
      sizes.forEach((x, i) => (y[i] = truth.a * x ** truth.b * Math.exp(options.sigmaLog * rng.normal())));
      const fit = fitPowerOls(sizes, y, level);
      const [lo, hi] = fit.ci.b!;
      widths[r] = hi - lo;
      if (lo <= truth.b && truth.b <= hi) covered++;
      if (hi - lo < options.targetWidth) below++;
    }
    widths.sort();
    return { sizes, medianWidth: widths[Math.floor(reps / 2)]!, fractionBelowTarget: below / reps, coverage: covered / reps };
  });
  return { plans, smallestDesign: plans.find((p) => p.medianWidth < options.targetWidth) ?? null };
}

/** k whole-number sizes log-spaced between lo and hi (inclusive): `logSpace` from @scalewise/core, rounded. */
export function logSpaced(lo: number, hi: number, k: number): number[] {
  return logSpace(lo, hi, k).map(Math.round);
}
