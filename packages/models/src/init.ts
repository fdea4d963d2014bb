import { validateConfig, type ModelConfig } from './config.js';
import { createRng, hashString } from '@scalewise/core';
import { weightSpecs, type ModelWeights } from './weights.js';

export interface InitOptions {
  /** Standard deviation of embeddings and linear weights (GPT-2 / llama `initializer_range`). Default 0.02. */
  std?: number;
}

/**
 * Seeded random initialisation (GPT-2 / nanoGPT scheme):
 * - embeddings and linear weights ~ N(0, std²), std = 0.02;
 * - residual output projections (`o_proj`, `down_proj`) ~ N(0, (std / √(2·layers·layerRepeat))²), so the
 *   residual stream's variance does not grow with the number of blocks actually run;
 * - RMSNorm weights = 1.
 * Each tensor draws from its own stream, seeded by (seed, tensor name): a tensor's values do not depend on
 * the other tensors, so e.g. layer 0 is the same in a 2-layer and a 4-layer model with the same widths.
 */
export function initWeights(config: ModelConfig, seed: number, options: InitOptions = {}): ModelWeights {
  validateConfig(config);
  const std = options.std ?? 0.02;
  const residualStd = std / Math.sqrt(2 * config.layers * config.layerRepeat);
  const weights: ModelWeights = new Map();
  for (const spec of weightSpecs(config)) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.role === 'norm') {
      data.fill(1);
    } else {
      const residual = /\.(o_proj|down_proj)\.weight$/.test(spec.name);
      createRng(((seed >>> 0) ^ hashString(spec.name)) >>> 0).fillNormal(data, 0, residual ? residualStd : std);
    }
    weights.set(spec.name, data);
  }
  return weights;
}
