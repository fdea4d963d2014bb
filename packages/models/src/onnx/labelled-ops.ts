import { tensor, type Graph } from './graph.js';

/**
 * Node builders for one attention block (chunked window, block-sparse, causal chunks, linear attention):
 * every node is labelled `${label}_<name>` (the op type by default) and every int64 constant `${label}_const`.
 */
export function labelledOps(g: Graph, label: string) {
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, name = type.toLowerCase()) =>
    g.op1(type, inputs, attrs, { label: `${label}_${name}` });
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${label}_const`);
  const slice = (x: string, start: number, end: number, axis: number) => op('Slice', [x, ints([start]), ints([end]), ints([axis])]);
  return { op, ints, slice };
}
