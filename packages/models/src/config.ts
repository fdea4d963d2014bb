import { ModelsInputError } from './errors.js';

/**
 * Attention variants. Head sharing (MHA / GQA / MQA) is set by `kvHeads` and applies to every kind:
 * - `full`: causal softmax attention over all previous positions.
 * - `sliding-window`: causal softmax attention over the last `window` positions (including the current one).
 * - `block-sparse`: causal softmax attention over the current and `localBlocks - 1` previous blocks of
 *   `blockSize` positions, plus the first `globalTokens` positions of the sequence.
 * - `linear`: causal linear attention, feature map φ(x) = elu(x) + 1, computed in O(T) prefix-sum form.
 */
export type AttentionConfig =
  | { kind: 'full' }
  | { kind: 'sliding-window'; window: number }
  | { kind: 'block-sparse'; blockSize: number; localBlocks: number; globalTokens: number }
  | { kind: 'linear' };

/** A llama-style decoder-only transformer (SwiGLU FFN, RMSNorm, RoPE, no biases), as MobileLLM uses. */
export interface ModelConfig {
  /** Free-form name, e.g. `mobilellm-125m`. */
  name: string;
  vocabSize: number;
  /** Residual stream width (HF `hidden_size`). */
  dim: number;
  /** Number of distinct transformer blocks (HF `num_hidden_layers`). */
  layers: number;
  /** Query heads (HF `num_attention_heads`). */
  heads: number;
  /** Key/value heads (HF `num_key_value_heads`): = heads is MHA, 1 is MQA, in between is GQA. */
  kvHeads: number;
  /** Per-head width; MobileLLM uses 64 (= dim / heads). */
  headDim: number;
  /** SwiGLU hidden width (HF `intermediate_size`). */
  ffnHidden: number;
  normEps: number;
  ropeTheta: number;
  maxPositions: number;
  /** Output head shares the input embedding matrix (MobileLLM `share_embedding`). */
  tiedEmbeddings: boolean;
  /** MobileLLM-LS: each block is applied this many times in a row with the same weights (1 = no sharing, LS = 2). */
  layerRepeat: number;
  attention: AttentionConfig;
}

/** Fields with the values MobileLLM uses; presets and user configs start from these. */
export const LLAMA_DEFAULTS = {
  vocabSize: 32000,
  headDim: 64,
  normEps: 1e-5,
  ropeTheta: 10000,
  maxPositions: 2048,
  tiedEmbeddings: true,
  layerRepeat: 1,
  attention: { kind: 'full' },
} as const satisfies Partial<ModelConfig>;

/**
 * Largest accepted size field (2^31 − 1, ONNX's int32 dims): bigger is a typo, and products of such fields
 * would leave the range where parameter counts are exact.
 */
export const MAX_CONFIG_DIM = 2 ** 31 - 1;

function positiveInteger(config: ModelConfig, field: keyof ModelConfig, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_CONFIG_DIM) {
    throw new ModelsInputError(
      `model config '${config.name}': ${String(field)} must be a positive integer up to ${MAX_CONFIG_DIM}, found ${JSON.stringify(value)}`,
    );
  }
}

/** Check a config's invariants; throws a ModelsInputError naming the field. Returns the config for chaining. */
export function validateConfig(config: ModelConfig): ModelConfig {
  for (const field of ['vocabSize', 'dim', 'layers', 'heads', 'kvHeads', 'headDim', 'ffnHidden', 'maxPositions', 'layerRepeat'] as const) {
    positiveInteger(config, field, config[field]);
  }
  if (config.heads % config.kvHeads !== 0) {
    throw new ModelsInputError(`model config '${config.name}': heads (${config.heads}) must be divisible by kvHeads (${config.kvHeads})`);
  }
  if (config.headDim % 2 !== 0) {
    throw new ModelsInputError(`model config '${config.name}': headDim must be even for RoPE, found ${config.headDim}`);
  }
  if (!(config.normEps > 0)) throw new ModelsInputError(`model config '${config.name}': normEps must be > 0, found ${config.normEps}`);
  if (!(config.ropeTheta > 0))
    throw new ModelsInputError(`model config '${config.name}': ropeTheta must be > 0, found ${config.ropeTheta}`);
  const attention = config.attention;
  switch (attention.kind) {
    case 'full':
    case 'linear':
      break;
    case 'sliding-window':
      if (!Number.isInteger(attention.window) || attention.window < 1) {
        throw new ModelsInputError(`model config '${config.name}': attention.window must be a positive integer, found ${attention.window}`);
      }
      break;
    case 'block-sparse':
      for (const key of ['blockSize', 'localBlocks'] as const) {
        if (!Number.isInteger(attention[key]) || attention[key] < 1) {
          throw new ModelsInputError(`model config '${config.name}': attention.${key} must be a positive integer, found ${attention[key]}`);
        }
      }
      if (!Number.isInteger(attention.globalTokens) || attention.globalTokens < 0) {
        throw new ModelsInputError(
          `model config '${config.name}': attention.globalTokens must be a non-negative integer, found ${attention.globalTokens}`,
        );
      }
      break;
    default:
      throw new ModelsInputError(
        `model config '${config.name}': attention.kind must be one of full, sliding-window, block-sparse, linear; found ` +
          `${JSON.stringify((attention as { kind: unknown }).kind)}`,
      );
  }
  return config;
}
