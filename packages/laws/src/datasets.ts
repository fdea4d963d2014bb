/**
 * Built-in datasets, small enough to ship inside the package, so that examples and tests work on a bare
 * clone. Sources and licences: packages/laws/README.md ("Built-in datasets").
 */
import { bnslAddition, type BnslAdditionRow } from './datasets/bnsl.js';
import { chinchilla, chinchillaFitData, type ChinchillaRuns } from './datasets/chinchilla.js';

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

/**
 * Every built-in dataset: `mobilellm` (the original study, 4 rows), `chinchilla` (245 Chinchilla runs,
 * columns N, C, loss; D = C/(6N)) and `bnslAddition` (17 points, 14 fit + 3 extrapolate).
 */
export const datasets = { mobilellm, mobilellmConditions, chinchilla, bnslAddition } as const;
