import type { ModelConfig, ModelWeights } from '@scalewise/models';

/** One batch of token rows: `inputs[b, t]` predicts `targets[b, t]`. */
export interface TokenBatch {
  batch: number;
  seq: number;
  inputs: Int32Array /* [batch, seq] */;
  targets: Int32Array /* [batch, seq] */;
  mask?: Uint8Array; /* [batch, seq], 1 = target scored; absent = all scored */
}

export interface GradOptions {
  /**
   * Store scale × ∂loss/∂w in `grads` instead of adding it: a step's first micro-batch then needs no zeroing pass, and
   * the native engine at scale 1 has onnxruntime write the gradients straight into the caller's arrays (no copy
   * through JavaScript). Equal to zeroing then adding, except that a −0 gradient stays −0. Default false.
   */
  overwrite?: boolean;
}

/** A forward/backward implementation of the `@scalewise/models` architecture. */
export interface TrainingEngine {
  readonly name: string; // 'reference' | 'native'
  /**
   * Mean cross-entropy in nats over the scored targets of `batch`; adds scale × ∂loss/∂w into `grads` (same names and
   * shapes as the weights), or with `overwrite` stores it there, whatever they held.
   */
  lossAndGrad(weights: ModelWeights, grads: ModelWeights, batch: TokenBatch, scale: number, options?: GradOptions): Promise<number>;
  /** Forward-only mean cross-entropy (nats) and the number of scored targets, for validation. */
  loss(weights: ModelWeights, batch: TokenBatch): Promise<{ meanNats: number; count: number }>;
  dispose(): Promise<void>;
}

/** Builds an engine for one model config. */
export type EngineFactory = (config: ModelConfig, options: { threads?: number }) => Promise<TrainingEngine>;
