import type { ModelConfig } from './config.js';
import { ModelsInputError } from './errors.js';
import { checkWeights } from './forward/check.js';
import { loadSafetensors, saveSafetensors, type TensorToWrite } from './safetensors.js';
import { weightSpecs, type ModelWeights } from './weights.js';

/**
 * Save a model's weights as safetensors (HF names and [out, in] shapes, so transformers can load them),
 * in `weightSpecs` order, with `__metadata__` `{ format: "pt", scalewise_config: <ModelConfig JSON> }`.
 */
export function saveWeights(
  path: string,
  config: ModelConfig,
  weights: ModelWeights,
  options: { dtype?: 'F32' | 'F16'; metadata?: Record<string, string> } = {},
): void {
  checkWeights(config, weights);
  const tensors = new Map<string, TensorToWrite>();
  for (const spec of weightSpecs(config)) tensors.set(spec.name, { shape: spec.shape, data: weights.get(spec.name)! });
  saveSafetensors(path, tensors, { format: 'pt', scalewise_config: JSON.stringify(config), ...options.metadata }, options.dtype ?? 'F32');
}

/**
 * Load weights from a safetensors file; with a config, check every tensor's name and shape (a tied head
 * stored as `lm_head.weight` is dropped). Returns the weights and the file's metadata.
 */
export function loadWeights(path: string, config?: ModelConfig): { weights: ModelWeights; metadata: Record<string, string> } {
  const file = loadSafetensors(path);
  const weights: ModelWeights = new Map();
  for (const [name, tensor] of file.tensors) weights.set(name, tensor.data);
  if (config) {
    for (const spec of weightSpecs(config)) {
      const stored = file.tensors.get(spec.name);
      if (stored && stored.shape.join(',') !== spec.shape.join(',')) {
        throw new ModelsInputError(
          `${path}: tensor ${spec.name} has shape [${stored.shape.join(', ')}], config '${config.name}' expects [${spec.shape.join(', ')}]`,
        );
      }
    }
    if (config.tiedEmbeddings) weights.delete('lm_head.weight');
    try {
      checkWeights(config, weights);
    } catch (error) {
      throw new ModelsInputError(`${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { weights, metadata: file.metadata };
}
