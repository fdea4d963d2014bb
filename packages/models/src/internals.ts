// '@scalewise/models/internals': building blocks under the public API (the ONNX graph builder and encoder, weight
// checks, safetensors bytes, attention-span accounting). Used by @scalewise/train and @scalewise/eval; no stability
// promise: these may change in any minor release.

// ONNX graph builder, encoder and emitted graphs
export {
  attr,
  elementCount,
  Graph,
  tensor,
  type Attr,
  type Dim,
  type DType,
  type NodeDef,
  type OpOptions,
  type Tensor,
  type TensorData,
  type ValueInfo,
} from './onnx/graph.js';
export { checkGraph, encodeModel, externalDataSink, IR_VERSION, type EncodeOptions, type ExternalDataSink } from './onnx/encode.js';
export {
  cacheSlots,
  emitDecoder,
  type DecoderDType,
  type DecoderKvCache,
  type DecoderOptions,
  type DecoderOutputs,
} from './onnx/decoder.js';
export { buildInferenceGraph, DIMS as INFERENCE_DIMS, type InferenceGraphOptions } from './onnx/inference.js';
export { EXTERNAL_DATA_FILE, EXTERNAL_DATA_THRESHOLD_BYTES, modelFolderConfig, writeFileAtomic } from './onnx/folder.js';
export {
  profileByNode,
  profileByOp,
  profileRunSplit,
  profiledRuns,
  type NodeKernelTime,
  type OpKernelTime,
  type OrtProfileEvent,
  type ProfileOptions,
  type RunSplit,
} from './onnx/profile.js';

// Weight checks and files, byte level
export { checkTokens, checkWeights, resolveWeights, type BlockWeights, type ResolvedWeights } from './forward/check.js';
export { decodeSafetensors, encodeSafetensors, type SafetensorsDType, type SafetensorsFile, type TensorToWrite } from './safetensors.js';

// Accounting details, families and ladders in full
export { keyCount, keySpan, meanKeyCount, totalKeyCount } from './accounting/attention-span.js';
export { cachedPositions, DTYPE_BYTES } from './accounting/memory.js';
export { FAMILIES, type FamilyLadderOptions, type FamilySpec } from './families.js';
export { type LadderPolicy } from './ladder.js';

// Checkpoint folder parts (loadCheckpoint combines them)
export { CHECKPOINT_WEIGHT_FILES, checkpointWeightName, loadCheckpointConfig, type CheckpointWeightFile } from './checkpoints/folder.js';
export { loadTorchBin, type CheckpointTensor } from './checkpoints/torch-bin.js';
export { SUPPORTED_MODEL_TYPES } from './hf-config.js';
