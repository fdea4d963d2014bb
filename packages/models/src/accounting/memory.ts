import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { meanKeyCount } from './attention-span.js';
import { paramCounts } from './params.js';

/** Storage types for weights and caches. */
export type MemoryDType = 'fp32' | 'fp16' | 'int8' | 'int4';

/** Bytes per element (int4 packs two values per byte). */
export const DTYPE_BYTES: Readonly<Record<MemoryDType, number>> = { fp32: 4, fp16: 2, int8: 1, int4: 0.5 };

export const MEMORY_DTYPES: readonly MemoryDType[] = ['fp32', 'fp16', 'int8', 'int4'];

/**
 * Bytes of the weights, per dtype: total params × bytes per element. Quantisation scales and zero points
 * (a few % for group-wise int4/int8) are not included.
 */
export function weightBytes(config: ModelConfig): Record<MemoryDType, number> {
  const n = paramCounts(config).total;
  return { fp32: n * 4, fp16: n * 2, int8: n, int4: Math.ceil(n / 2) };
}

function positiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new ModelsInputError(`${name} must be a positive integer, found ${value}`);
}

/** Positions a cache must keep to decode position `context` (the keys the last query can still reach). */
export function cachedPositions(config: ModelConfig, context: number): number {
  const attention = config.attention;
  if (attention.kind === 'full') return context;
  if (attention.kind === 'sliding-window') return Math.min(context, attention.window);
  // Block-sparse: what the exported decoder's cache holds (onnx/block-sparse-attention.ts): every position until there are
  // more than G + L·b, then the G global tokens and the last L·b positions (the next query reaches at most L·b - 1 back).
  // That is the most keys any query reaches (keyCount) once T is long enough, and never less.
  if (attention.kind === 'block-sparse') return Math.min(context, attention.globalTokens + attention.localBlocks * attention.blockSize);
  return 0;
}

/**
 * KV cache bytes for `batch` sequences at `context` tokens:
 *   2 (K and V) · layers · layerRepeat · KV · hd · positions · batch · bytes
 * Layer sharing repeats each block on different inputs, so every repeat has its own K and V. Sliding-window
 * and block-sparse caches keep only the positions still reachable. Linear attention keeps a constant state
 * per KV head instead (S: hd×hd and z: hd).
 */
export function kvCacheBytes(config: ModelConfig, context: number, batch = 1, dtype: MemoryDType = 'fp16'): number {
  positiveInt('kvCacheBytes: context', context);
  positiveInt('kvCacheBytes: batch', batch);
  const L = config.layers * config.layerRepeat;
  const perLayer =
    config.attention.kind === 'linear'
      ? config.kvHeads * (config.headDim * config.headDim + config.headDim)
      : 2 * config.kvHeads * config.headDim * cachedPositions(config, context);
  return Math.ceil(L * perLayer * batch * DTYPE_BYTES[dtype]);
}

export interface TrainingMemory {
  /** Saved activations for the backward pass (no recomputation), bytes. */
  activations: number;
  /** Weights + gradients + AdamW moments, fp32: 16 bytes per parameter. */
  weightsGradsOptimizer: number;
  total: number;
}

/**
 * Training memory estimate for `batch` sequences of `context` tokens with activations stored in `dtype`.
 * Counted per token and effective layer, the tensors the backward pass needs:
 *   2 RMSNorm inputs and outputs (4·dim), q, k, v, attention output (2·H·hd + 2·KV·hd), the attention
 *   probabilities (H·k̄, softmax kinds; linear attention keeps its prefix states, KV·hd² per token),
 *   SwiGLU gate, up and product (3·ffn);
 * plus per token the final norm (2·dim) and logits with their softmax (2·vocab). Framework overhead,
 * workspace buffers and fragmentation are not included.
 */
export function trainingMemory(config: ModelConfig, context: number, batch = 1, dtype: MemoryDType = 'fp32'): TrainingMemory {
  positiveInt('trainingMemory: context', context);
  positiveInt('trainingMemory: batch', batch);
  const { dim, heads, kvHeads, headDim, ffnHidden, vocabSize } = config;
  const L = config.layers * config.layerRepeat;
  const meanKeys = config.attention.kind === 'linear' ? 0 : meanKeyCount(config.attention, context);
  const attnState = config.attention.kind === 'linear' ? kvHeads * headDim * headDim : heads * meanKeys;
  const perLayerToken = 4 * dim + 2 * heads * headDim + 2 * kvHeads * headDim + attnState + 3 * ffnHidden;
  const perToken = L * perLayerToken + 2 * dim + 2 * vocabSize;
  const activations = Math.ceil(perToken * context * batch * DTYPE_BYTES[dtype]);
  const weightsGradsOptimizer = paramCounts(config).total * 16;
  return { activations, weightsGradsOptimizer, total: activations + weightsGradsOptimizer };
}
