import { attr, tensor, type Dim, type NodeDef } from '@scalewise/models/internals';
import { TrainError } from '../errors.js';
import type { GradContext, GradRule } from './autodiff.js';

/** Gradient rules for matmuls, indexing and shape ops. */

const int = (node: NodeDef, key: string, fallback: number) => {
  const a = node.attrs[key];
  return a?.type === 'int' ? a.value : fallback;
};
const inp = (node: NodeDef, k: number) => node.inputs[k] as string;
const out = (node: NodeDef) => node.outputs[0] as string;

function swapLast(ctx: GradContext, value: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return ctx.op('Transpose', [value], { perm: attr.ints(perm) });
}

function zerosLike(ctx: GradContext, value: string): string {
  const zero = ctx.dtype === 'float64' ? tensor.float64([0]) : tensor.float32([0]);
  return ctx.op('ConstantOfShape', [ctx.shapeTensor(value)], { value: attr.tensor(zero) });
}

function toInt64(ctx: GradContext, value: string): string {
  const existing = ctx.g.inputs.find((i) => i.name === value)?.dtype ?? ctx.g.initializers.get(value)?.dtype;
  return existing === 'int64' ? value : ctx.op('Cast', [value], { to: attr.int(7) });
}

const matMul: GradRule = (ctx, node, [dy], need) => {
  if (!dy) return [];
  const [a, b] = [inp(node, 0), inp(node, 1)];
  const ra = ctx.shapeOf(a)?.length,
    rb = ctx.shapeOf(b)?.length;
  if (ra === undefined || rb === undefined || ra < 2 || rb < 2) {
    throw new TrainError(
      `differentiate: MatMul node ${node.name} needs statically known operand ranks ≥ 2, found ${ra ?? '?'} and ${rb ?? '?'}`,
    );
  }
  const y = out(node);
  // A product's operand gradient has the output's batch dims and the operand's matrix dims.
  const sy = ctx.shapeOf(y);
  const reduce = (grad: string, x: string) => {
    const sx = ctx.shapeOf(x);
    // Unknown shapes: the runtime path reads the gradient's own shape.
    return ctx.reduceTo(grad, sy && sx ? [...sy.slice(0, -2), ...sx.slice(-2)] : grad, x);
  };
  let da: string | undefined, db: string | undefined;
  if (need[0]) da = reduce(ctx.op('MatMul', [dy, swapLast(ctx, b, rb)]), a);
  if (need[1]) {
    if (rb === 2 && ra > 2) {
      // Weight matrix shared across the batch: one [K,M]·[M,N] product over flattened rows.
      const k = ctx.op('Reshape', [a, ctx.int64([-1, ...shapeTail(ctx, a)])]);
      const g = ctx.op('Reshape', [dy, ctx.int64([-1, ...shapeTail(ctx, y)])]);
      db = ctx.op('Gemm', [k, g], { transA: attr.int(1) });
    } else if (narrowOutput(ctx.shapeOf(a), sy)) {
      // aᵀ·dy with few output columns (N = head dim 8 against K = 128 keys: attention's dV) runs several times
      // slower in ORT than (dyᵀ·a)ᵀ, whose product has K columns and whose transpose is small.
      db = reduce(swapLast(ctx, ctx.op('MatMul', [swapLast(ctx, dy, ra), a]), ra), b);
    } else {
      db = reduce(ctx.op('MatMul', [swapLast(ctx, a, ra), dy]), b);
    }
  }
  return [da, db];
};

/**
 * For y = a·b with a [..., M, K] and y [..., M, N] of the same rank (a not broadcast): ∂b is [..., K, N]; true when
 * N < 16 ≤ K (a narrow product).
 */
function narrowOutput(sa: Dim[] | undefined, sy: Dim[] | undefined): boolean {
  const K = sa?.at(-1),
    N = sy?.at(-1);
  return sa?.length === sy?.length && typeof K === 'number' && typeof N === 'number' && N < 16 && K >= 16;
}

function shapeTail(ctx: GradContext, value: string): number[] {
  const last = ctx.shapeOf(value)?.at(-1);
  if (typeof last !== 'number')
    throw new TrainError(`differentiate: the last dimension of '${value}' must be static, found ${String(last)}`);
  return [last];
}

const gemm: GradRule = (ctx, node, [dy], need) => {
  if (!dy) return [];
  const [a, b] = [inp(node, 0), inp(node, 1)];
  const tA = int(node, 'transA', 0),
    tB = int(node, 'transB', 0);
  const alphaAttr = node.attrs.alpha,
    betaAttr = node.attrs.beta;
  const alpha = alphaAttr?.type === 'float' ? alphaAttr.value : 1;
  const beta = betaAttr?.type === 'float' ? betaAttr.value : 1;
  const g = (x: string, w: string, ta: number, tb: number) =>
    ctx.op('Gemm', [x, w], { transA: attr.int(ta), transB: attr.int(tb), ...(alpha !== 1 ? { alpha: attr.float(alpha) } : {}) });
  const da = need[0] ? (tA ? g(b, dy, tB, 1) : g(dy, b, 0, 1 - tB)) : undefined;
  const db = need[1] ? (tB ? g(dy, a, 1, tA) : g(a, dy, 1 - tA, 0)) : undefined;
  let dc: string | undefined;
  if (need[2]) {
    const scaled = beta === 1 ? dy : ctx.op('Mul', [dy, ctx.scalar(beta)]);
    dc = ctx.reduceTo(scaled, out(node), inp(node, 2));
  }
  return [da, db, dc];
};

const gather: GradRule = (ctx, node, [dy], need) => {
  if (!dy || !need[0]) return [];
  const data = inp(node, 0);
  if (int(node, 'axis', 0) !== 0) throw new TrainError(`differentiate: Gather node ${node.name}: only axis 0 has a gradient rule`);
  if (ctx.rowGradients && ctx.wrt.has(data) && ctx.g.inputs.some((i) => i.name === inp(node, 1))) {
    ctx.rowGradients.push({ data, ids: inp(node, 1), rows: dy });
    return [];
  }
  const ids = toInt64(ctx, inp(node, 1));
  // Rows of repeated ids add up. ScatterND adds whole rows but is racy on ≥ 2 threads (see singleThreaded).
  if (ctx.singleThreaded) {
    const idx = ctx.op('Unsqueeze', [ids, ctx.int64([-1])]);
    return [ctx.op('ScatterND', [zerosLike(ctx, data), idx, dy], { reduction: attr.string('add') })];
  }
  // ScatterElements adds element by element, serially; it needs indices of the data's rank: dy as [N, …row] and
  // each row's id repeated along its row.
  const dataShape = ctx.shapeOf(data);
  if (!dataShape?.every((d) => typeof d === 'number'))
    throw new TrainError(`differentiate: Gather node ${node.name}: the shape of its data must be static`);
  const rowDims = (dataShape as number[]).slice(1);
  const rows = ctx.op('Reshape', [dy, ctx.int64([-1, ...rowDims])]);
  const column = ctx.op('Reshape', [ids, ctx.int64([-1, ...rowDims.map(() => 1)])]);
  // Expand broadcasts both ways: [N, 1, …] against [1, …row] gives [N, …row] without knowing N.
  const elementIds = ctx.op('Expand', [column, ctx.int64([1, ...rowDims])]);
  return [ctx.op('ScatterElements', [zerosLike(ctx, data), elementIds, rows], { axis: attr.int(0), reduction: attr.string('add') })];
};

const gatherElements: GradRule = (ctx, node, [dy], need) => {
  if (!dy || !need[0]) return [];
  const data = inp(node, 0);
  return [
    ctx.op('ScatterElements', [zerosLike(ctx, data), toInt64(ctx, inp(node, 1)), dy], {
      axis: attr.int(int(node, 'axis', 0)),
      reduction: attr.string('add'),
    }),
  ];
};

const reshapeBack: GradRule = (ctx, node, [dy]) => (dy ? [ctx.op('Reshape', [dy, ctx.shapeTensor(inp(node, 0))])] : []);

const slice: GradRule = (ctx, node, [dy]) => {
  if (!dy) return [];
  const x = inp(node, 0);
  const shape = ctx.shapeOf(x);
  const starts = ctx.ints(node.inputs[1]),
    ends = ctx.ints(node.inputs[2]);
  const axes = node.inputs[3] ? ctx.ints(node.inputs[3]) : starts?.map((_, i) => i);
  const steps = node.inputs[4] ? ctx.ints(node.inputs[4]) : starts?.map(() => 1);
  if (!shape || !starts || !ends || !axes || !steps || steps.some((s) => s !== 1)) {
    throw new TrainError(`differentiate: Slice node ${node.name} needs a static input shape and constant starts/ends/axes with step 1`);
  }
  const rank = shape.length;
  const pads = new Array<number>(2 * rank).fill(0);
  axes.forEach((axis0, k) => {
    const axis = axis0 < 0 ? axis0 + rank : axis0;
    const dim = shape[axis];
    if (typeof dim !== 'number') throw new TrainError(`differentiate: Slice node ${node.name}: axis ${axis} of '${x}' must be static`);
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const s = clamp(starts[k] as number),
      e = Math.max(s, clamp(ends[k] as number));
    pads[axis] = s;
    pads[rank + axis] = dim - e;
  });
  return [ctx.op('Pad', [dy, ctx.int64(pads)])];
};

/**
 * When a Concat's inputs are Slices (step 1) of one tensor x that tile x's concat axis exactly — a permutation of
 * x's blocks, as RoPE's cat(x2, x1) — the gradient of x is dy's blocks put back in x's order: one Split and one
 * Concat straight into x, instead of a zero Pad per slice and a Sum. Returns undefined when the pattern does not hold.
 */
function permutedBlocksGrad(ctx: GradContext, node: NodeDef, dy: string, axis: number): string | undefined {
  const blocks: { start: number; size: number }[] = [];
  let source: string | undefined;
  let rank = 0;
  for (const input of node.inputs) {
    const p = ctx.producer(input);
    if (p?.opType !== 'Slice' || p.outputs[0] !== input) return undefined;
    const x = inp(p, 0);
    const shape = ctx.shapeOf(x);
    if (source !== undefined && x !== source) return undefined;
    source = x;
    if (!shape) return undefined;
    rank = shape.length;
    const starts = ctx.ints(p.inputs[1]),
      ends = ctx.ints(p.inputs[2]);
    const axes = p.inputs[3] ? ctx.ints(p.inputs[3]) : [0];
    const steps = p.inputs[4] ? ctx.ints(p.inputs[4]) : [1];
    if (!starts || !ends || !axes || !steps || starts.length !== 1 || axes.length !== 1 || steps[0] !== 1) return undefined;
    const sliceAxis = (axes[0] as number) < 0 ? (axes[0] as number) + rank : (axes[0] as number);
    const dim = shape[sliceAxis];
    if (sliceAxis !== (axis < 0 ? axis + rank : axis) || typeof dim !== 'number') return undefined;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const start = clamp(starts[0] as number),
      end = Math.max(start, clamp(ends[0] as number));
    blocks.push({ start, size: end - start });
  }
  if (source === undefined) return undefined;
  const dim = ctx.shapeOf(source)?.[axis < 0 ? axis + rank : axis];
  const order = blocks.map((_, k) => k).sort((a, b) => (blocks[a] as { start: number }).start - (blocks[b] as { start: number }).start);
  let at = 0;
  for (const k of order) {
    const b = blocks[k] as { start: number; size: number };
    if (b.start !== at || b.size === 0) return undefined;
    at += b.size;
  }
  if (at !== dim) return undefined;
  if (order.every((k, i) => k === i)) {
    ctx.contribute(source, dy);
    return source;
  }
  const parts = ctx.g.op(
    'Split',
    [dy, ctx.int64(blocks.map((b) => b.size))],
    { axis: attr.int(axis) },
    { outputs: blocks.length, label: 'grad' },
  );
  ctx.contribute(
    source,
    ctx.op(
      'Concat',
      order.map((k) => parts[k] as string),
      { axis: attr.int(axis) },
    ),
  );
  return source;
}

const concat: GradRule = (ctx, node, [dy], need) => {
  if (!dy) return [];
  const axis = int(node, 'axis', 0);
  if (permutedBlocksGrad(ctx, node, dy, axis) !== undefined) return [];
  const sizes = node.inputs.map((x) => {
    const s = ctx.shapeOf(x);
    const d = s?.[axis < 0 ? axis + s.length : axis];
    return typeof d === 'number' ? d : undefined;
  });
  const split = sizes.every((d) => d !== undefined)
    ? ctx.int64(sizes as number[])
    : ctx.op(
        'Concat',
        node.inputs.map((x) => ctx.op('Shape', [x], { start: attr.int(axis), ...(axis === -1 ? {} : { end: attr.int(axis + 1) }) })),
        { axis: attr.int(0) },
      );
  const parts = ctx.g.op('Split', [dy, split], { axis: attr.int(axis) }, { outputs: node.inputs.length, label: 'grad' });
  return parts.map((p, k) => (need[k] ? p : undefined));
};

/** Split: the parts' gradients concatenated back along the axis; a part without one contributes zeros of its shape. */
const split: GradRule = (ctx, node, dOut, need) => {
  if (!need[0] || dOut.every((d) => d === undefined)) return [];
  const axis = int(node, 'axis', 0);
  const parts = node.outputs.map((o, k) => dOut[k] ?? zerosLike(ctx, o));
  return [parts.length === 1 ? (parts[0] as string) : ctx.op('Concat', parts, { axis: attr.int(axis) })];
};

export const STRUCTURAL_RULES: Record<string, GradRule> = {
  MatMul: matMul,
  Gemm: gemm,
  Gather: gather,
  GatherElements: gatherElements,
  Reshape: reshapeBack,
  Unsqueeze: reshapeBack,
  Squeeze: reshapeBack,
  Flatten: reshapeBack,
  Transpose: (ctx, node, [dy]) => {
    if (!dy) return [];
    const p = node.attrs.perm;
    const perm = p?.type === 'ints' ? p.value : undefined;
    if (!perm) throw new TrainError(`differentiate: Transpose node ${node.name} needs an explicit perm`);
    const inverse = new Array<number>(perm.length);
    perm.forEach((axis, i) => (inverse[axis] = i));
    return [ctx.op('Transpose', [dy], { perm: attr.ints(inverse) })];
  },
  Expand: (ctx, node, [dy]) => (dy ? [ctx.reduceTo(dy, out(node), inp(node, 0))] : []),
  Slice: slice,
  Concat: concat,
  Split: split,
};
