/**
 * Candidate designs for `planCi` from short specifications: sizes as a count of log-spaced values over a range or
 * an explicit set, crossed (for two-input forms) with budgets as a count of tokens-per-parameter ratios or an
 * explicit set of compute budgets (FLOPs, D = C/6N) or token counts. Designs come back cheapest first.
 */
import { logSpace } from '@scalewise/core';
import { LawsInputError } from './errors.js';
import type { Form } from './forms.js';
import type { Design } from './plan.js';

/** A count K (K log-spaced values) or an explicit set of values. */
export type DesignAxis = { count: number } | { values: readonly number[] };

export interface DesignGridOptions {
  /** Range of model sizes for counts (inclusive). */
  sizeRange?: readonly [number, number];
  /** Explicit budget sets are FLOPs (default; each size trained at D = C/6N) or token counts. */
  budgetUnit?: 'flops' | 'tokens';
  /** Tokens per parameter spanned by budget counts (default 2 to 200, around Chinchilla's 20). */
  tokensPerParamRange?: readonly [number, number];
}

export interface GridDesign extends Design {
  label: string;
  sizes: number[];
  /** FLOPs or tokens, as given (absent for one-input forms); for counts, the tokens-per-parameter ratios. */
  budgets?: number[];
  budgetKind?: 'flops' | 'tokens' | 'tokens_per_param';
  /** Runs in the design. */
  runs: number;
  /** Training compute of all runs, Σ 6·N·D FLOPs (two-input forms), else the sum of the sizes. */
  cost: number;
}

const MAX_RUNS = 100_000;

function axisValues(axis: DesignAxis, range: readonly [number, number] | undefined, what: string): number[] {
  if ('values' in axis) {
    if (axis.values.length < 1 || !axis.values.every((v) => Number.isFinite(v) && v > 0))
      throw new LawsInputError(`${what}: an explicit set needs finite positive values`);
    return [...axis.values].sort((a, b) => a - b);
  }
  if (!Number.isInteger(axis.count) || axis.count < 1 || axis.count > 1000)
    throw new LawsInputError(`${what}: a count must be an integer in [1, 1000], found ${axis.count}`);
  if (!range) throw new LawsInputError(`${what}: a count of ${axis.count} needs a range to space the values over`);
  if (!(range[0] > 0 && range[1] > range[0] && Number.isFinite(range[1])))
    throw new LawsInputError(`${what}: the range must be 0 < LO < HI, found ${range[0]}..${range[1]}`);
  return axis.count === 1 ? [Math.sqrt(range[0] * range[1])] : logSpace(range[0], range[1], axis.count);
}

/**
 * Every sizes axis × every budgets axis (budgets only for two-input forms: `form.inputs[1]` gets the tokens),
 * sorted by cost. A count of sizes is log-spaced over `sizeRange`; a count of budgets gives each size that many
 * tokens-per-parameter ratios log-spaced over `tokensPerParamRange`.
 */
export function designGrid(
  form: Form,
  sizes: readonly DesignAxis[],
  budgets: readonly DesignAxis[] = [],
  options: DesignGridOptions = {},
): GridDesign[] {
  if (sizes.length === 0) throw new LawsInputError('at least one sizes design is needed');
  const two = form.inputs.length === 2;
  if (form.inputs.length > 2) throw new LawsInputError(`form '${form.name}' has ${form.inputs.length} inputs: planning takes one or two`);
  if (two && budgets.length === 0) throw new LawsInputError(`form '${form.name}' takes two inputs: give budgets as well as sizes`);
  if (!two && budgets.length > 0) throw new LawsInputError(`form '${form.name}' takes one input: budgets do not apply`);
  const tpp = options.tokensPerParamRange ?? [2, 200];
  const out: GridDesign[] = [];
  for (const s of sizes) {
    const ns = axisValues(s, options.sizeRange, 'sizes');
    if (!two) {
      out.push({ [form.inputs[0]!]: ns, label: `${ns.length} sizes`, sizes: ns, runs: ns.length, cost: ns.reduce((a, b) => a + b, 0) });
      continue;
    }
    for (const b of budgets) {
      const counted = 'count' in b;
      const bs = axisValues(b, counted ? tpp : undefined, 'budgets');
      const kind = counted ? 'tokens_per_param' : (options.budgetUnit ?? 'flops');
      const N: number[] = [];
      const D: number[] = [];
      for (const n of ns)
        for (const v of bs) {
          N.push(n);
          D.push(kind === 'tokens_per_param' ? v * n : kind === 'flops' ? v / (6 * n) : v);
        }
      if (N.length > MAX_RUNS) throw new LawsInputError(`a design of ${N.length} runs: at most ${MAX_RUNS}`);
      out.push({
        [form.inputs[0]!]: N,
        [form.inputs[1]!]: D,
        label: `${ns.length} sizes × ${bs.length} ${kind === 'flops' ? 'FLOP budgets' : kind === 'tokens' ? 'token counts' : 'budgets'}`,
        sizes: ns,
        budgets: bs,
        budgetKind: kind,
        runs: N.length,
        cost: N.reduce((acc, n, i) => acc + 6 * n * D[i]!, 0),
      });
    }
  }
  return out.sort((p, q) => p.cost - q.cost || p.runs - q.runs);
}
