import { attr, type NodeDef } from '@scalewise/models/internals';
import { TrainError } from '../errors.js';
import type { GradContext, GradRule } from './autodiff.js';
import { rmsNormGrad } from './rules-fused.js';

/** Gradient rules for elementwise, reduction and softmax ops. */

const int = (node: NodeDef, key: string, fallback: number) => {
  const a = node.attrs[key];
  return a?.type === 'int' ? a.value : fallback;
};
const inp = (node: NodeDef, k: number) => node.inputs[k] as string;
const out = (node: NodeDef) => node.outputs[0] as string;

function unary(fn: (ctx: GradContext, node: NodeDef, dy: string) => string): GradRule {
  return (ctx, node, [dy]) => [dy === undefined ? undefined : fn(ctx, node, dy)];
}

/** Reduce axes of a node (opset 18: an input; older: an attribute); undefined = all axes. */
function reduceAxes(ctx: GradContext, node: NodeDef): number[] | undefined {
  if (node.inputs[1]) {
    const axes = ctx.ints(node.inputs[1]);
    if (!axes) throw new TrainError(`differentiate: ${node.opType} node ${node.name} needs constant axes`);
    return axes.length === 0 ? undefined : axes;
  }
  const a = node.attrs.axes;
  return a?.type === 'ints' ? a.value : undefined;
}

/** Gradient of a sum-like reduction: broadcast dy back over the reduced axes (times `scale`). */
function reduceGrad(ctx: GradContext, node: NodeDef, dy: string, mean: boolean): string {
  const x = inp(node, 0);
  const axes = reduceAxes(ctx, node);
  if (axes === undefined && int(node, 'noop_with_empty_axes', 0)) return dy;
  let g = dy;
  if (!int(node, 'keepdims', 1) && axes !== undefined) g = ctx.op('Unsqueeze', [g, ctx.int64(axes)]);
  if (mean) {
    const shape = ctx.shapeOf(x);
    const rank = shape?.length;
    const dims = shape && (axes ?? shape.map((_, i) => i)).map((a) => shape[a < 0 ? a + (rank as number) : a]);
    if (dims && dims.every((d) => typeof d === 'number')) {
      g = ctx.op('Mul', [g, ctx.scalar(1 / (dims as number[]).reduce((p, d) => p * d, 1))]);
    } else {
      const count = ctx.op('Div', [ctx.op('Size', [x]), ctx.op('Size', [out(node)])]);
      g = ctx.op('Div', [g, ctx.op('CastLike', [count, g])]);
    }
  }
  return ctx.op('Expand', [g, ctx.shapeTensor(x)]);
}

export const ELEMENTWISE_RULES: Record<string, GradRule> = {
  Identity: unary((_c, _n, dy) => dy),
  Neg: unary((ctx, _n, dy) => ctx.op('Neg', [dy])),
  Add: (ctx, node, [dy], need) => {
    if (!dy) return [];
    return node.inputs.map((x, k) => (need[k] ? ctx.reduceTo(dy, out(node), x) : undefined));
  },
  Sum: (ctx, node, [dy], need) => {
    if (!dy) return [];
    return node.inputs.map((x, k) => (need[k] ? ctx.reduceTo(dy, out(node), x) : undefined));
  },
  Sub: (ctx, node, [dy], need) => {
    if (!dy) return [];
    return [
      need[0] ? ctx.reduceTo(dy, out(node), inp(node, 0)) : undefined,
      need[1] ? ctx.reduceTo(ctx.op('Neg', [dy]), out(node), inp(node, 1)) : undefined,
    ];
  },
  Mul: (ctx, node, [dy], need) => {
    if (!dy) return [];
    const [a, b] = [inp(node, 0), inp(node, 1)];
    const silu = siluGrad(ctx, node, dy, need);
    if (silu) return silu;
    return [
      need[0] ? ctx.reduceTo(ctx.op('Mul', [dy, b]), out(node), a) : undefined,
      need[1] ? ctx.reduceTo(ctx.op('Mul', [dy, a]), out(node), b) : undefined,
    ];
  },
  Div: (ctx, node, [dy], need) => {
    if (!dy) return [];
    const rms = rmsNormGrad(ctx, node, dy, need);
    if (rms) return [rms, undefined];
    const [a, b] = [inp(node, 0), inp(node, 1)];
    const da = need[0] || need[1] ? ctx.op('Div', [dy, b]) : undefined;
    return [
      need[0] ? ctx.reduceTo(da as string, out(node), a) : undefined,
      // d(a/b)/db = -(a/b)/b · dy = -y · (dy/b)
      need[1] ? ctx.reduceTo(ctx.op('Neg', [ctx.op('Mul', [da as string, out(node)])]), out(node), b) : undefined,
    ];
  },
  Pow: (ctx, node, [dy], need) => {
    if (!dy) return [];
    if (need[1]) throw new TrainError(`differentiate: Pow node ${node.name}: gradient with respect to the exponent is not supported`);
    const [x, p] = [inp(node, 0), inp(node, 1)];
    const floats = ctx.floatConstant(p);
    const pv = ctx.ints(p) ?? (floats && Array.from(floats.data as Float32Array));
    let local: string;
    if (pv && pv.length === 1 && pv[0] === 2) local = ctx.op('Mul', [x, ctx.scalar(2)]);
    else if (pv && pv.length === 1)
      local = ctx.op('Mul', [ctx.op('Pow', [x, ctx.scalar((pv[0] as number) - 1)]), ctx.scalar(pv[0] as number)]);
    else {
      const pl = ctx.op('CastLike', [p, x]);
      local = ctx.op('Mul', [ctx.op('Pow', [x, ctx.op('Sub', [pl, ctx.scalar(1)])]), pl]);
    }
    return [ctx.reduceTo(ctx.op('Mul', [dy, local]), out(node), x)];
  },
  Sqrt: unary((ctx, node, dy) => ctx.op('Div', [ctx.op('Mul', [dy, ctx.scalar(0.5)]), out(node)])),
  Reciprocal: unary((ctx, node, dy) => ctx.op('Neg', [ctx.op('Mul', [dy, ctx.op('Mul', [out(node), out(node)])])])),
  Exp: unary((ctx, node, dy) => ctx.op('Mul', [dy, out(node)])),
  Log: unary((ctx, node, dy) => ctx.op('Div', [dy, inp(node, 0)])),
  Sigmoid: unary((ctx, node, dy) => {
    const y = out(node);
    return ctx.op('Mul', [dy, ctx.op('Mul', [y, ctx.op('Sub', [ctx.scalar(1), y])])]);
  }),
  Tanh: unary((ctx, node, dy) => ctx.op('Mul', [dy, ctx.op('Sub', [ctx.scalar(1), ctx.op('Mul', [out(node), out(node)])])])),
  Relu: unary((ctx, node, dy) => ctx.op('Where', [ctx.op('Greater', [inp(node, 0), ctx.scalar(0)]), dy, ctx.scalar(0)])),
  Elu: unary((ctx, node, dy) => {
    const a = node.attrs.alpha;
    const alpha = a?.type === 'float' ? a.value : 1;
    // x > 0: 1; otherwise alpha·eˣ = y + alpha
    const slope = ctx.op('Where', [
      ctx.op('Greater', [inp(node, 0), ctx.scalar(0)]),
      ctx.scalar(1),
      ctx.op('Add', [out(node), ctx.scalar(alpha)]),
    ]);
    return ctx.op('Mul', [dy, slope]);
  }),
  Cast: unary((ctx, node, dy) => ctx.op('CastLike', [dy, inp(node, 0)])),
  CastLike: unary((ctx, node, dy) => ctx.op('CastLike', [dy, inp(node, 0)])),
  Where: (ctx, node, [dy], need) => {
    if (!dy) return [];
    const [c, a, b] = [inp(node, 0), inp(node, 1), inp(node, 2)];
    const zero = ctx.scalar(0);
    return [
      undefined,
      need[1] ? ctx.reduceTo(ctx.op('Where', [c, dy, zero]), out(node), a) : undefined,
      need[2] ? ctx.reduceTo(ctx.op('Where', [c, zero, dy]), out(node), b) : undefined,
    ];
  },
  ReduceSum: unary((ctx, node, dy) => reduceGrad(ctx, node, dy, false)),
  ReduceMean: unary((ctx, node, dy) => reduceGrad(ctx, node, dy, true)),
  Softmax: unary((ctx, node, dy) => {
    const y = out(node);
    const viaOutput = attentionSoftmaxGrad(ctx, node, dy);
    if (viaOutput) return viaOutput;
    const axis = ctx.int64([int(node, 'axis', -1)]);
    const dot = ctx.op('ReduceSum', [ctx.op('Mul', [dy, y]), axis], { keepdims: attr.int(1) });
    return ctx.op('Mul', [y, ctx.op('Sub', [dy, dot])]);
  }),
  LogSoftmax: unary((ctx, node, dy) => {
    const axis = ctx.int64([int(node, 'axis', -1)]);
    const total = ctx.op('ReduceSum', [dy, axis], { keepdims: attr.int(1) });
    return ctx.op('Sub', [dy, ctx.op('Mul', [ctx.op('Exp', [out(node)]), total])]);
  }),
};

/**
 * Softmax P over the last axis whose only consumer is O = P·V (attention): Σ_k P·dP = Σ_k P·(dO·Vᵀ) = Σ_d dO·O,
 * so the row sums come from O's [..., T, hd] gradient instead of a product and a reduction over [..., T, T]
 * (FlashAttention's D): dS = P ⊙ (dP − rowsum(dO ⊙ O)). Two fewer passes over the largest tensors of small
 * models. Undefined when the pattern does not hold (the generic rule applies).
 */
function attentionSoftmaxGrad(ctx: GradContext, node: NodeDef, dy: string): string | undefined {
  const y = out(node);
  const shape = ctx.shapeOf(y);
  const axis = int(node, 'axis', -1);
  if (!shape || shape.length < 2 || (axis !== -1 && axis !== shape.length - 1)) return undefined;
  const users = ctx.consumers(y);
  const mm = users[0];
  if (users.length !== 1 || mm?.opType !== 'MatMul' || mm.inputs[0] !== y || mm.inputs[1] === y) return undefined;
  const o = out(mm);
  const so = ctx.shapeOf(o);
  // O must carry P's leading dims unbroadcast, so that its row sums line up with P's rows.
  if (!so || so.length !== shape.length || !so.slice(0, -1).every((d, i) => typeof d === 'number' && d === shape[i])) return undefined;
  const dO = ctx.gradOf(o);
  if (!dO) return undefined;
  const rows = ctx.op('ReduceSum', [ctx.op('Mul', [dO, o]), ctx.int64([-1])], { keepdims: attr.int(1) });
  return ctx.op('Mul', [y, ctx.op('Sub', [dy, rows])]);
}

/**
 * SiLU y = x·σ(x) as one rule: dx = dy·(σ + y − y·σ), 4 passes instead of the 6 of the Mul and Sigmoid
 * rules. The Sigmoid input gets no contribution from this node (it is all in dx), which stays correct when σ
 * has other consumers: their gradients still flow through the Sigmoid rule.
 */
function siluGrad(ctx: GradContext, node: NodeDef, dy: string, need: boolean[]): (string | undefined)[] | undefined {
  const [a, b] = [inp(node, 0), inp(node, 1)];
  const k =
    ctx.producer(b)?.opType === 'Sigmoid' && ctx.producer(b)?.inputs[0] === a
      ? 0
      : ctx.producer(a)?.opType === 'Sigmoid' && ctx.producer(a)?.inputs[0] === b
        ? 1
        : -1;
  if (k < 0 || !need[k]) return undefined;
  const x = node.inputs[k] as string,
    s = node.inputs[1 - k] as string,
    y = out(node);
  const slope = ctx.op('Add', [s, ctx.op('Sub', [y, ctx.op('Mul', [y, s])])]);
  const dx = ctx.reduceTo(ctx.op('Mul', [dy, slope]), y, x);
  return k === 0 ? [dx, undefined] : [undefined, dx];
}
