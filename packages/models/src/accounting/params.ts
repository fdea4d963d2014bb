import type { ModelConfig } from '../config.js';

/** Parameter counts (exact integers). */
export interface ParamCounts {
  /** Every stored parameter; the tied output head is counted once. */
  total: number;
  /** Token embedding matrix, plus the output head when it is not tied: vocab·dim·(tied ? 1 : 2). */
  embedding: number;
  /** total − embedding (Kaplan's N): blocks and the final norm. */
  nonEmbedding: number;
  /** Parameters of one transformer block. */
  perLayer: number;
}

/**
 * Exact parameter count of a llama-style config (no biases):
 *
 *   per block   = 2·dim                         (two RMSNorm weights)
 *               + dim·H·hd + 2·dim·KV·hd + H·hd·dim   (q, k, v, o projections)
 *               + 3·dim·ffn                     (SwiGLU gate, up, down)
 *   total       = vocab·dim·(tied ? 1 : 2) + layers·block + dim (final norm)
 *
 * Layer sharing (`layerRepeat`) reuses weights, so it does not change the count.
 * MobileLLM-125M: 32000·576 + 30·3,540,096 + 576 = 124,635,456.
 */
export function paramCounts(config: ModelConfig): ParamCounts {
  const { vocabSize, dim, heads, kvHeads, headDim, ffnHidden, layers } = config;
  const attn = dim * heads * headDim * 2 + dim * kvHeads * headDim * 2;
  const perLayer = 2 * dim + attn + 3 * dim * ffnHidden;
  const embedding = vocabSize * dim * (config.tiedEmbeddings ? 1 : 2);
  const nonEmbedding = layers * perLayer + dim;
  return { total: embedding + nonEmbedding, embedding, nonEmbedding, perLayer };
}
