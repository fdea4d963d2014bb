export {
  Graph,
  attr,
  tensor,
  elementCount,
  type Attr,
  type DType,
  type Dim,
  type NodeDef,
  type OpOptions,
  type Tensor,
  type TensorData,
  type ValueInfo,
} from './graph.js';
export { encodeModel, checkGraph, externalDataSink, IR_VERSION, type EncodeOptions, type ExternalDataSink } from './encode.js';
export { emitDecoder, cacheSlots, type DecoderOptions, type DecoderOutputs, type DecoderKvCache, type DecoderDType } from './decoder.js';
export { buildInferenceGraph, type InferenceGraphOptions, DIMS as INFERENCE_DIMS } from './inference.js';
export {
  writeModelFolder,
  writeFileAtomic,
  modelFolderConfig,
  configFromModelFolder,
  EXTERNAL_DATA_THRESHOLD_BYTES,
  EXTERNAL_DATA_FILE,
  type ModelFolderOptions,
  type ModelFolderResult,
} from './folder.js';
