import * as ort from 'onnxruntime-node';
import { LLAMA_DEFAULTS, type ModelConfig } from '../config.js';
import { createRng } from '@scalewise/core';
import { weightSpecs, type ModelWeights } from '../weights.js';
import { encodeModel } from './encode.js';
import { Graph } from './graph.js';
import { buildInferenceGraph } from './inference.js';
import { emitDecoder, type DecoderOptions } from './decoder.js';
import { forward } from '../forward/model.js';

// Shared by the ONNX tests only (not exported from the package).

export function tinyConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...LLAMA_DEFAULTS,
    name: 'tiny',
    vocabSize: 50,
    dim: 16,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    headDim: 4,
    ffnHidden: 24,
    maxPositions: 64,
    attention: { kind: 'full' },
    ...overrides,
  };
}

/** Weights with O(1) activations, so that differences in the graph show up in the logits. */
export function randomWeights(config: ModelConfig, seed = 1): ModelWeights {
  const rng = createRng(seed);
  const weights: ModelWeights = new Map();
  for (const spec of weightSpecs(config)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(n);
    if (spec.role === 'norm') for (let i = 0; i < n; i++) w[i] = 1 + 0.2 * rng.normal();
    else rng.fillNormal(w, 0, spec.role === 'embedding' ? 1 : 1 / Math.sqrt(spec.shape[1] ?? 1));
    weights.set(spec.name, w);
  }
  return weights;
}

export async function inferenceSession(config: ModelConfig, weights: ModelWeights): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(encodeModel(buildInferenceGraph(config, weights)));
}

const int64 = (rows: number[][]) =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]?.length ?? 0]);

/**
 * Logits [rows, T, V] of the no-cache graph (`emitDecoder` with seqLen = T, what native training and eval run) with
 * the weights fed as graph inputs, as the native trainer feeds them; and the graph, for checks on its nodes.
 */
export async function noCacheLogits(
  config: ModelConfig,
  weights: ModelWeights,
  rows: number[][],
  chunkedAttention: boolean,
  more: Pick<DecoderOptions, 'fusedRope' | 'fuseProjections'> = {},
): Promise<{ logits: Float32Array; graph: Graph }> {
  const T = rows[0]?.length ?? 0;
  const g = new Graph('train');
  const ids = g.input('ids', 'int64', [rows.length, T]);
  for (const spec of weightSpecs(config)) g.input(spec.name, 'float32', spec.shape);
  const out = emitDecoder(g, config, { weight: (n) => n, inputIds: ids, seqLen: T, chunkedAttention, ...more });
  g.output(out.logits, 'float32', [rows.length, T, config.vocabSize], 'logits');
  const feeds: Record<string, ort.Tensor> = { ids: int64(rows) };
  for (const spec of weightSpecs(config)) feeds[spec.name] = new ort.Tensor('float32', weights.get(spec.name)!, spec.shape);
  const session = await ort.InferenceSession.create(encodeModel(g));
  try {
    return { logits: (await session.run(feeds)).logits!.data as Float32Array, graph: g };
  } finally {
    await session.release();
  }
}

/** Largest |logit − reference forward| over the rows of `logits` [rows, T, V], and the largest |reference logit|. */
export function referenceGap(
  config: ModelConfig,
  weights: ModelWeights,
  rows: number[][],
  logits: Float32Array,
): { gap: number; scale: number } {
  let gap = 0,
    scale = 0;
  const n = (rows[0]?.length ?? 0) * config.vocabSize;
  for (const [r, row] of rows.entries()) {
    const ref = forward(config, weights, row);
    gap = Math.max(gap, maxAbsDiff(logits.subarray(r * n, (r + 1) * n), ref));
    for (const v of ref) scale = Math.max(scale, Math.abs(v));
  }
  return { gap, scale };
}

/**
 * The no-cache graph with and without chunked attention on the same rows: both results, the chunked logits' gap to
 * the reference forward (and the reference's largest |logit|, so a gap is not vacuous), and their gap to the dense.
 */
export async function chunkedAndDense(config: ModelConfig, weights: ModelWeights, rows: number[][]) {
  const chunked = await noCacheLogits(config, weights, rows, true);
  const dense = await noCacheLogits(config, weights, rows, false);
  return { chunked, dense, ...referenceGap(config, weights, rows, chunked.logits), denseGap: maxAbsDiff(chunked.logits, dense.logits) };
}

/** Whether a graph holds a dense constant mask: [T, T], or [T·G, T] with the queries as position rows (G per position). */
export function hasSquareMask(g: Graph, T: number): boolean {
  return [...g.initializers.values()].some((t) => t.dims.length === 2 && t.dims[0]! % T === 0 && t.dims[1] === T);
}

export interface StepResult {
  logits: Float32Array;
  dims: readonly number[];
  present: Map<string, ort.Tensor>;
}

/**
 * One call of the KV graph: `ids` new tokens per row, `mask` covers past + new slots, positions are
 * cumsum(mask) - 1 (masked slots get 1), as transformers.js computes them.
 */
export async function step(
  session: ort.InferenceSession,
  config: ModelConfig,
  ids: number[][],
  mask: number[][],
  past?: Map<string, ort.Tensor>,
): Promise<StepResult> {
  const batch = ids.length;
  const seq = ids[0]?.length ?? 0;
  const positions = mask.map((row) => {
    let c = 0;
    const pos = row.map((m) => ((c += m), m ? c - 1 : 1));
    return pos.slice(pos.length - seq);
  });
  const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids), attention_mask: int64(mask), position_ids: int64(positions) };
  const slots = config.layers * config.layerRepeat;
  for (let i = 0; i < slots; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kind}`] =
        past?.get(`present.${i}.${kind}`) ?? new ort.Tensor('float32', new Float32Array(0), [batch, config.kvHeads, 0, config.headDim]);
    }
  }
  const out = await session.run(feeds);
  const present = new Map<string, ort.Tensor>();
  for (const [name, t] of Object.entries(out)) if (name.startsWith('present.')) present.set(name, t);
  return { logits: out.logits!.data as Float32Array, dims: out.logits!.dims, present };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** The graph inputs a windowed attention mask reads: attention_mask, input_ids and one past key [batch, 1, past, 2]. */
export interface MaskInputs {
  attentionMask: string;
  inputIds: string;
  pastKey: string;
}

/**
 * Build only a KV-cache attention mask (`build` returns its [B, 1, 1, chunks, chunk, keys] value) and return a function
 * giving its dims for a batch-1 call with `past` cached slots and `seq` new tokens, all attended.
 */
export async function maskDims(
  build: (g: Graph, inputs: MaskInputs) => string,
): Promise<(past: number, seq: number) => Promise<readonly number[]>> {
  const g = new Graph('mask');
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'total']);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const pastKey = g.input('past_key', 'float32', ['batch', 1, 'past', 2]);
  g.output(build(g, { attentionMask, inputIds, pastKey }), 'float32', ['batch', 1, 1, 'chunks', 'chunk', 'keys'], 'mask');
  const session = await ort.InferenceSession.create(encodeModel(g));
  return async (past, seq) => {
    const feeds = {
      attention_mask: new ort.Tensor('int64', new BigInt64Array(past + seq).fill(1n), [1, past + seq]),
      input_ids: new ort.Tensor('int64', new BigInt64Array(seq), [1, seq]),
      past_key: new ort.Tensor('float32', new Float32Array(past * 2), [1, 1, past, 2]),
    };
    return ((await session.run(feeds)).mask as ort.Tensor).dims;
  };
}
