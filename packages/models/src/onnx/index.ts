export { Graph, attr, tensor, elementCount, type Attr, type DType, type Dim, type NodeDef, type OpOptions, type Tensor, type TensorData, type ValueInfo } from './graph.js';
export { encodeModel, checkGraph, externalDataSink, IR_VERSION, type EncodeOptions, type ExternalDataSink } from './encode.js';
