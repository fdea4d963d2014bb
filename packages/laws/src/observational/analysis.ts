/**
 * Observational scaling (Ruan et al. 2024): benchmark scores of many models → PCA-imputed matrix → principal
 * capability measures (PC-1…PC-k) → a sigmoid link from them to a held-out target metric, compared with the same
 * link from log-compute, each with bootstrap intervals and checked on the strongest models held out.
 */
import { LawsError, LawsInputError } from '../errors.js';
import { fitLink, type LinkFit, type LinkModel, type LinkOptions } from './link-fit.js';
import { fitPca, pcaImpute, pcaScores } from './pca.js';
import { holdoutCheck, type HoldoutCheck } from './holdout.js';
import type { BenchmarkScores } from './table.js';

export interface ObservationalOptions {
  /** Principal components used as the capability measure of the target fit. Default 3 (the paper's K). */
  components?: number;
  /** Bootstrap resamples (over models) for intervals. Default 1000. */
  resamples?: number;
  /** Confidence level. Default 0.95. */
  level?: number;
  seed?: number;
  /** Share of the target's models held out (the strongest: by compute when given, else by PC-1). Default 0.2; 0 for none. */
  holdout?: number;
  /** Name of the input (a file) for error messages. Default 'input'. */
  source?: string;
}

export interface ObservationalResult {
  n_models: number;
  benchmarks: string[];
  /** Cells filled by PCA imputation (1 component, clipped to [0, 1]). */
  imputed_cells: number;
  /** Components of the capability measure (k). */
  components: number;
  /** Loadings of every component (rows, largest variance first); each row's largest-magnitude entry is positive. */
  loadings: number[][];
  explained_variance: number[];
  explained_variance_ratio: number[];
  cumulative_ratio: number[];
  /** PC-1…PC-k of each model (after imputation). */
  scores: { model: string; pc: number[] }[];
  target?: {
    name: string;
    pc: LinkFit;
    compute?: LinkFit;
    holdout?: HoldoutCheck;
  };
  warnings: string[];
}

function cumulative(a: ArrayLike<number>): number[] {
  let s = 0;
  return Array.from(a, (v) => (s += v));
}

/** Columns of `x` whose every entry is a finite number. */
function finiteRows(values: Float64Array | undefined, n: number): number[] {
  return Array.from({ length: n }, (_, i) => i).filter((i) => !values || Number.isFinite(values[i]!));
}

/** A target fit that cannot be made is the data's doing (too few models, one compute value for all): input error. */
function fitOrExplain(source: string, what: string, fit: () => LinkModel): LinkModel {
  try {
    return fit();
  } catch (error) {
    if (error instanceof LawsError && !(error instanceof LawsInputError))
      throw new LawsInputError(`${source}: cannot fit ${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** PCA, capability scores and (with a target) the sigmoid fits and their held-out check. */
export function observationalScaling(input: BenchmarkScores, options: ObservationalOptions = {}): ObservationalResult {
  const t = input.benchmarks.length;
  const k = options.components ?? Math.min(3, t);
  if (!(Number.isInteger(k) && k >= 1 && k <= t)) throw new LawsInputError(`components must be an integer from 1 to ${t}, found ${k}`);
  const link: LinkOptions = { resamples: options.resamples ?? 1000, level: options.level ?? 0.95, seed: options.seed ?? 0 };
  const holdout = options.holdout ?? 0.2;
  if (!(holdout >= 0 && holdout < 1)) throw new LawsInputError(`holdout must be in [0, 1), found ${holdout}`);
  const imputed = pcaImpute(input.scores);
  const pca = fitPca(imputed.rows);
  const scores = imputed.rows.map((r) => pcaScores(pca, r, k));
  const warnings: string[] = [];
  const result: ObservationalResult = {
    n_models: input.scores.length,
    benchmarks: [...input.benchmarks],
    imputed_cells: input.scores.reduce((s, r) => s + r.filter(Number.isNaN).length, 0),
    components: k,
    loadings: pca.loadings.map((w) => Array.from(w)),
    explained_variance: Array.from(pca.explainedVariance),
    explained_variance_ratio: Array.from(pca.explainedVarianceRatio),
    cumulative_ratio: cumulative(pca.explainedVarianceRatio),
    scores: scores.map((pc, i) => ({ model: input.models[i]!, pc: Array.from(pc) })),
    warnings,
  };
  if (!input.target) return result;
  const target = input.target.values;
  const pcNames = Array.from({ length: k }, (_, c) => `PC-${c + 1}`);
  const withTarget = finiteRows(target, target.length);
  const skipped = target.length - withTarget.length;
  if (skipped > 0) warnings.push(`${skipped} models have no '${input.target.name}' value: left out of the target fits`);
  const source = options.source ?? 'input';
  const yOf = (rows: number[]) => Float64Array.from(rows, (i) => target[i]!);
  const pcFit = fitOrExplain(source, `'${input.target.name}' against ${pcNames.join(', ')}`, () =>
    fitLink(
      pcNames,
      withTarget.map((i) => scores[i]!),
      yOf(withTarget),
      link,
    ),
  );
  result.target = { name: input.target.name, pc: pcFit.fit };
  const compute = input.compute?.values;
  let both = withTarget;
  if (input.compute && compute) {
    both = withTarget.filter((i) => Number.isFinite(compute[i]!));
    if (both.length < withTarget.length)
      warnings.push(`${withTarget.length - both.length} models with a target have no '${input.compute.name}': left out of the compute fit`);
    const logC = both.map((i) => Float64Array.of(Math.log10(compute[i]!)));
    const name = `log10(${input.compute.name})`;
    result.target.compute = fitOrExplain(source, `'${input.target.name}' against ${name}`, () =>
      fitLink([name], logC, yOf(both), link),
    ).fit;
  }
  if (holdout > 0) {
    const check = holdoutCheck(input, both, {
      share: holdout,
      components: k,
      link,
      rank: compute ? (i) => compute[i]! : (i) => scores[i]![0]!,
      rankedBy: input.compute ? input.compute.name : 'PC-1',
    });
    if (typeof check === 'string') warnings.push(`held-out check skipped: ${check}`);
    else result.target.holdout = check;
  }
  return result;
}
