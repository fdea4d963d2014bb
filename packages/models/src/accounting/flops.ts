import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { meanKeyCount } from './attention-span.js';
import { paramCounts } from './params.js';

/** FLOPs per token by op family (1 multiply-add = 2 FLOPs). */
export interface FlopsByFamily {
  /** q, k, v, o projections: 2·dim·(2·H·hd + 2·KV·hd) per effective layer. */
  attentionProjections: number;
  /** Scores and weighted values (QKᵀ and AV): 4·H·hd·keys per effective layer (see `flopsPerToken`). */
  attentionScores: number;
  /** SwiGLU gate, up and down: 2·3·dim·ffn per effective layer. */
  ffn: number;
  /** Output head: 2·dim·vocab. */
  logits: number;
  total: number;
}

export interface FlopsPerToken {
  /** Context length T the figures are for. */
  context: number;
  /** Blocks actually run: layers · layerRepeat. */
  effectiveLayers: number;
  /** Mean keys attended per query (softmax kinds), or 0 for linear attention. */
  meanKeys: number;
  forward: FlopsByFamily;
  /** Training = forward + backward ≈ 3 × forward (backward costs two matmuls per forward matmul). */
  train: FlopsByFamily;
  /** PaLM appendix B (as in nanoGPT): 2N + 4·L·H·Q·T forward, 6N + 12·L·H·Q·T train; N = total params. */
  palm: { forward: number; train: number };
}

function scale(f: FlopsByFamily, k: number): FlopsByFamily {
  return {
    attentionProjections: f.attentionProjections * k,
    attentionScores: f.attentionScores * k,
    ffn: f.ffn * k,
    logits: f.logits * k,
    total: f.total * k,
  };
}

/**
 * FLOPs per token, averaged over the positions of a sequence of `context` tokens (matmuls only; norms,
 * RoPE, softmax and the embedding lookup are O(dim) per token and left out).
 *
 * Attention scores, per effective layer and token:
 * - softmax kinds: 4·H·hd·k̄ with k̄ the mean number of keys per query that the kind really visits (causal:
 *   (T+1)/2; sliding-window: min(t+1, w) averaged; block-sparse: local blocks + global tokens averaged).
 * - linear (φ = elu+1, prefix-sum form): per KV head the state update φ(k)vᵀ and z += φ(k), 2·hd² + hd;
 *   per query head the read-out φ(q)ᵀS and φ(q)ᵀz, 2·hd² + 2·hd. Independent of T.
 *
 * PaLM's approximation counts every attention layer at the full context T (no causal halving) and uses
 * N = total parameters, so with layer sharing (layerRepeat > 1) its 6N undercounts the repeated blocks.
 */
export function flopsPerToken(config: ModelConfig, context: number): FlopsPerToken {
  if (!Number.isInteger(context) || context < 1) {
    throw new ModelsInputError(`flopsPerToken: context must be a positive integer number of tokens, found ${context}`);
  }
  const { dim, heads, kvHeads, headDim, ffnHidden, vocabSize } = config;
  const L = config.layers * config.layerRepeat;
  const linear = config.attention.kind === 'linear';
  const meanKeys = linear ? 0 : meanKeyCount(config.attention, context);
  const attentionProjections = L * 2 * dim * (2 * heads * headDim + 2 * kvHeads * headDim);
  const attentionScores = linear
    ? L * (kvHeads * (2 * headDim * headDim + headDim) + heads * (2 * headDim * headDim + 2 * headDim))
    : L * 4 * heads * headDim * meanKeys;
  const ffn = L * 6 * dim * ffnHidden;
  const logits = 2 * dim * vocabSize;
  const forward = { attentionProjections, attentionScores, ffn, logits, total: attentionProjections + attentionScores + ffn + logits };
  const N = paramCounts(config).total;
  const attn = L * heads * headDim * context;
  return {
    context,
    effectiveLayers: L,
    meanKeys,
    forward,
    train: scale(forward, 3),
    palm: { forward: 2 * N + 4 * attn, train: 6 * N + 12 * attn },
  };
}
