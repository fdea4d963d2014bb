import type { ModelConfig, ModelWeights } from '@scalewise/models';

/** One batch of token rows: `inputs[b, t]` predicts `targets[b, t]`. */
export interface TokenBatch {
  batch: number;
  seq: number;
  inputs: Int32Array /* [batch, seq] */;
  targets: Int32Array /* [batch, seq] */;
  mask?: Uint8Array; /* [batch, seq], 1 = target scored; absent = all scored */
}

/** A forward/backward implementation of the `@scalewise/models` architecture. */
export interface TrainingEngine {
  readonly name: string; // 'reference' | 'native'
  /**
   * Mean cross-entropy in nats over the scored targets of `batch`; adds scale × ∂loss/∂w into `grads` (same names and
   * shapes as the weights).
   */
  lossAndGrad(weights: ModelWeights, grads: ModelWeights, batch: TokenBatch, scale: number): Promise<number>;
  /** Forward-only mean cross-entropy (nats) and the number of scored targets, for validation. */
  loss(weights: ModelWeights, batch: TokenBatch): Promise<{ meanNats: number; count: number }>;
  dispose(): Promise<void>;
}

/** Builds an engine for one model config. */
export type EngineFactory = (config: ModelConfig, options: { threads?: number }) => Promise<TrainingEngine>;
