import * as ort from 'onnxruntime-node';
import { createRng } from '@scalewise/core';
import { LLAMA_DEFAULTS, weightSpecs, type ModelConfig, type ModelWeights } from '@scalewise/models';
import { encodeModel, tensor, type Graph } from '@scalewise/models/internals';
import type { TokenBatch, TrainingEngine } from '../engine.js';
import { createReferenceEngine } from '../reference/engine.js';
import { differentiate } from './autodiff.js';
import { createNativeEngine } from './index.js';
import { buildTrainingGraph } from './training-graph.js';

// Shared by the native-engine tests only (not exported from the package).

/** Deterministic uniform numbers in [lo, hi) (the shared seeded generator). */
export function uniform(seed: number) {
  const rng = createRng(seed);
  return (lo = -1, hi = 1) => lo + (hi - lo) * rng.next();
}

export interface Param {
  name: string;
  shape: number[];
  lo?: number;
  hi?: number;
}

/** loss = Σ out ⊙ R with a fixed random R, so that ∂loss/∂out is not all ones. */
export function weightedSum(g: Graph, out: string, shape: number[], seed = 99): string {
  const rand = uniform(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const r = g.constant(
    tensor.float64(
      Array.from({ length: n }, () => rand()),
      shape,
    ),
    'r',
  );
  return g.op1('ReduceSum', [g.op1('Mul', [out, r])], { keepdims: { type: 'int', value: 0 } });
}

export interface GradCheck {
  maxAbsErr: number;
  maxAbs: number;
  checked: number;
}

/**
 * Differentiate `loss` w.r.t. the float64 graph inputs `params`, run the gradient graph in ORT and
 * compare every gradient element with central finite differences of the same graph's loss.
 */
export async function checkGradients(
  g: Graph,
  loss: string,
  params: Param[],
  extraFeeds: Record<string, ort.Tensor> = {},
  seed = 7,
): Promise<GradCheck> {
  const grads = differentiate(
    g,
    loss,
    params.map((p) => p.name),
    { dtype: 'float64' },
  );
  g.output(loss, 'float64', [], 'loss_out');
  grads.forEach((grad, i) => g.output(grad, 'float64', (params[i] as Param).shape, `grad_${i}`));
  const rand = uniform(seed);
  const values = params.map((p) => Float64Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => rand(p.lo ?? -1, p.hi ?? 1)));
  return finiteDifferences(g, params, values, { loss: 'loss_out', grads: params.map((_, i) => `grad_${i}`) }, extraFeeds);
}

/**
 * Compare gradient outputs of a float64 graph with central differences of its loss output, on every
 * element, or on `samples` random elements per parameter.
 */
export async function finiteDifferences(
  g: Graph,
  params: Param[],
  values: Float64Array[],
  names: { loss: string; grads: string[] },
  extraFeeds: Record<string, ort.Tensor> = {},
  samples?: number,
  lossGraph?: Graph,
): Promise<GradCheck> {
  const session = await ort.InferenceSession.create(encodeModel(g));
  // A forward-only graph makes each finite-difference evaluation cheaper.
  const lossSession = lossGraph ? await ort.InferenceSession.create(encodeModel(lossGraph)) : session;
  const pick = uniform(12345);
  const feeds = (): Record<string, ort.Tensor> => {
    const f: Record<string, ort.Tensor> = { ...extraFeeds };
    params.forEach((p, i) => (f[p.name] = new ort.Tensor('float64', values[i] as Float64Array, p.shape)));
    return f;
  };
  const out = await session.run(feeds());
  const lossAt = async () => ((await lossSession.run(feeds(), [names.loss]))[names.loss]?.data as Float64Array)[0] as number;
  let maxAbsErr = 0,
    maxAbs = 0,
    checked = 0;
  const h = 1e-5;
  for (let i = 0; i < params.length; i++) {
    const v = values[i] as Float64Array;
    const grad = out[names.grads[i] as string]?.data as Float64Array;
    const entries = samples === undefined ? v.map((_, j) => j) : Array.from({ length: samples }, () => Math.floor(pick(0, v.length)));
    for (const j of entries) {
      const x = v[j] as number;
      v[j] = x + h;
      const up = await lossAt();
      v[j] = x - h;
      const down = await lossAt();
      v[j] = x;
      const fd = (up - down) / (2 * h);
      maxAbsErr = Math.max(maxAbsErr, Math.abs(fd - (grad[j] as number)));
      maxAbs = Math.max(maxAbs, Math.abs(fd));
      checked++;
    }
  }
  await session.release();
  if (lossSession !== session) await lossSession.release();
  return { maxAbsErr, maxAbs, checked };
}

/** A tiny llama config for gradient checks. */
export function tinyConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...LLAMA_DEFAULTS,
    name: 'tiny',
    vocabSize: 11,
    dim: 8,
    layers: 2,
    heads: 2,
    kvHeads: 1,
    headDim: 4,
    ffnHidden: 12,
    maxPositions: 16,
    attention: { kind: 'full' },
    ...overrides,
  };
}

/** Float32 weights for engine comparisons: norms near 1, linear layers scaled by 1/√fan-in, the rest in [-1, 1). */
export function randomWeights(config: ModelConfig, seed: number): ModelWeights {
  const rand = uniform(seed);
  const w: ModelWeights = new Map();
  for (const s of weightSpecs(config)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const scale = s.role === 'linear' ? 1 / Math.sqrt(s.shape[1] ?? 1) : 1;
    w.set(
      s.name,
      Float32Array.from({ length: n }, () => (s.role === 'norm' ? 1 + 0.2 * rand() : scale * rand())),
    );
  }
  return w;
}

/** Zero tensors shaped like `w` (gradient accumulators). */
export const zerosLike = (w: ModelWeights): ModelWeights => new Map([...w].map(([k, v]) => [k, new Float32Array(v.length)]));

/** Random ids and targets; positions where `unscored(i)` holds get mask 0 (no mask when omitted). */
export function randomBatch(config: ModelConfig, batch: number, seq: number, seed: number, unscored?: (i: number) => boolean): TokenBatch {
  const rand = uniform(seed);
  const n = batch * seq;
  const inputs = Int32Array.from({ length: n }, () => Math.floor(rand(0, config.vocabSize)));
  const targets = Int32Array.from({ length: n }, () => Math.floor(rand(0, config.vocabSize)));
  return { batch, seq, inputs, targets, ...(unscored ? { mask: Uint8Array.from({ length: n }, (_, i) => (unscored(i) ? 0 : 1)) } : {}) };
}

/** max |a − b| / max |b| over one tensor. */
export function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0,
    m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    m = Math.max(m, Math.abs(b[i] as number));
  }
  return d / m;
}

/** Native against reference engine, fp32: loss relative difference, and `relErr` of every gradient tensor. */
export const REFERENCE_TOLERANCE = { loss: 1e-5, grad: 1e-4 } as const;

export interface ReferenceComparison {
  /** Each figure over its tolerance (or NaN), as 'name: error'; empty when the engines agree. */
  mismatches: string[];
  /** Gradient tensors compared (every parameter). */
  compared: number;
  /** Both engines, for further checks; also pushed into the caller's `keep` list, which disposes them. */
  native: TrainingEngine;
  reference: TrainingEngine;
}

/**
 * One `lossAndGrad` (scale 1, fresh zero gradients) of the native engine (1 thread) and of the reference engine on the
 * same weights and batch, compared within `REFERENCE_TOLERANCE`.
 */
export async function compareWithReference(
  config: ModelConfig,
  weights: ModelWeights,
  batch: TokenBatch,
  keep: TrainingEngine[],
): Promise<ReferenceComparison> {
  const native = await createNativeEngine(config, { threads: 1 });
  const reference = await createReferenceEngine(config, {});
  keep.push(native, reference);
  const gn = zerosLike(weights),
    gr = zerosLike(weights);
  const ln = await native.lossAndGrad(weights, gn, batch, 1);
  const lr = await reference.lossAndGrad(weights, gr, batch, 1);
  const mismatches: string[] = [];
  const lossErr = Math.abs(ln - lr) / lr;
  // Written as !(err < tol) so that NaN counts as a mismatch.
  if (!(lossErr < REFERENCE_TOLERANCE.loss)) mismatches.push(`loss: ${lossErr} (native ${ln}, reference ${lr})`);
  for (const [name, g] of gr) {
    const err = relErr(gn.get(name) as Float32Array, g);
    if (!(err < REFERENCE_TOLERANCE.grad)) mismatches.push(`${name}: ${err}`);
  }
  return { mismatches, compared: gr.size, native, reference };
}

/** Whether the forward graph holds a constant dense mask: [T, T], or [G·T, T] with the query groups stacked as rows. */
export function hasDenseMask(config: ModelConfig, seq: number): boolean {
  const { graph } = buildTrainingGraph(config, { batch: 1, seq, gradients: false });
  return [...graph.initializers.values()].some((t) => t.dims.length === 2 && (t.dims[0] as number) % seq === 0 && t.dims[1] === seq);
}

/**
 * The float64 training graph's gradients against central finite differences of its own loss (6 entries per
 * parameter), on random weights, ids and targets with every 4th target unscored.
 */
export async function trainingGraphGradCheck(
  config: ModelConfig,
  options: { batch: number; seq: number; seed: number; linearChunk?: number },
): Promise<GradCheck> {
  const { batch, seq, linearChunk } = options;
  const tg = buildTrainingGraph(config, { batch, seq, dtype: 'float64', linearChunk });
  const rand = uniform(options.seed);
  const values = tg.params.map((p) =>
    Float64Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => (p.role === 'norm' ? 1 + 0.3 * rand() : rand())),
  );
  const ids = Array.from({ length: batch * seq }, () => Math.floor(rand(0, config.vocabSize)));
  const targets = Array.from({ length: batch * seq }, () => Math.floor(rand(0, config.vocabSize)));
  const mask = ids.map((_, i) => (i % 4 === 3 ? 0 : 1));
  const count = mask.reduce((a: number, b) => a + b, 0);
  const feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [batch, seq]),
    targets: new ort.Tensor('int64', BigInt64Array.from(targets.map(BigInt)), [batch, seq]),
    target_weights: new ort.Tensor('float64', Float64Array.from(mask.map((m) => m / count)), [batch, seq]),
  };
  return finiteDifferences(
    tg.graph,
    tg.params.map((p) => ({ name: p.name, shape: p.shape })),
    values,
    { loss: tg.loss, grads: tg.grads },
    feeds,
    6,
    buildTrainingGraph(config, { batch, seq, dtype: 'float64', gradients: false, linearChunk }).graph,
  );
}
