import { attr, type NodeDef } from '@scalewise/models/internals';
import { TrainError } from '../errors.js';
import type { GradContext, GradRule } from './autodiff.js';

/** Gradient rules for whole forward patterns (one rule, fewer passes than the chain of per-op rules). */

const int = (node: NodeDef, key: string, fallback: number) => {
  const a = node.attrs[key];
  return a?.type === 'int' ? a.value : fallback;
};

/** The producer of `value` when it has the given op type. */
function producedBy(ctx: GradContext, value: string | undefined, opType: string): NodeDef | undefined {
  const p = value === undefined ? undefined : ctx.producer(value);
  return p?.opType === opType ? p : undefined;
}

/** Whether `value` is a scalar constant (any value): RMSNorm's ε. */
function isScalarConstant(ctx: GradContext, value: string | undefined): boolean {
  const t = ctx.constant(value);
  return !!t && t.dims.reduce((a, b) => a * b, 1) === 1;
}

/**
 * RMSNorm's normalisation n = x / √(mean(x², last axis) + ε) (x² as Pow(x, 2) or x·x), differentiated as one:
 * dx = (dn − n · mean(dn ⊙ n)) / r, four passes over x's shape instead of the ~10 of the Div, Sqrt, Add,
 * ReduceMean and Pow rules. Returns undefined when the Div node is not that pattern (the generic rule applies);
 * the chain that computes r then gets no gradient from this node, which stays correct when r has other consumers.
 */
export function rmsNormGrad(ctx: GradContext, node: NodeDef, dn: string, need: boolean[]): string | undefined {
  const [x, r] = node.inputs as [string, string];
  if (!need[0]) return undefined;
  const sqrt = producedBy(ctx, r, 'Sqrt');
  const add = producedBy(ctx, sqrt?.inputs[0], 'Add');
  if (!add) return undefined;
  const msIndex = isScalarConstant(ctx, add.inputs[1]) ? 0 : isScalarConstant(ctx, add.inputs[0]) ? 1 : -1;
  const mean = msIndex < 0 ? undefined : producedBy(ctx, add.inputs[msIndex], 'ReduceMean');
  if (!mean || int(mean, 'keepdims', 1) !== 1) return undefined;
  const rank = ctx.shapeOf(x)?.length;
  const axes = mean.inputs[1] ? ctx.ints(mean.inputs[1]) : undefined;
  if (rank === undefined || axes?.length !== 1 || ((axes[0] as number) !== -1 && axes[0] !== rank - 1)) return undefined;
  const sq = ctx.producer(mean.inputs[0] as string);
  const squares =
    (sq?.opType === 'Mul' && sq.inputs[0] === x && sq.inputs[1] === x) ||
    (sq?.opType === 'Pow' &&
      sq.inputs[0] === x &&
      (ctx.ints(sq.inputs[1]) ?? Array.from((ctx.floatConstant(sq.inputs[1])?.data ?? []) as Float32Array)).join() === '2');
  if (!squares) return undefined;
  const n = node.outputs[0] as string;
  const m = ctx.op('ReduceMean', [ctx.op('Mul', [dn, n]), ctx.int64([-1])], { keepdims: attr.int(1) });
  return ctx.op('Div', [ctx.op('Sub', [dn, ctx.op('Mul', [n, m])]), r]);
}

/**
 * com.microsoft.RotaryEmbedding (x, positions, cos, sin): y = R(θ)·x per pair of rotated dimensions, so
 * dx = R(θ)ᵀ·dy = R(−θ)·dy: the same node with sin negated (a constant negated once here), rotated dimensions past
 * rotary_embedding_dim passing through both ways. Positions and caches are constants: no gradient.
 */
/** The negated sin cache of each sin cache, made once per graph (every layer's RotaryEmbedding shares its caches). */
const negatedSin = new WeakMap<GradContext, Map<string, string>>();

export const rotaryEmbeddingGrad: GradRule = (ctx, node, [dy], need) => {
  if (!dy || !need[0]) return [];
  if (node.domain !== 'com.microsoft') throw new TrainError(`differentiate: ${node.name} is RotaryEmbedding outside com.microsoft`);
  const [, positions, cos, sin] = node.inputs as [string, string, string, string];
  const t = ctx.floatConstant(sin);
  if (!t || need.slice(1).some(Boolean))
    throw new TrainError(`differentiate: RotaryEmbedding node ${node.name} needs constant positions and cos/sin caches`);
  let made = negatedSin.get(ctx);
  if (!made) negatedSin.set(ctx, (made = new Map()));
  let negated = made.get(sin);
  if (!negated) {
    negated = ctx.g.constant({ dtype: t.dtype, dims: t.dims, data: (t.data as Float32Array).map((v) => -v) }, 'rope_sin_neg');
    made.set(sin, negated);
  }
  return [ctx.op('RotaryEmbedding', [dy, positions, cos, negated], node.attrs, 'com.microsoft')];
};
