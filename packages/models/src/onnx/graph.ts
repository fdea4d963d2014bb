import { ModelsError } from '../errors.js';

/**
 * A small typed ONNX graph builder. The graph is plain data (nodes, inputs, outputs, initializers)
 * so that passes such as reverse-mode differentiation can walk and extend it before `encodeModel`
 * turns it into ONNX protobuf bytes.
 */

export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';
/** A dimension: a fixed size, or a symbolic name such as 'batch_size'. */
export type Dim = number | string;

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Uint8Array | Uint16Array;

/** A constant tensor (initializer or attribute value). `Uint16Array` holds float16 bits. */
export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

/** Attribute values with ONNX's attribute types made explicit (JS numbers alone cannot tell INT from FLOAT). */
export type Attr =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: Tensor };

export const attr = {
  int: (value: number): Attr => {
    if (!Number.isInteger(value)) throw new ModelsError(`ONNX int attribute must be an integer, found ${value}`);
    return { type: 'int', value };
  },
  float: (value: number): Attr => ({ type: 'float', value }),
  ints: (value: number[]): Attr => ({ type: 'ints', value }),
  floats: (value: number[]): Attr => ({ type: 'floats', value }),
  string: (value: string): Attr => ({ type: 'string', value }),
  tensor: (value: Tensor): Attr => ({ type: 'tensor', value }),
};

export interface NodeDef {
  opType: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
  /** '' is the default ONNX domain; 'com.microsoft' for ORT contrib ops. */
  domain: string;
  name: string;
}

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export interface OpOptions {
  /** Number of outputs (fresh names) or explicit output names. Default 1. */
  outputs?: number | string[];
  domain?: string;
  /** Prefix for fresh output names, for readable graphs. */
  label?: string;
}

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, float64: 8, float16: 2, int64: 8, int32: 4, int8: 1, uint8: 1, bool: 1 };

export function elementCount(dims: number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

function checkTensor(name: string, tensor: Tensor): void {
  const expected = elementCount(tensor.dims);
  if (tensor.data.length !== expected) {
    throw new ModelsError(`tensor '${name}': dims [${tensor.dims.join(', ')}] need ${expected} elements, found ${tensor.data.length}`);
  }
  if (tensor.data.BYTES_PER_ELEMENT !== BYTES_PER_ELEMENT[tensor.dtype] && tensor.dtype !== 'bool') {
    throw new ModelsError(`tensor '${name}': dtype ${tensor.dtype} does not match a ${tensor.data.constructor.name}`);
  }
}

export class Graph {
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers = new Map<string, Tensor>();
  readonly nodes: NodeDef[] = [];
  /** Opset imports by domain; the default domain defaults to opset 18. */
  readonly opsets: Record<string, number>;
  private counter = 0;
  private readonly names = new Set<string>();

  constructor(
    readonly name: string,
    opsets: Record<string, number> = {},
  ) {
    this.opsets = { '': 18, ...opsets };
  }

  /** A fresh, unused value name with a readable prefix. */
  fresh(prefix = 't'): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new ModelsError(`ONNX graph '${this.name}': value name '${name}' is already used`);
    this.names.add(name);
    return name;
  }

  input(name: string, dtype: DType, shape: Dim[]): string {
    this.inputs.push({ name: this.claim(name), dtype, shape });
    return name;
  }

  /** Mark an existing value as a graph output (optionally renaming it through Identity). */
  output(value: string, dtype: DType, shape: Dim[], name = value): string {
    if (name !== value) this.op('Identity', [value], {}, { outputs: [name] });
    this.outputs.push({ name, dtype, shape });
    return name;
  }

  initializer(name: string, tensor: Tensor): string {
    checkTensor(name, tensor);
    this.initializers.set(this.claim(name), tensor);
    return name;
  }

  /** An anonymous constant stored as an initializer. */
  constant(tensor: Tensor, label = 'const'): string {
    const name = this.fresh(label);
    checkTensor(name, tensor);
    this.initializers.set(name, tensor);
    return name;
  }

  /** Append a node; returns its output names. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, options: OpOptions = {}): string[] {
    const spec = options.outputs ?? 1;
    const label = options.label ?? opType.toLowerCase();
    const outputs = typeof spec === 'number' ? Array.from({ length: spec }, () => this.fresh(label)) : spec.map((n) => this.claim(n));
    this.nodes.push({ opType, inputs, outputs, attrs, domain: options.domain ?? '', name: `${opType}_${this.nodes.length}` });
    return outputs;
  }

  /** Append a single-output node; returns its output name. */
  op1(
    opType: string,
    inputs: string[],
    attrs: Record<string, Attr> = {},
    options: Omit<OpOptions, 'outputs'> & { output?: string } = {},
  ): string {
    const outputs = options.output ? [options.output] : 1;
    return this.op(opType, inputs, attrs, { ...options, outputs })[0] as string;
  }
}

/** Scalars and small vectors as tensors, for constants. */
export const tensor = {
  float32: (values: number[] | Float32Array, dims: number[] = [values.length]): Tensor => ({
    dtype: 'float32',
    dims,
    data: Float32Array.from(values),
  }),
  float64: (values: number[] | Float64Array, dims: number[] = [values.length]): Tensor => ({
    dtype: 'float64',
    dims,
    data: Float64Array.from(values),
  }),
  int64: (values: number[], dims: number[] = [values.length]): Tensor => ({
    dtype: 'int64',
    dims,
    data: BigInt64Array.from(values.map(BigInt)),
  }),
};
