export { ModelsError, ModelsInputError } from './errors.js';
export { LLAMA_DEFAULTS, validateConfig, type AttentionConfig, type ModelConfig } from './config.js';
export { weightSpecs, type ModelWeights, type WeightSpec } from './weights.js';
// --- core (presets, HF config, accounting, ladder, reference forward, init, safetensors) ---
export { getPreset, presetNames } from './presets.js';
export { fromHfConfig, toHfConfig, type HfLlamaConfig } from './hf-config.js';
export { parseConfigJson, resolveConfig } from './load-config.js';
export { paramCounts, type ParamCounts } from './accounting/params.js';
export { flopsPerToken, type FlopsByFamily, type FlopsPerToken } from './accounting/flops.js';
export { keyCount, keySpan, meanKeyCount, totalKeyCount } from './accounting/attention-span.js';
export {
  cachedPositions, DTYPE_BYTES, kvCacheBytes, MEMORY_DTYPES, trainingMemory, weightBytes, type MemoryDType, type TrainingMemory,
} from './accounting/memory.js';
export { generateLadder, type LadderOptions, type LadderPolicy, type LadderRung } from './ladder.js';
export { forward } from './forward/model.js';
export { createDecoder, type Decoder } from './forward/decoder.js';
export { checkTokens, checkWeights, resolveWeights, type BlockWeights, type ResolvedWeights } from './forward/check.js';
export { addInPlace, applyRope, embed, matmulT, rmsNorm, ropeTables, silu, softmaxRows, swiglu, type RopeTables } from './forward/ops.js';
export {
  attentionScratch, eluPlusOne, LINEAR_ATTENTION_EPS, LinearAttentionState, linearAttention, linearAttentionParallel,
  softmaxAttention, softmaxAttentionRow, type AttentionScratch, type AttentionShape,
} from './forward/attention.js';
export { createRng, hashString, type Rng } from '@scalewise/core';
export { initWeights, type InitOptions } from './init.js';
export {
  decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors, type SafetensorsDType, type SafetensorsFile, type TensorToWrite,
} from './safetensors.js';
export { loadWeights, saveWeights } from './weights-io.js';
// --- end core ---
export * from './onnx/index.js';
export { FAMILIES, FAMILY_NAMES, familyLadder, type FamilyLadderOptions, type FamilyName, type FamilyRung, type FamilySpec } from './families.js';
// --- checkpoint folders (MobileLLM / HF llama as published: pytorch_model.bin, safetensors, shards) ---
export {
  CHECKPOINT_WEIGHT_FILES, checkpointWeightName, isCheckpointFolder, loadCheckpoint, loadCheckpointConfig,
  type Checkpoint, type CheckpointWeightFile,
} from './checkpoints/folder.js';
export { loadTorchBin, type CheckpointTensor } from './checkpoints/torch-bin.js';
export { SUPPORTED_MODEL_TYPES } from './hf-config.js';
