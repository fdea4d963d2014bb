import type { ModelConfig, ModelWeights } from '@scalewise/models';
import type { EngineFactory, GradOptions, TokenBatch, TrainingEngine } from '../engine.js';
import { ReferenceModel } from './model.js';

/** The TypeScript reference engine: single-threaded, Float32Array, readable and exactly reproducible. */
export const createReferenceEngine: EngineFactory = async (config: ModelConfig): Promise<TrainingEngine> => {
  const model = new ReferenceModel<Float32Array>(config, Float32Array);
  return {
    name: 'reference',
    lossAndGrad: async (weights: ModelWeights, grads: ModelWeights, batch: TokenBatch, scale: number, options?: GradOptions) => {
      if (options?.overwrite) for (const g of grads.values()) g.fill(0);
      return model.lossAndGrad(weights, grads, batch, scale);
    },
    loss: async (weights: ModelWeights, batch: TokenBatch) => model.loss(weights, batch),
    dispose: async () => {},
  };
};
