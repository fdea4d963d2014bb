import type { ModelConfig } from '@scalewise/models';
import { EvalInputError } from '../../errors.js';
import type { PanelMatrix, Q8Matrix, WasmKernels } from './kernels.js';

/*
 * The decode engine's weights in kernel memory (engine.ts): HF weights [out, in] transposed to [in, out] and packed once
 * as panel matrices (or int8 blocks), norm gains padded to whole f32x4 lanes; and the memory an engine needs.
 */

/** [in, Σ out] row-major from HF weights [out_i, in] stacked along out: the transposed concatenation. */
function transposeConcat(ws: Float32Array[], inDim: number): Float32Array {
  const outs = ws.map((w) => w.length / inDim);
  const total = outs.reduce((a, b) => a + b, 0);
  const t = new Float32Array(inDim * total);
  let col = 0;
  ws.forEach((w, i) => {
    const out = outs[i] as number;
    for (let o = 0; o < out; o++) for (let k = 0; k < inDim; k++) t[k * total + col + o] = w[o * inDim + k] as number;
    col += out;
  });
  return t;
}

/** Tokens one prefill chunk processes together: every activation buffer holds this many rows (a multiple of 4). */
export const PREFILL_ROWS = 32;

export const pad32 = (n: number) => Math.ceil(n / 32) * 32;

/**
 * One weight matrix of an int8 folder as onnxruntime's MatMulNBits stores it: q [N, K/blockSize, blockSize] uint8
 * (q + 128), scales [N · K/blockSize]; K is the input width rounded up to the block size (the padding is weight 0).
 */
export interface Q8Source {
  q: Uint8Array;
  scales: Float32Array;
  K: number;
  N: number;
  blockSize: number;
}
/** int8 weights for the HF weights `names` stacked along the output (undefined: the matrix is float32). */
export type Q8Weights = (names: string[], inDim: number) => Q8Source | undefined;
/** Largest int8 block an engine accepts: its input buffers are padded to it. */
const MAX_Q8_BLOCK = 4096;

export type Matrix = { kind: 'f32'; m: PanelMatrix } | { kind: 'q8'; m: Q8Matrix };

/**
 * Bytes of kernel memory `createDecodeEngine` allocates (packed weights, norm gains, KV cache for all P positions,
 * activations).
 */
export function engineMemoryBytes(config: ModelConfig, options: { int8MatrixBytes?: number } = {}): number {
  const { dim: C, heads: H, kvHeads: KV, headDim: hd, ffnHidden: F, vocabSize: V, maxPositions: P } = config;
  const perLayer = C * pad32((H + 2 * KV) * hd) + H * hd * pad32(C) + C * pad32(2 * F) + F * pad32(C);
  const cache = config.layers * config.layerRepeat * KV * (hd * pad32(P) + P * pad32(hd));
  const norms = (2 * config.layers + 1) * pad32(C);
  const ropeTables = P * hd; // cos and sin [P, hd/2]
  const perRow = pad32(C) * 3 + pad32((H + 2 * KV) * hd) + H * hd + 32 + pad32(2 * F) + pad32(F) + pad32(V);
  const activations = PREFILL_ROWS * perRow + pad32(P);
  const buffers = 6 * config.layers + 2 * config.layers * config.layerRepeat * KV + 12; // 64-byte alignment, ≤ 15 floats each
  // An int8 folder: its matrices as stored (config.json scalewise_bytes_per_token, an upper bound: it counts every
  // initializer read per token) + 2% for outputs padded to groups of 4; the quantized-x scratch; inputs padded to blocks.
  const int8 = options.int8MatrixBytes;
  const matrices =
    int8 === undefined
      ? config.layers * perLayer + C * pad32(V)
      : Math.ceil((int8 * 1.02) / 4) + Math.max(C, H * hd, F) + 3 * PREFILL_ROWS * MAX_Q8_BLOCK;
  return 4 * (matrices + norms + ropeTables + cache + activations + 16 * buffers);
}

/**
 * The weights in kernel memory (matrices, norm gains; the embedding too when the head is tied and float32). A function of its own so that
 * the engine's closures do not capture `weight`, which may hold the whole ONNX file's bytes.
 */
export function packWeights(kernels: WasmKernels, config: ModelConfig, weight: (name: string) => Float32Array, q8?: Q8Weights) {
  const { dim: C, heads: H, kvHeads: KV, headDim: hd, ffnHidden: F } = config;
  let blockPad = 1; // the largest int8 block: input buffers hold a multiple of it (zeros past the input width)
  const pack = (names: string[], inDim: number, outDim: number): Matrix => {
    const q = q8?.(names, inDim);
    if (q) {
      if (q.N !== outDim || q.K < inDim) {
        throw new EvalInputError(`${names.join(' + ')}: int8 weights [${q.N}, ${q.K}] for a [${outDim}, ${inDim}] matrix`);
      }
      if (q.blockSize > MAX_Q8_BLOCK) throw new EvalInputError(`${names[0]}: int8 block size ${q.blockSize} over ${MAX_Q8_BLOCK}`);
      blockPad = Math.max(blockPad, q.blockSize);
      return { kind: 'q8', m: kernels.packQ8Matrix(q.q, q.scales, q.K, q.N, q.blockSize) };
    }
    const ws = names.map(weight);
    const t = transposeConcat(ws, inDim);
    return { kind: 'f32', m: kernels.packMatrix(t, inDim, t.length / inDim) };
  };

  // Norm gains in kernel memory (the vector kernels read them), padded to whole f32x4 lanes.
  const gain = (name: string) => {
    const off = kernels.alloc(pad32(C));
    kernels.f32().set(weight(name), off);
    return off;
  };
  const layers = Array.from({ length: config.layers }, (_, l) => {
    const p = `model.layers.${l}`;
    return {
      attnNorm: gain(`${p}.input_layernorm.weight`),
      ffnNorm: gain(`${p}.post_attention_layernorm.weight`),
      qkv: pack(
        ['q_proj', 'k_proj', 'v_proj'].map((n) => `${p}.self_attn.${n}.weight`),
        C,
        (H + 2 * KV) * hd,
      ),
      o: pack([`${p}.self_attn.o_proj.weight`], H * hd, C),
      gateUp: pack([`${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`], C, 2 * F),
      down: pack([`${p}.mlp.down_proj.weight`], F, C),
    };
  });
  const finalNorm = gain('model.norm.weight');
  const head = pack([config.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'], C, config.vocabSize);
  const embedRow = embedding(kernels, config, head, weight);
  return { embedRow, layers, finalNorm, head, blockPad };
}

/**
 * Copy token t's embedding row (C floats) into kernel memory at `dst`. A tied float32 head already holds the
 * embedding transposed (column t of [C, V]): the row is gathered from it, so no second copy (V·C floats, 74 MB for
 * MobileLLM-125M) stays in JavaScript. Otherwise (untied, or an int8 head) the float32 embedding is kept as read.
 */
function embedding(kernels: WasmKernels, config: ModelConfig, head: Matrix, weight: (name: string) => Float32Array) {
  const C = config.dim;
  if (config.tiedEmbeddings && head.kind === 'f32') {
    const m = head.m;
    return (token: number, view: Float32Array, dst: number) => {
      const base = kernels.index(m, 0, token);
      const step = kernels.index(m, 1, token) - base;
      for (let k = 0; k < C; k++) view[dst + k] = view[base + k * step] as number;
    };
  }
  const embed = weight('model.embed_tokens.weight'); // [V, C]
  return (token: number, view: Float32Array, dst: number) => view.set(embed.subarray(token * C, token * C + C), dst);
}
