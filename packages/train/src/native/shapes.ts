import type { Dim, Graph, NodeDef, Tensor } from '@scalewise/models/internals';

/**
 * Partial static shape inference over a `Graph`, for the op set the decoder uses. A value whose shape
 * cannot be inferred statically is simply absent; callers then fall back to runtime shape ops.
 */
export type ShapeMap = Map<string, Dim[]>;

/** Integer values of a constant (initializer or Constant node), or undefined. */
export function constantInts(graph: Graph, constants: Map<string, Tensor>, name: string): number[] | undefined {
  const t = graph.initializers.get(name) ?? constants.get(name);
  if (!t || (t.dtype !== 'int64' && t.dtype !== 'int32')) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Numeric values of a constant of any dtype, or undefined. */
export function constantValues(graph: Graph, constants: Map<string, Tensor>, name: string): number[] | undefined {
  const t = graph.initializers.get(name) ?? constants.get(name);
  if (!t) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function broadcast(shapes: (Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const known = shapes as Dim[][];
  const rank = Math.max(...known.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const dims = known.map((s) => s[s.length - rank + i]).filter((d): d is Dim => d !== undefined && d !== 1);
    if (dims.length === 0) out.push(1);
    else if (dims.every((d) => d === dims[0])) out.push(dims[0] as Dim);
    else return undefined;
  }
  return out;
}

const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const intAttr = (node: NodeDef, key: string, fallback: number) => {
  const a = node.attrs[key];
  return a && a.type === 'int' ? a.value : fallback;
};
const intsAttr = (node: NodeDef, key: string) => {
  const a = node.attrs[key];
  return a && a.type === 'ints' ? a.value : undefined;
};

const UNARY = new Set([
  'Neg',
  'Sqrt',
  'Sigmoid',
  'Exp',
  'Log',
  'Relu',
  'Tanh',
  'Cast',
  'CastLike',
  'Identity',
  'Softmax',
  'LogSoftmax',
  'Elu',
  'Reciprocal',
  'Erf',
  'Abs',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Where', 'Sum', 'Max', 'Min', 'Equal', 'Less', 'Greater']);

function inferNode(graph: Graph, node: NodeDef, shapes: ShapeMap, constants: Map<string, Tensor>): Dim[] | undefined {
  const s = (i: number) => (node.inputs[i] ? shapes.get(node.inputs[i] as string) : undefined);
  const ints = (i: number) => (node.inputs[i] ? constantInts(graph, constants, node.inputs[i] as string) : undefined);
  const x = s(0);
  if (UNARY.has(node.opType)) return x;
  if (BROADCAST.has(node.opType)) return broadcast(node.inputs.map((_, i) => s(i)));
  switch (node.opType) {
    case 'RotaryEmbedding':
      return x;
    case 'MatMul':
    case 'FusedMatMul': {
      let a = x,
        b = s(1);
      if (!a || !b || a.length < 2 || b.length < 2) return undefined;
      if (node.opType === 'FusedMatMul') {
        const swap = (d: Dim[]) => [...d.slice(0, -2), d[d.length - 1] as Dim, d[d.length - 2] as Dim];
        if (intAttr(node, 'transA', 0)) a = swap(a);
        if (intAttr(node, 'transB', 0)) b = swap(b);
      }
      const batch = broadcast([a.slice(0, -2), b.slice(0, -2)]);
      return batch && [...batch, a[a.length - 2] as Dim, b[b.length - 1] as Dim];
    }
    case 'Gemm': {
      const b = s(1);
      if (!x || !b) return undefined;
      return [x[intAttr(node, 'transA', 0) ? 1 : 0] as Dim, b[intAttr(node, 'transB', 0) ? 0 : 1] as Dim];
    }
    case 'Gather': {
      const idx = s(1);
      if (!x || !idx) return undefined;
      const axis = normAxis(intAttr(node, 'axis', 0), x.length);
      return [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)];
    }
    case 'GatherElements':
      return s(1);
    case 'Reshape': {
      const target = ints(1);
      if (!target) return undefined;
      const out: Dim[] = target.map((d, i) => (d === 0 ? (x?.[i] ?? -2) : d));
      if (out.includes(-2)) return undefined;
      const minus = out.indexOf(-1);
      if (minus >= 0) {
        if (!x || x.some((d) => typeof d !== 'number') || out.some((d) => typeof d !== 'number')) return undefined;
        const total = (x as number[]).reduce((p, d) => p * d, 1);
        const rest = (out as number[]).reduce((p, d) => (d === -1 ? p : p * d), 1);
        out[minus] = total / rest;
      }
      return out;
    }
    case 'Transpose': {
      if (!x) return undefined;
      const perm = intsAttr(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return perm.map((p) => x[p] as Dim);
    }
    case 'Unsqueeze': {
      const axes = ints(1);
      if (!x || !axes) return undefined;
      const rank = x.length + axes.length;
      const set = new Set(axes.map((a) => normAxis(a, rank)));
      const out: Dim[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : (x[j++] as Dim));
      return out;
    }
    case 'Squeeze': {
      const axes = ints(1);
      if (!x) return undefined;
      const set = new Set((axes ?? x.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis(a, x.length)));
      return x.filter((_, i) => !set.has(i));
    }
    case 'Slice': {
      const starts = ints(1),
        ends = ints(2);
      if (!x || !starts || !ends) return undefined;
      const axes = node.inputs[3] ? ints(3) : starts.map((_, i) => i);
      const steps = node.inputs[4] ? ints(4) : starts.map(() => 1);
      if (!axes || !steps) return undefined;
      const out = [...x];
      for (let k = 0; k < axes.length; k++) {
        const axis = normAxis(axes[k] as number, x.length);
        const dim = x[axis];
        if (typeof dim !== 'number' || steps[k] !== 1) return undefined;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
        out[axis] = Math.max(0, clamp(ends[k] as number) - clamp(starts[k] as number));
      }
      return out;
    }
    case 'Concat': {
      const all = node.inputs.map((_, i) => s(i));
      if (!x || all.some((d) => !d)) return undefined;
      const axis = normAxis(intAttr(node, 'axis', 0), x.length);
      const sizes = all.map((d) => (d as Dim[])[axis]);
      if (sizes.some((d) => typeof d !== 'number')) return undefined;
      const out = [...x];
      out[axis] = (sizes as number[]).reduce((p, d) => p + d, 0);
      return out;
    }
    case 'Expand': {
      const target = ints(1);
      return target ? broadcast([x, target]) : undefined;
    }
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax': {
      if (!x) return undefined;
      const axes = node.inputs[1] ? ints(1) : intsAttr(node, 'axes');
      const keep = intAttr(node, 'keepdims', 1);
      const all = axes === undefined || axes.length === 0;
      if (all && intAttr(node, 'noop_with_empty_axes', 0)) return x;
      if (axes === undefined && node.inputs[1]) return undefined;
      const set = new Set(all ? x.map((_, i) => i) : (axes as number[]).map((a) => normAxis(a, x.length)));
      return keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
    }
    case 'Shape':
      return x ? [x.length] : undefined;
    case 'Size':
      return [];
    case 'ConstantOfShape': {
      const t = ints(0);
      return t;
    }
    case 'Constant': {
      const v = node.attrs.value;
      return v && v.type === 'tensor' ? v.value.dims : undefined;
    }
    default:
      return undefined;
  }
}

/** Infer what can be inferred, in node order. */
export function inferShapes(graph: Graph): ShapeMap {
  const shapes: ShapeMap = new Map();
  const constants = constantNodes(graph);
  for (const input of graph.inputs) shapes.set(input.name, input.shape);
  for (const [name, t] of graph.initializers) shapes.set(name, t.dims);
  for (const node of graph.nodes) {
    const out = node.outputs[0];
    if (!out) continue;
    if (node.opType === 'Split') {
      splitShapes(graph, node, shapes, constants);
      continue;
    }
    const shape = inferNode(graph, node, shapes, constants);
    if (shape) shapes.set(out, shape);
  }
  return shapes;
}

/** Split with constant sizes (input 1): each output is the input with its axis cut to that part's size. */
function splitShapes(graph: Graph, node: NodeDef, shapes: ShapeMap, constants: Map<string, Tensor>): void {
  const x = shapes.get(node.inputs[0] as string);
  const sizes = node.inputs[1] ? constantInts(graph, constants, node.inputs[1]) : undefined;
  if (!x || !sizes || sizes.length !== node.outputs.length) return;
  const axis = normAxis(intAttr(node, 'axis', 0), x.length);
  node.outputs.forEach((o, k) =>
    shapes.set(
      o,
      x.map((d, i) => (i === axis ? (sizes[k] as number) : d)),
    ),
  );
}

/** Tensors produced by Constant nodes, by output name. */
export function constantNodes(graph: Graph): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const node of graph.nodes) {
    const v = node.attrs.value;
    if (node.opType === 'Constant' && v?.type === 'tensor' && node.outputs[0]) out.set(node.outputs[0], v.value);
  }
  return out;
}

export function sameShape(a: Dim[] | undefined, b: Dim[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);
}
