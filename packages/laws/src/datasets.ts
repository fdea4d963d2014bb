/**
 * Built-in datasets, small enough to ship inside the package, so that examples and tests work on a bare
 * clone. Sources and licences: packages/laws/README.md ("Built-in datasets").
 */
import { bnslAddition, type BnslAdditionRow } from './datasets/bnsl.js';
import { chinchilla, chinchillaFitData, type ChinchillaRuns } from './datasets/chinchilla.js';
import { OBSSCALING_HEADER, OBSSCALING_MODELS, OBSSCALING_NUMBERS } from './datasets/obsscaling.js';

// `chinchilla` stays under `datasets` only: the name is the law form's at the package top level.
export { bnslAddition, chinchillaFitData, type BnslAdditionRow, type ChinchillaRuns };

export interface MobileLlmRow {
  model_name: string;
  /** Total parameters with tied input/output embeddings (params_total). */
  num_params: number;
  /** WikiText-2 perplexity, window 1024, stride 512. */
  perplexity: number;
  tokens_per_second: number;
  peak_memory_mb: number;
}

/** How the original study measured its table: report text is generated from these, never retyped. */
export interface MeasurementConditions {
  perplexity: string;
  /** Hardware the speed and memory columns were measured on. */
  device: string;
  dtype: string;
  /** Decoding protocol behind `tokens_per_second`. */
  throughput: string;
  /** What `peak_memory_mb` measures. */
  memory: string;
}

/**
 * The original study's measured MobileLLM table (its results/results.csv): exact parameter counts, WikiText-2
 * perplexity, T4 fp16 throughput (50 greedy tokens, no KV cache) and peak GPU memory. The only copy in the
 * repository: tests and examples import it.
 */
export const mobilellm: readonly MobileLlmRow[] = [
  { model_name: 'MobileLLM-125M', num_params: 124635456, perplexity: 11.961319, tokens_per_second: 23.715576, peak_memory_mb: 701.737984 },
  { model_name: 'MobileLLM-350M', num_params: 345355200, perplexity: 8.976614, tokens_per_second: 21.692929, peak_memory_mb: 1181.82144 },
  { model_name: 'MobileLLM-600M', num_params: 603188352, perplexity: 7.984185, tokens_per_second: 17.527269, peak_memory_mb: 1739.324416 },
  { model_name: 'MobileLLM-1B', num_params: 1005461760, perplexity: 7.171037, tokens_per_second: 13.30935, peak_memory_mb: 2559.193088 },
];

export const mobilellmConditions: MeasurementConditions = {
  perplexity: 'WikiText-2, window 1024, stride 512',
  device: 'NVIDIA T4 GPU',
  dtype: 'fp16',
  throughput: '50 greedy tokens, no KV cache',
  memory: 'peak GPU memory',
};

/** The observational-scaling table as columns: ready for `benchmarkScores(datasets.obsScaling, spec)`. */
export interface ObsScalingTable {
  /** The source file's header, in order. */
  readonly header: readonly string[];
  /** `Model` (HuggingFace id) and `Model Family` of each row. */
  readonly model: readonly string[];
  readonly family: readonly string[];
  /** Every numeric column by its header name (`Model Size (B)` … `HumanEval`); NaN where the file's cell is empty. */
  readonly columns: Readonly<Record<string, readonly number[]>>;
}

/**
 * Benchmark scores (fractions), sizes (B params), tokens (T) and training FLOPs (1e21) of 148 public base models
 * from Ruan et al. (2024), ryoungj/ObsScaling eval_results/base_llm_benchmark_eval.csv (Apache-2.0).
 */
export const obsScaling: ObsScalingTable = Object.freeze({
  header: Object.freeze([...OBSSCALING_HEADER]),
  model: Object.freeze(OBSSCALING_MODELS.map((m) => m[0])),
  family: Object.freeze(OBSSCALING_MODELS.map((m) => m[1])),
  columns: Object.freeze(
    Object.fromEntries(OBSSCALING_HEADER.slice(2).map((name, j) => [name, Object.freeze([...OBSSCALING_NUMBERS[j]!])])),
  ),
});

/**
 * Every built-in dataset: `mobilellm` (the original study, 4 rows), `chinchilla` (245 Chinchilla runs,
 * columns N, C, loss; D = C/(6N)), `bnslAddition` (17 points, 14 fit + 3 extrapolate) and `obsScaling`
 * (148 base models × 8 benchmarks, with size, tokens and FLOPs).
 */
export const datasets = { mobilellm, mobilellmConditions, chinchilla, bnslAddition, obsScaling } as const;
