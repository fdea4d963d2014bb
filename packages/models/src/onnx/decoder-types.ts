import type { AttentionConfig, ModelConfig } from '../config.js';
import type { Tensor } from './graph.js';

/** Types and small helpers shared by the decoder emitters (decoder.ts, fused-decoder.ts). */

export type DecoderDType = 'float32' | 'float64';

/** Inputs of the KV-cache path (names of values already in the graph). */
export interface DecoderKvCache {
  /** int64 [batch, past + seq]: 1 = attend, 0 = padding. */
  attentionMask: string;
  /** int64 [batch, seq]: RoPE positions (transformers.js passes cumsum(mask) - 1). */
  positionIds: string;
  /** One entry per cache slot (see `cacheSlots`), each [batch, kvHeads, past, headDim]; linear attention: S, z (or empty). */
  past: Array<{ key: string; value: string }>;
}

export interface DecoderOptions {
  /** Value name of a weight by its HF name (an initializer for export, a graph input for training). */
  weight: (name: string) => string;
  /** int64 [batch, seq] token ids. */
  inputIds: string;
  /** Float type of weights and activations; float64 lets finite differences run on the graph. Default float32. */
  dtype?: DecoderDType;
  /** No-KV path: the fixed sequence length (RoPE tables and the causal mask become constants). */
  seqLen?: number;
  /** KV-cache path (inference); exclusive with `seqLen`. */
  kvCache?: DecoderKvCache;
  /** Attention kind; defaults to `config.attention`. */
  attention?: AttentionConfig;
  /** int64 [batch, seq] next-token targets: adds `loss`, the mean cross-entropy in nats. No-KV path only. */
  targets?: string;
  /**
   * How SiLU is written: 'sigmoid' = x·Sigmoid(x); 'exp' = x / (1 + Exp(-x)). Default 'sigmoid' for float32 and
   * 'exp' for float64, because ORT 1.30 fuses x·Sigmoid(x) into QuickGelu, which has no float64 CPU kernel.
   */
  silu?: 'sigmoid' | 'exp';
  /** Prefix for value names, to keep graphs readable. Default ''. */
  prefix?: string;
  /**
   * Compute q/k/v and gate/up each with one MatMul over concatenated weights (then Split). With weights as
   * initializers ORT folds the concatenation once at load; fewer, wider matmuls decode (and train) faster.
   */
  fuseProjections?: boolean;
  /**
   * Attention over reachable key blocks only: sliding-window and block-sparse (chunked-*.ts, block-sparse-*.ts), and
   * without a cache full causal attention in query chunks (causal-static.ts). Default true; false: the dense T×T mask.
   */
  chunkedAttention?: boolean;
  /**
   * No-cache float32 graphs: RoPE as com.microsoft.RotaryEmbedding, one node per q and per k instead of six (rope-static.ts;
   * the training graph's default). Default false: plain ONNX ops, which any runtime runs; ignored with a cache or float64.
   */
  fusedRope?: boolean;
  /** No-cache linear attention: chunk length of the chunked form, used once seqLen ≥ 2 chunks (default 64). */
  linearChunk?: number;
}

export interface DecoderOutputs {
  /** [batch, seq, vocab] */
  logits: string;
  /** Scalar mean cross-entropy (nats/token), when `targets` was given. */
  loss?: string;
  /** Per cache slot: [batch, kvHeads, past + seq, headDim] (KV path only); linear attention: S [.., hd, hd], z [.., 1, hd]. */
  present: Array<{ key: string; value: string }>;
}

/**
 * Number of KV-cache slots: one per block application, numbered in execution order,
 * slot = block · layerRepeat + repeat (MobileLLM-LS block i run twice uses slots 2i and 2i + 1).
 */
export function cacheSlots(config: ModelConfig): number {
  return config.layers * config.layerRepeat;
}

export function floatTensor(dtype: DecoderDType, values: ArrayLike<number>, dims: number[]): Tensor {
  return dtype === 'float64' ? { dtype, dims, data: Float64Array.from(values) } : { dtype, dims, data: Float32Array.from(values) };
}
