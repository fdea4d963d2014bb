/**
 * Fitting the data-constrained law on a user's runs. By default all seven parameters are fitted (a user's corpus,
 * tokenizer and models set their own E, A, B, α, β); `fixed` holds some at given values — `'published-base'`
 * holds A, B, E, α, β at the paper's C4 fit so that only the decay constants R_N*, R_D* are estimated (for
 * small tables, or runs on the paper's setup). Intervals: the fit's Wald / profile ones; bootstrapFit on
 * `result.fittedForm` for percentile ones (the CLI's default).
 */
import { LawsInputError } from '../errors.js';
import { fitLaw } from '../fit.js';
import { withFixedParams } from '../fixed-params.js';
import type { Form } from '../forms.js';
import type { FitResult } from '../types.js';
import type { ColumnLabels } from '../validate.js';
import { dataConstrained, MUENNIGHOFF_2023, UNIQUE_PARAMS_PER_TOKEN, type DataConstrainedParam } from './form.js';
import { dataConstrainedStrategy } from './strategy.js';

export interface DataConstrainedRuns {
  N: ArrayLike<number>;
  /** Tokens seen (all epochs). */
  D: ArrayLike<number>;
  /** Unique tokens (U ≤ D). */
  U: ArrayLike<number>;
  /** Loss (nats per token). */
  y: ArrayLike<number>;
}

export interface DataConstrainedOptions {
  /** Parameters held at given values, or 'published-base' (A, B, E, α, β of the paper). Default: none held. */
  fixed?: Partial<Record<DataConstrainedParam, number>> | 'published-base';
  level?: number;
  labels?: ColumnLabels;
}

export interface DataConstrainedFit extends FitResult {
  /** Parameters held at given values (not in `params`, no interval). */
  fixed: Record<string, number>;
  /** The form that was fitted (free parameters only): pass it to bootstrapFit / profileIntervals. */
  fittedForm: Form;
}

/** Fit the data-constrained law; throws LawsInputError naming the row and column on bad input. */
export function fitDataConstrained(runs: DataConstrainedRuns, options: DataConstrainedOptions = {}): DataConstrainedFit {
  const labels = options.labels ?? {};
  const n = runs.y.length;
  for (const name of ['N', 'D', 'U'] as const) {
    if (runs[name].length !== n) throw new LawsInputError(`input '${labels[name] ?? name}' has ${runs[name].length} values but y has ${n}`);
  }
  for (let i = 0; i < n; i++) {
    if (runs.U[i]! > runs.D[i]!)
      throw new LawsInputError(
        `row ${i + 1}, column '${labels.U ?? 'U'}': unique tokens (${runs.U[i]}) exceed the tokens seen in column ` +
          `'${labels.D ?? 'D'}' (${runs.D[i]}): expected U ≤ D`,
      );
  }
  const fixed: Record<string, number> = options.fixed === 'published-base' ? baseOf(MUENNIGHOFF_2023) : { ...(options.fixed ?? {}) };
  const warnings: string[] = [];
  const repeats = Array.from(runs.D, (d, i) => d > runs.U[i]!).some(Boolean);
  if (!repeats && fixed.R_D_star === undefined)
    throw new LawsInputError(`no row repeats data (every row has D = U): R_D_star cannot be fitted without repeated epochs`);
  const excess = Array.from(runs.N, (v, i) => v > UNIQUE_PARAMS_PER_TOKEN * runs.U[i]!).some(Boolean);
  if (!excess && fixed.R_N_star === undefined) {
    // N′ = N on every row: R_N* leaves the law unchanged, so it is held rather than reported as unbounded.
    fixed.R_N_star = MUENNIGHOFF_2023.R_N_star;
    warnings.push(
      `no row has excess parameters (N > ${UNIQUE_PARAMS_PER_TOKEN}·U): R_N_star is not identified and is held at the published ` +
        `${MUENNIGHOFF_2023.R_N_star}`,
    );
  }
  const strategy = dataConstrainedStrategy(fixed);
  const form = Object.keys(fixed).length > 0 ? withFixedParams(dataConstrained, fixed, strategy) : { ...dataConstrained, strategy };
  const fit = fitLaw(runs, { form, level: options.level, labels });
  return { ...fit, warnings: [...warnings, ...fit.warnings], fixed, fittedForm: form };
}

function baseOf(p: Readonly<Record<DataConstrainedParam, number>>): Record<string, number> {
  return { E: p.E, A: p.A, B: p.B, alpha: p.alpha, beta: p.beta };
}
