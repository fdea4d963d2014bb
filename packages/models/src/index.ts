export { ModelsError, ModelsInputError } from './errors.js';
export { LLAMA_DEFAULTS, validateConfig, type AttentionConfig, type ModelConfig } from './config.js';
export { weightSpecs, type ModelWeights, type WeightSpec } from './weights.js';
export * from './onnx/index.js';
