import * as ort from 'onnxruntime-node';
import { createRng } from '@scalewise/core';
import { LLAMA_DEFAULTS, type ModelConfig } from '@scalewise/models';
import { encodeModel, tensor, type Graph } from '@scalewise/models/internals';
import { differentiate } from './autodiff.js';

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
