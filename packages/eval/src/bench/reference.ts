/**
 * The original Python study's decoding speeds (shared/data/mobilellm/results.csv): tokens/s on a T4 GPU,
 * fp16, 50 greedy tokens, WITHOUT a KV cache. Keyed by preset name.
 */
export const ORIGINAL_STUDY_T4_TOKENS_PER_SECOND: Readonly<Record<string, number>> = {
  'mobilellm-125m': 23.715576,
  'mobilellm-350m': 21.692929,
  'mobilellm-600m': 17.527269,
  'mobilellm-1b': 13.30935,
};
