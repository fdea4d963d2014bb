/**
 * Planning by simulation for any form: "with these runs, how wide will the interval of this parameter be?"
 * Each candidate design is simulated `replicates` times from a known law with multiplicative log-normal noise,
 * refitted as a real study would be, and the interval of `param` measured. `planExponentCi` (simulate.ts) is
 * the fast closed-form special case for a power law fitted by OLS.
 */
import { LawsInputError } from './errors.js';
import { fitLaw, type FitOptions } from './fit.js';
import { getForm, type Form } from './forms.js';
import { profileIntervals } from './profile.js';
import { createRng } from '@scalewise/core';
import { strategyOf } from './strategies.js';
import type { Observations } from './types.js';

/** The runs of one candidate study: `x` for one-variable forms, `N` and `D` for joint ones. */
export interface Design {
  x?: readonly number[];
  N?: readonly number[];
  D?: readonly number[];
  /** Unique tokens (data-constrained form). */
  U?: readonly number[];
  /** A label for tables, e.g. "4 sizes × 5 budgets". */
  label?: string;
}

export interface PlanOptions {
  /** Noise sd of ln y (e.g. a fit's `sigma`). */
  sigmaLog: number;
  /** Interval width to reach. */
  targetWidth: number;
  replicates?: number;
  level?: number;
  seed?: number;
  /**
   * 'auto' (default): chinchilla → profile (robust LR for Huber), power → OLS t, others → the fit's own
   * intervals (Wald, profile where Wald is invalid). 'profile' forces profile intervals.
   */
  interval?: 'auto' | 'profile';
  /** Fit options of the simulated studies (loss, delta, method). */
  fit?: Omit<FitOptions, 'form' | 'level'>;
  onProgress?: (done: number, total: number) => void;
}

export interface PlannedDesign {
  design: Design;
  points: number;
  medianWidth: number;
  /** Fraction of replicates whose interval is narrower than the target. */
  fractionBelowTarget: number;
  /** Fraction of the replicates with a bounded interval whose interval covers the true value (a check of the interval method). */
  coverage: number;
  /** Replicates whose fit or interval failed, or whose interval was unbounded (counted as wider than any target). */
  failed: number;
  /** The median width is below the target. */
  meetsTarget: boolean;
}

function observations(form: Form, design: Design): { obs: Observations; inputs: number[][] } {
  const inputs = form.inputs.map((name) => {
    const col = design[name];
    if (!col)
      throw new LawsInputError(
        `form '${form.name}' needs '${name}' in every design${design.label ? ` (design '${design.label}' has none)` : ''}`,
      );
    return Array.from(col);
  });
  const n = inputs[0]!.length;
  if (inputs.some((c) => c.length !== n))
    throw new LawsInputError(`design${design.label ? ` '${design.label}'` : ''}: inputs differ in length`);
  if (n <= form.params.length)
    throw new LawsInputError(
      `design${design.label ? ` '${design.label}'` : ''} has ${n} runs for ${form.params.length} parameters: need more runs than ` +
        `parameters`,
    );
  const obs: Observations = { y: [] };
  form.inputs.forEach((name, c) => (obs[name] = inputs[c]!));
  return { obs, inputs };
}

/**
 * Simulate each design and report the width of `param`'s interval; `smallestDesign` is the first in the list whose
 * median width meets the target (order the list cheapest first, as `designGrid` does).
 */
export function planCi(
  formOrName: string | Form,
  truth: ArrayLike<number>,
  param: string,
  designs: readonly Design[],
  options: PlanOptions,
): { plans: PlannedDesign[]; smallestDesign: PlannedDesign | null } {
  const form = typeof formOrName === 'string' ? getForm(formOrName) : formOrName;
  const j = form.params.indexOf(param);
  if (j < 0) throw new LawsInputError(`form '${form.name}' has no parameter '${param}' (has ${form.params.join(', ')})`);
  if (truth.length !== form.params.length)
    throw new LawsInputError(`truth has ${truth.length} values, form '${form.name}' has ${form.params.length} parameters`);
  if (!(options.sigmaLog > 0)) throw new LawsInputError(`sigmaLog must be > 0, found ${options.sigmaLog}`);
  const reps = options.replicates ?? 200;
  const level = options.level ?? 0.95;
  const rng = createRng(options.seed ?? 0);
  const trueValue = truth[j]!;
  const mode = options.interval ?? 'auto';
  const strategy = strategyOf(form);
  const total = reps * designs.length;
  let done = 0;
  // Every design is checked before the first simulation.
  const prepared = designs.map((design) => observations(form, design));
  const plans = designs.map((design, d) => {
    const { obs, inputs } = prepared[d]!;
    const n = inputs[0]!.length;
    const mean = Float64Array.from({ length: n }, (_, i) =>
      form.predict(
        truth,
        inputs.map((c) => c[i]!),
      ),
    );
    const y = new Float64Array(n);
    const widths: number[] = [];
    let covered = 0;
    let below = 0;
    let failed = 0;
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < n; i++) y[i] = mean[i]! * Math.exp(options.sigmaLog * rng.normal());
      let ci: [number, number] | undefined;
      try {
        const study: Observations = { ...obs, y };
        const fitOptions = { ...options.fit, form, level };
        ci =
          mode === 'profile' || strategy.planByProfile
            ? profileIntervals(study, fitOptions, [param]).ci[param]
            : fitLaw(study, fitOptions).ci[param];
      } catch {
        ci = undefined;
      }
      done++;
      options.onProgress?.(done, total);
      if (!ci || !ci.every(Number.isFinite)) {
        failed++;
        widths.push(Infinity);
        continue;
      }
      widths.push(ci[1] - ci[0]);
      if (ci[0] <= trueValue && trueValue <= ci[1]) covered++;
      if (ci[1] - ci[0] < options.targetWidth) below++;
    }
    widths.sort((a, b) => a - b);
    return {
      design,
      points: n,
      medianWidth: widths[Math.floor(reps / 2)]!,
      fractionBelowTarget: below / reps,
      coverage: covered / (reps - failed || 1),
      failed,
      meetsTarget: widths[Math.floor(reps / 2)]! < options.targetWidth,
    };
  });
  return { plans, smallestDesign: plans.find((p) => p.meetsTarget) ?? null };
}
