import { validateConfig, weightSpecs, type AttentionConfig, type ModelConfig, type WeightSpec } from '@scalewise/models';
import { Graph, attr, emitDecoder, tensor } from '@scalewise/models/internals';
import { TrainError, TrainInputError } from '../errors.js';
import { differentiate, type RowGradient } from './autodiff.js';

/** Attention kinds whose forward graph (and so whose gradient) the native engine builds. */
export const NATIVE_ATTENTION_KINDS: readonly AttentionConfig['kind'][] = ['full', 'sliding-window', 'block-sparse', 'linear'];

/** Model widths [from, to) for which the training graph fuses the q/k/v and gate/up projections by default. */
export const FUSE_DIMS: readonly [number, number] = [32, 128];

export interface TrainingGraphOptions {
  batch: number;
  seq: number;
  /** Float type of parameters and activations (float64 for finite-difference checks). Default float32. */
  dtype?: 'float32' | 'float64';
  /** Append the backward pass (default true); false gives the forward-only evaluation graph. */
  gradients?: boolean;
  /** Linear attention: chunk length of its chunked form, used once seq ≥ 2 chunks (default: the models' 64). */
  linearChunk?: number;
  /**
   * q/k/v and gate/up each as one MatMul over row-stacked weights, split after. Default: for widths in `FUSE_DIMS` only
   * (same-run A/B at 1 thread: the d 48 ladder model trained 9–13% faster fused; d 16 3–7% slower, where the Split and
   * Concat nodes cost more than the MatMul calls saved; the d 256 bench model 8% slower, where copying the split activations
   * costs more than the wider MatMuls gain).
   */
  fuseProjections?: boolean;
  /**
   * RoPE as com.microsoft.RotaryEmbedding (float32; `DecoderOptions.fusedRope`): one node per q and per k, forward and
   * backward, instead of six each. Default true (same-run A/B, bench/fused-rope.ts: the default study's smallest and largest
   * models 1.05–1.09× per step at 1 thread; the bench model 1.01–1.03× at 2 threads, within the noise); false: plain ops.
   */
  fusedRope?: boolean;
  /** Sliding-window, block-sparse and full causal attention over kept blocks where that pays (default true); false: the dense T×T mask. */
  chunkedAttention?: boolean;
  /**
   * Intra-op threads of the session that will run the graph. 1 lets the embedding gradient use a faster kernel that
   * is correct only on one thread (`DifferentiateOptions.singleThreaded`). Default: assume several (the safe kernel).
   */
  threads?: number;
  /**
   * Leave the embedding gradient's scatter-add of the token rows to the caller (`TrainingGraph.rowGrads`): the
   * parameter's `grad.` output then lacks it. NativeEngine adds the rows in JS. Default false (complete gradients).
   */
  rowGradients?: boolean;
}

/** Names of the graph's inputs and outputs. */
export interface TrainingGraph {
  graph: Graph;
  /** Parameters in `weightSpecs` order; each is a graph input under its HF name. */
  params: WeightSpec[];
  /** int64 [batch, seq] */
  inputIds: string;
  /** int64 [batch, seq] */
  targets: string;
  /** float [batch, seq]: mask / (number of scored targets), so that the loss is a masked mean. */
  targetWeights: string;
  /** Scalar mean cross-entropy in nats. */
  loss: string;
  /** Output name of ∂loss/∂param, in `params` order (empty without gradients). */
  grads: string[];
  /**
   * With `rowGradients`: outputs [batch, seq, …row] whose row (b, t) the caller adds to row input_ids[b, t] of
   * param's gradient (the output named in `grads` holds the rest).
   */
  rowGrads: Array<{ param: string; output: string; shape: number[] }>;
}

/**
 * The training graph: inputs = every parameter + token ids + targets + per-target weights, outputs =
 * loss + one gradient per parameter. Static batch and sequence sizes let every shape be inferred, so the
 * backward pass needs no runtime shape ops.
 */
export function buildTrainingGraph(config: ModelConfig, options: TrainingGraphOptions): TrainingGraph {
  validateConfig(config);
  const { batch, seq } = options;
  const dtype = options.dtype ?? 'float32';
  if (!NATIVE_ATTENTION_KINDS.includes(config.attention.kind)) {
    throw new TrainInputError(
      `native engine: attention kind '${config.attention.kind}' has no native gradient; supported: ` +
        `${NATIVE_ATTENTION_KINDS.join(', ')} (use --engine reference)`,
    );
  }
  for (const [key, v] of [
    ['batch', batch],
    ['seq', seq],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new TrainInputError(`native engine: ${key} must be a positive integer, found ${v}`);
  }
  if (seq > config.maxPositions)
    throw new TrainInputError(`native engine: seq ${seq} exceeds maxPositions ${config.maxPositions} of model '${config.name}'`);

  const g = new Graph(`${config.name}-train`);
  const params = weightSpecs(config);
  for (const p of params) g.input(p.name, dtype, p.shape);
  const inputIds = g.input('input_ids', 'int64', [batch, seq]);
  const targets = g.input('targets', 'int64', [batch, seq]);
  const targetWeights = g.input('target_weights', dtype, [batch, seq]);

  const { logits } = emitDecoder(g, config, {
    weight: (name) => name,
    inputIds,
    dtype,
    seqLen: seq,
    linearChunk: options.linearChunk,
    chunkedAttention: options.chunkedAttention,
    fusedRope: options.fusedRope ?? true,
    fuseProjections: options.fuseProjections ?? (config.dim >= FUSE_DIMS[0] && config.dim < FUSE_DIMS[1]),
  });
  // loss = −Σ w · log p(target): the masked mean when w = mask / count.
  const logp = g.op1('LogSoftmax', [logits], { axis: attr.int(-1) }, { label: 'logp' });
  const minusOne = g.constant(tensor.int64([-1]));
  const targets3 = g.op1('Unsqueeze', [targets, minusOne]);
  const picked = g.op1('GatherElements', [logp, targets3], { axis: attr.int(-1) }, { label: 'target_logp' });
  const flat = g.op1('Reshape', [picked, g.constant(tensor.int64([batch, seq]))]);
  const weighted = g.op1('ReduceSum', [g.op1('Mul', [flat, targetWeights])], { keepdims: attr.int(0) });
  const loss = g.op1('Neg', [weighted], {}, { output: 'loss' });
  g.output(loss, dtype, []);

  const grads: string[] = [];
  const rowGrads: TrainingGraph['rowGrads'] = [];
  if (options.gradients ?? true) {
    // ∂loss/∂logits = softmax · w − onehot(target) · w, emitted directly: the scatter subtracts w at each
    // target in place, one pass over [batch, seq, vocab] instead of the generic chain's zeros + scatter + sum.
    const w3 = g.op1('Unsqueeze', [targetWeights, minusOne]);
    const pw = g.op1('Mul', [g.op1('Exp', [logp]), w3]);
    const dLogits = g.op1('ScatterElements', [pw, targets3, g.op1('Neg', [w3])], { axis: attr.int(-1), reduction: attr.string('add') });
    const rows: RowGradient[] | undefined = options.rowGradients ? [] : undefined;
    const names = differentiate(
      g,
      logits,
      params.map((p) => p.name),
      { dtype, lossGrad: dLogits, singleThreaded: options.threads === 1, ...(rows ? { rowGradients: rows } : {}) },
    );
    params.forEach((p, i) => grads.push(g.output(names[i] as string, dtype, p.shape, `grad.${p.name}`)));
    for (const r of rows ?? []) {
      if (r.ids !== inputIds) throw new TrainError(`training graph: a Gather of '${r.data}' by '${r.ids}', expected ${inputIds}`);
      const shape = [batch, seq, ...(params.find((p) => p.name === r.data) as WeightSpec).shape.slice(1)];
      rowGrads.push({ param: r.data, output: g.output(r.rows, dtype, shape, `rows.${r.data}`), shape });
    }
  }
  return { graph: g, params, inputIds, targets, targetWeights, loss, grads, rowGrads };
}
