import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { ModelsError } from '../errors.js';
import type { Attr, DType, Dim, Graph, Tensor, ValueInfo } from './graph.js';

const { onnx } = onnxProto;

/** ONNX IR version written; ORT 1.30 reads it, and onnx-proto's schema (onnx 1.10) covers every field used. */
export const IR_VERSION = 8;

const DATA_TYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

function bytesOf(data: Tensor['data']): Uint8Array {
  // ONNX raw_data is little-endian, as are the typed arrays on every platform Node runs on here.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function tensorProto(name: string, tensor: Tensor, external?: ExternalDataSink): OnnxTypes.ITensorProto {
  const proto: OnnxTypes.ITensorProto = { name, dataType: DATA_TYPE[tensor.dtype], dims: tensor.dims };
  const bytes = bytesOf(tensor.data);
  if (external && bytes.byteLength >= external.threshold) {
    const offset = external.append(bytes);
    proto.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    proto.externalData = [
      { key: 'location', value: external.fileName },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(bytes.byteLength) },
    ];
  } else {
    proto.rawData = bytes;
  }
  return proto;
}

function valueInfo(info: ValueInfo): OnnxTypes.IValueInfoProto {
  const dim = (d: Dim) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  return {
    name: info.name,
    type: { tensorType: { elemType: DATA_TYPE[info.dtype], shape: { dim: info.shape.map(dim) } } },
  };
}

function attribute(name: string, value: Attr): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (value.type) {
    case 'int':
      return { name, type: T.INT, i: value.value };
    case 'float':
      return { name, type: T.FLOAT, f: value.value };
    case 'ints':
      return { name, type: T.INTS, ints: value.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: value.value };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(value.value) };
    case 'tensor':
      return { name, type: T.TENSOR, t: tensorProto(`${name}_value`, value.value) };
  }
}

/** Collects large initializers into one external-data file (needed past protobuf's 2 GiB limit). */
export interface ExternalDataSink {
  fileName: string;
  /** Tensors of at least this many bytes go to the external file. */
  threshold: number;
  /** Appends bytes, returns their offset in the file. */
  append: (bytes: Uint8Array) => number;
}

/** An in-memory external data sink; write `chunks` to `fileName` beside the model. */
export function externalDataSink(fileName: string, threshold = 1024): ExternalDataSink & { chunks: Uint8Array[]; size: number } {
  const sink = {
    fileName,
    threshold,
    chunks: [] as Uint8Array[],
    size: 0,
    append(bytes: Uint8Array): number {
      const offset = sink.size;
      sink.chunks.push(bytes);
      sink.size += bytes.byteLength;
      return offset;
    },
  };
  return sink;
}

/** Check the graph is well formed: every node input is produced before use. */
export function checkGraph(graph: Graph): void {
  const known = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (input !== '' && !known.has(input)) {
        throw new ModelsError(`ONNX graph '${graph.name}': node ${node.name} (${node.opType}) reads '${input}' before it is defined`);
      }
    }
    for (const output of node.outputs) known.add(output);
  }
  for (const output of graph.outputs) {
    if (!known.has(output.name)) throw new ModelsError(`ONNX graph '${graph.name}': output '${output.name}' is never produced`);
  }
}

export interface EncodeOptions {
  producer?: string;
  external?: ExternalDataSink;
  docString?: string;
}

/** Encode a graph as ONNX ModelProto bytes. */
export function encodeModel(graph: Graph, options: EncodeOptions = {}): Uint8Array {
  checkGraph(graph);
  const model: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    producerName: options.producer ?? '@scalewise/models',
    producerVersion: '0.1.0',
    docString: options.docString ?? '',
    opsetImport: Object.entries(graph.opsets).map(([domain, version]) => ({ domain, version })),
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      initializer: [...graph.initializers].map(([name, t]) => tensorProto(name, t, options.external)),
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        domain: node.domain,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attrs).map(([name, value]) => attribute(name, value)),
      })),
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}
