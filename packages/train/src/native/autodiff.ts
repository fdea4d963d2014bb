import { attr, tensor, type Dim, type Graph, type NodeDef, type Tensor } from '@scalewise/models/internals';
import { TrainError } from '../errors.js';
import { constantInts, constantNodes, inferShapes, sameShape, type ShapeMap } from './shapes.js';
import { GRAD_RULES, NON_DIFFERENTIABLE } from './rules.js';

/** What a gradient rule sees: the graph being extended plus helpers that emit common patterns. */
export class GradContext {
  private readonly scalars = new Map<number, string>();
  private readonly intConsts = new Map<string, string>();
  readonly constants: Map<string, Tensor>;

  /** Nodes of the forward graph: those present before any gradient node was appended. */
  private readonly forwardCount: number;

  constructor(
    readonly g: Graph,
    readonly dtype: 'float32' | 'float64',
    readonly shapes: ShapeMap,
    /** The graph runs on one intra-op thread: rules may use kernels that are correct only serially (`DifferentiateOptions`). */
    readonly singleThreaded = false,
  ) {
    this.constants = constantNodes(g);
    this.forwardCount = g.nodes.length;
  }

  private consumerMap?: Map<string, NodeDef[]>;

  /** Forward-graph nodes that read `value` (gradient nodes excluded). */
  consumers(value: string): NodeDef[] {
    if (!this.consumerMap) {
      this.consumerMap = new Map();
      for (const node of this.g.nodes.slice(0, this.forwardCount)) {
        for (const i of new Set(node.inputs)) {
          const list = this.consumerMap.get(i);
          if (list) list.push(node);
          else this.consumerMap.set(i, [node]);
        }
      }
    }
    return this.consumerMap.get(value) ?? [];
  }

  /**
   * The total gradient of a value whose consumers have all been differentiated already (a value downstream of
   * the node being differentiated), or undefined if it has none. Set by `differentiate`.
   */
  gradOf: (value: string) => string | undefined = () => undefined;

  /**
   * Where Gather gradients left to the caller go (`DifferentiateOptions.rowGradients`), and the values being
   * differentiated; both set by `differentiate`.
   */
  rowGradients: RowGradient[] | undefined = undefined;
  wrt: ReadonlySet<string> = new Set();

  private producers?: Map<string, NodeDef>;

  /** The node that produces `value` (forward graph), if any. */
  producer(value: string): NodeDef | undefined {
    if (!this.producers) {
      this.producers = new Map();
      for (const node of this.g.nodes) for (const o of node.outputs) this.producers.set(o, node);
    }
    return this.producers.get(value);
  }

  shapeOf(value: string): Dim[] | undefined {
    return this.shapes.get(value);
  }

  /** Static integer values of a constant input, if it is one. */
  ints(value: string | undefined): number[] | undefined {
    return value ? constantInts(this.g, this.constants, value) : undefined;
  }

  /** The tensor of a constant input (an initializer or a Constant node), if it is one. */
  constant(value: string | undefined): Tensor | undefined {
    return value === undefined ? undefined : (this.g.initializers.get(value) ?? this.constants.get(value));
  }

  /** The tensor of a float32 or float64 constant input, if it is one. */
  floatConstant(value: string | undefined): Tensor | undefined {
    const t = this.constant(value);
    return t && (t.dtype === 'float32' || t.dtype === 'float64') ? t : undefined;
  }

  /** A scalar constant of the graph's float dtype (cached). */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (!name) {
      const t = this.dtype === 'float64' ? tensor.float64([value], []) : tensor.float32([value], []);
      name = this.g.constant(t, 'gc');
      this.scalars.set(value, name);
    }
    return name;
  }

  /** A 1-D int64 constant (cached), e.g. axes or shapes. */
  int64(values: number[]): string {
    const key = values.join(',');
    let name = this.intConsts.get(key);
    if (!name) {
      name = this.g.constant(tensor.int64(values), 'gi');
      this.intConsts.set(key, name);
    }
    return name;
  }

  /**
   * Add `grad` to the gradient of a value that is not an input of the node being differentiated (a rule that
   * sees through its producers, e.g. Concat of Slices of one tensor). Set by `differentiate`.
   */
  contribute: (value: string, grad: string) => void = () => {
    throw new TrainError('GradContext.contribute is only available inside differentiate');
  };

  op(opType: string, inputs: string[], attrs: NodeDef['attrs'] = {}, domain?: string): string {
    return this.g.op1(opType, inputs, attrs, { label: 'grad', ...(domain ? { domain } : {}) });
  }

  /** The shape of `value` as an int64 tensor: a constant when static, a Shape node otherwise. */
  shapeTensor(value: string): string {
    const s = this.shapeOf(value);
    if (s && s.every((d) => typeof d === 'number')) return this.int64(s as number[]);
    return this.op('Shape', [value]);
  }

  /**
   * Sum a broadcast gradient `grad` (shaped like the value `output`, or with the given dims) back down to
   * the shape of `input` (numpy broadcasting). Static when both shapes are known, runtime shape ops otherwise.
   */
  reduceTo(grad: string, output: string | Dim[], input: string): string {
    const sx = this.shapeOf(input),
      sy = typeof output === 'string' ? this.shapeOf(output) : output;
    if (sameShape(sx, sy)) return grad;
    if (sx && sy && sx.length <= sy.length) {
      const pad = sy.length - sx.length;
      const axes: number[] = [];
      let ambiguous = false;
      for (let i = 0; i < sy.length; i++) {
        const dx = i < pad ? 1 : sx[i - pad],
          dy = sy[i];
        if (i < pad || (dx === 1 && dy !== 1)) axes.push(i);
        else if (dx !== dy) ambiguous = true;
      }
      if (!ambiguous) {
        if (axes.length === 0) return grad;
        const summed = this.op('ReduceSum', [grad, this.int64(axes)], { keepdims: attr.int(1) });
        return pad > 0 ? this.op('Reshape', [summed, this.shapeTensor(input)]) : summed;
      }
    }
    // Runtime: left-pad the input shape with ones, sum over axes where it is 1 and the output is not.
    const shapeY = this.op('Shape', [grad]);
    const shapeX = this.op('Shape', [input]);
    const padLen = this.op('Sub', [this.op('Shape', [shapeY]), this.op('Shape', [shapeX])]);
    const ones = this.op('ConstantOfShape', [padLen], { value: attr.tensor(tensor.int64([1])) });
    const padded = this.op('Concat', [ones, shapeX], { axis: attr.int(0) });
    const one = this.int64([1]);
    const reduce = this.op('And', [this.op('Equal', [padded, one]), this.op('Not', [this.op('Equal', [shapeY, one])])]);
    const axes = this.op('Reshape', [this.op('NonZero', [reduce]), this.int64([-1])]);
    const summed = this.op('ReduceSum', [grad, axes], { keepdims: attr.int(1), noop_with_empty_axes: attr.int(1) });
    return this.op('Reshape', [summed, shapeX]);
  }
}

/** A gradient rule: given the node and the gradient of each output (undefined if none), return one per input. */
export type GradRule = (ctx: GradContext, node: NodeDef, dOut: (string | undefined)[], need: boolean[]) => (string | undefined)[];

export interface DifferentiateOptions {
  /** Float dtype of the graph (for constants the rules emit). Default float32. */
  dtype?: 'float32' | 'float64';
  /** Precomputed shapes; inferred from the graph when omitted. */
  shapes?: ShapeMap;
  /**
   * The cotangent of `loss` (a value shaped like it), to start from an intermediate value whose gradient
   * is emitted by hand (e.g. logits under cross-entropy). Default: `loss` is a scalar with gradient 1.
   */
  lossGrad?: string;
  /**
   * The graph will run with one intra-op thread. Then Gather's gradient uses ScatterND (add), 4–7× faster than
   * ScatterElements; but onnxruntime 1.30's ScatterND kernel splits its updates across threads without guarding
   * repeated indices, and at 2 threads it lost some of a repeated token's embedding-gradient rows (31% of runs at
   * [4096 tokens, 256] with 460 distinct ids, measured). Default false: ScatterElements (add), whose CPU kernel is
   * serial. Both add each element's updates in index order, so the sums are bit-identical.
   */
  singleThreaded?: boolean;
  /**
   * Where given, a Gather (axis 0) of a `wrt` value whose ids are a graph input adds nothing to that value's gradient
   * in the graph; it is appended here instead, for the caller to scatter-add `rows` (the Gather output's gradient, one
   * row per id) into the gradient after the run. onnxruntime's race-free ScatterElements adds element by element on
   * one thread: 26 ms of the bench model's ~1.1 s step at 2 threads, where a JS loop over the same rows takes ~1 ms.
   */
  rowGradients?: RowGradient[];
}

/** A Gather's gradient left to the caller: row i of `rows` adds to row `ids[i]` (ids flattened) of `data`'s gradient. */
export interface RowGradient {
  data: string;
  /** A graph input. */
  ids: string;
  /** The Gather output's gradient: ids' shape followed by a row of `data`. */
  rows: string;
}

/**
 * Reverse-mode differentiation: appends to `graph` the nodes that compute d`loss`/d`v` for each v of
 * `wrt` and returns the gradient value names in `wrt` order. `loss` must be a scalar unless `lossGrad` is given. Values that do
 * not influence the loss get explicit zeros; fan-out is accumulated with `Sum`.
 */
export function differentiate(graph: Graph, loss: string, wrt: string[], options: DifferentiateOptions = {}): string[] {
  const shapes = options.shapes ?? inferShapes(graph);
  const ctx = new GradContext(graph, options.dtype ?? 'float32', shapes, options.singleThreaded ?? false);
  const forward = graph.nodes.slice();

  // Values that depend on some wrt value (through differentiable ops).
  const active = new Set(wrt);
  for (const node of forward) {
    if (NON_DIFFERENTIABLE.has(node.opType)) continue;
    if (node.inputs.some((i) => active.has(i))) for (const o of node.outputs) active.add(o);
  }
  if (!active.has(loss))
    throw new TrainError(`differentiate: loss '${loss}' does not depend on any of the ${wrt.length} values to differentiate`);
  // Values that the loss depends on.
  const needed = new Set([loss]);
  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i] as NodeDef;
    if (node.outputs.some((o) => needed.has(o))) for (const input of node.inputs) needed.add(input);
  }

  const contributions = new Map<string, string[]>();
  const add = (value: string, grad: string) => {
    const list = contributions.get(value);
    if (list) list.push(grad);
    else contributions.set(value, [grad]);
  };
  const total = (value: string): string | undefined => {
    const list = contributions.get(value);
    if (!list || list.length === 0) return undefined;
    if (list.length > 1) {
      const summed = ctx.op('Sum', list);
      contributions.set(value, [summed]);
      return summed;
    }
    return list[0];
  };
  add(loss, options.lossGrad ?? ctx.scalar(1));
  ctx.contribute = add;
  ctx.gradOf = total;
  ctx.rowGradients = options.rowGradients;
  ctx.wrt = new Set(wrt);

  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i] as NodeDef;
    if (NON_DIFFERENTIABLE.has(node.opType)) continue;
    if (!node.outputs.some((o) => active.has(o) && needed.has(o))) continue;
    const dOut = node.outputs.map(total);
    if (dOut.every((d) => d === undefined)) continue;
    const need = node.inputs.map((input) => input !== '' && active.has(input));
    const rule = GRAD_RULES[node.opType];
    if (!rule)
      throw new TrainError(
        `differentiate: no gradient rule for ${node.opType} (node ${node.name}); supported: ${Object.keys(GRAD_RULES).sort().join(', ')}`,
      );
    const dIn = rule(ctx, node, dOut, need);
    node.inputs.forEach((input, k) => {
      const d = dIn[k];
      if (need[k] && d !== undefined) add(input, d);
    });
  }

  return wrt.map(
    (v) =>
      total(v) ??
      ctx.op('ConstantOfShape', [ctx.shapeTensor(v)], {
        value: attr.tensor(ctx.dtype === 'float64' ? tensor.float64([0]) : tensor.float32([0])),
      }),
  );
}
