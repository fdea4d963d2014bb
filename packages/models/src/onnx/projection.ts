import { attr, tensor, type Graph } from './graph.js';

/**
 * How the concatenated weight [W₁ᵀ | W₂ᵀ | …] is formed:
 * - `stacked-rows` (the plain decoder, so training graphs): rows stacked (Concat axis 0), then one Transpose; the
 *   Transpose's gradient is a contiguous row Split, which ORT folds into the weight Gemm.
 * - `transposed-columns` (the fused inference decoder): each weight transposed, then concatenated along columns; the
 *   weights are initializers there, so ORT folds the whole chain into one constant at load time.
 */
export type ProjectionLayout = 'stacked-rows' | 'transposed-columns';

/**
 * x · [W₁ᵀ | W₂ᵀ | …] in one MatMul over the concatenated weights (`weights`: value names, each [out, in]), split
 * back into parts of the given widths (one per weight, or merged neighbours). `label` is the full node label
 * (prefix included). A single weight and a single width give Transpose + MatMul, with no Concat or Split.
 */
export function fusedProjection(
  g: Graph,
  x: string,
  weights: string[],
  widths: number[],
  label: string,
  layout: ProjectionLayout,
): string[] {
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2], nodeLabel: string) =>
    g.op1(type, inputs, attrs, { label: nodeLabel });
  const transpose = (w: string, nodeLabel: string) => op('Transpose', [w], { perm: attr.ints([1, 0]) }, nodeLabel);
  let wT: string;
  if (layout === 'stacked-rows') {
    const stacked = weights.length === 1 ? (weights[0] as string) : op('Concat', weights, { axis: attr.int(0) }, `${label}_w`);
    wT = transpose(stacked, `${label}_wT`);
  } else {
    const parts = weights.map((w, i) => transpose(w, `${label}_w${i}T`));
    wT = parts.length === 1 ? (parts[0] as string) : op('Concat', parts, { axis: attr.int(1) }, `${label}_wT`);
  }
  const y = op('MatMul', [x, wT], {}, label);
  if (widths.length === 1) return [y];
  const split = g.constant(tensor.int64(widths), `${label}_split`);
  return g.op('Split', [y, split], { axis: attr.int(-1) }, { outputs: widths.length, label: `${label}_part` });
}
