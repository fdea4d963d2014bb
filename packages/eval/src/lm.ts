import { EvalInputError } from './errors.js';

/** Which runtime evaluates the model. */
export type BackendName = 'onnxruntime-node' | 'transformers.js' | 'function' | 'wasm';

/** What a result file records about how a model was run. */
export interface ModelInfo {
  backend: BackendName;
  /** Intra-op threads (null: the runtime's default). */
  threads: number | null;
  /** Execution provider, e.g. `cpu`. */
  executionProvider: string;
  /** Weight precision, e.g. `fp32`, `int8`. */
  dtype: string;
  vocabSize: number;
  /** Model file or folder, when loaded from disk. */
  path?: string;
  /** Bytes of the weights on disk (ONNX file plus external data). */
  modelBytes?: number;
  /** Number of weight elements in the graph's initializers (embeddings included, counted once when tied). */
  params?: number;
  /** Token id to prepend to each document (BOS), when the model folder names one. */
  bosTokenId?: number;
  /** Longest input the model has positions for (config.json `max_position_embeddings`), when known. */
  maxPositions?: number;
  /** Whether the model takes a KV cache (`past_key_values.*` inputs). */
  kvCache: boolean;
}

/**
 * Raw next-token logits (not normalised) for a batch of windows, row-major `[batch, seqLen, vocab]`.
 * Windows shorter than `seqLen` are right-padded; rows past a window's length hold garbage and must not be read.
 */
export interface LogitsBatch {
  data: Float32Array;
  batch: number;
  seqLen: number;
  vocab: number;
  /** The real length of each window. */
  lengths: number[];
}

/** Incremental decoding with a KV cache (batch 1). */
export interface DecodeSession {
  /** Tokens fed so far (the cache depth). */
  readonly length: number;
  /** Append tokens; returns logits `[ids.length, vocab]` for the appended positions. */
  feed(ids: Int32Array): Promise<Float32Array>;
  /** Bytes held by the KV cache at the current depth. */
  cacheBytes(): number;
}

/**
 * A causal language model, whatever runs it: logits for windows of token ids, and optionally
 * step-by-step decoding with a KV cache.
 */
/**
 * Refuse a window length the model has no positions for, before any work (an ONNX Gather error otherwise,
 * or silent garbage from a model that does not check). `what` names the flag or option.
 */
export function checkPositions(info: ModelInfo, length: number, what: string): void {
  if (info.maxPositions !== undefined && length > info.maxPositions) {
    throw new EvalInputError(
      `${what} ${length} exceeds the model's ${info.maxPositions} positions (max_position_embeddings in ${info.path ?? 'its config.json'})`,
    );
  }
}

export interface CausalLM {
  readonly info: ModelInfo;
  /** Logits for each window (each of length ≥ 1); windows of different lengths are padded internally. */
  logits(windows: readonly Int32Array[]): Promise<LogitsBatch>;
  /** Start a decoding session; models without a KV cache recompute the whole prefix each step. */
  startDecode(): DecodeSession;
  dispose(): Promise<void>;
}
