// The public API of @scalewise/models: configure models, count parameters/FLOPs/memory, run and save them.
// The ONNX graph builder and low-level helpers are under '@scalewise/models/internals'; the reference forward
// kernels (norms, RoPE, attention) under '@scalewise/models/kernels'.

// Errors
export { ModelsError, ModelsInputError } from './errors.js';

// Configs, presets, families and ladders
export { LLAMA_DEFAULTS, validateConfig, type AttentionConfig, type ModelConfig } from './config.js';
export { getPreset, presetNames } from './presets.js';
export { fromHfConfig, toHfConfig, type HfLlamaConfig } from './hf-config.js';
export { parseConfigJson, resolveConfig } from './load-config.js';
export { familyLadder, FAMILY_NAMES, type FamilyName, type FamilyRung } from './families.js';
export { generateLadder, type LadderOptions, type LadderRung } from './ladder.js';

// Accounting
export { paramCounts, type ParamCounts } from './accounting/params.js';
export { flopsPerToken, type FlopsByFamily, type FlopsPerToken } from './accounting/flops.js';
export { kvCacheBytes, MEMORY_DTYPES, trainingMemory, weightBytes, type MemoryDType, type TrainingMemory } from './accounting/memory.js';

// Weights: shapes, initialization, files
export { weightSpecs, type ModelWeights, type WeightSpec } from './weights.js';
export { initWeights, type InitOptions } from './init.js';
export { loadSafetensors, saveSafetensors } from './safetensors.js';
export { loadWeights, saveWeights } from './weights-io.js';

// Running: reference forward pass and ONNX model folders
export { forward } from './forward/model.js';
export { createDecoder, type Decoder } from './forward/decoder.js';
export { configFromModelFolder, writeModelFolder, type ModelFolderOptions, type ModelFolderResult } from './onnx/folder.js';

// Checkpoint folders as published (MobileLLM / HF llama: pytorch_model.bin, safetensors, shards)
export { isCheckpointFolder, loadCheckpoint, type Checkpoint } from './checkpoints/folder.js';
