import type { ModelConfig } from '@scalewise/models';
import { EvalInputError } from '../../errors.js';
import type { PanelMatrix, Q8Matrix, WasmKernels } from './kernels.js';

/*
 * Incremental decoding, batch 1, of the llama-style decoders scalewise exports (MobileLLM): one token per `step`,
 * every weight product through `kernels.gemv` (or `gemvQ8`), a layer's attention through `kernels.attend`, RMSNorm,
 * RoPE, residual adds and SwiGLU through the kernels' vector ops; only the KV-cache writes are JavaScript, on `f32()`
 * views. Per block application:
 *   x += Wo · Attn(RoPE(Wq h), RoPE(Wk h), Wv h) with h = RMSNorm(x);   x += Wdown · (SiLU(Wgate h₂) ⊙ Wup h₂) with h₂ = RMSNorm(x)
 * then logits = Head · RMSNorm(x). Only what the kernels contract promises is used (WasmKernels in kernels.ts).
 *
 * Dimensions:
 *   C  = dim (residual width)          H  = query heads        KV = key/value heads      G = H / KV (queries per kv head)
 *   hd = headDim                       F  = ffnHidden          V  = vocabSize            P = maxPositions
 *   T  = tokens in the cache           S  = cache slots = layers × layerRepeat (MobileLLM-LS applies a block twice)
 *
 * Weights (HF names, stored [out, in]) are transposed to [in, out] and packed once: q/k/v as one [C, (H+2KV)·hd]
 * matrix and gate/up as one [C, 2F] (one gemv each, whether or not the export fused them: the initializers are the
 * same), o [H·hd, C], down [F, C], head [C, V] (the embedding transposed when tied).
 * The KV cache of slot s, kv head j: K as a panel matrix [hd, P] (column t = key t, so scores = q · K[:, 0..T)) and
 * V as [P, hd] (row t = value t, so ctx = p · V[0..T, :]).
 */

export interface DecodeEngine {
  readonly config: ModelConfig;
  /** Tokens in the cache. */
  readonly length: number;
  /** Empty the cache (the storage is reused, nothing is freed). */
  reset(): void;
  /** Append one token; writes its V logits to `out` at `outOffset`. */
  step(token: number, out: Float32Array, outOffset?: number): void;
  /** Bytes the KV cache holds at the current depth: 2·S·KV·T·hd·4. */
  cacheBytes(): number;
}

/** Refuse what the engine does not compute, naming what it does. */
export function checkEngineConfig(config: ModelConfig, where: string): void {
  if (config.attention.kind !== 'full') {
    throw new EvalInputError(
      `${where}: the wasm backend supports full causal attention only (llama / MobileLLM fp32 exports), ` +
        `found attention '${config.attention.kind}'`,
    );
  }
  if (config.headDim % 2 !== 0) throw new EvalInputError(`${where}: head_dim must be even for RoPE, found ${config.headDim}`);
}

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

const pad32 = (n: number) => Math.ceil(n / 32) * 32;

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

type Matrix = { kind: 'f32'; m: PanelMatrix } | { kind: 'q8'; m: Q8Matrix };

/**
 * Bytes of kernel memory `createDecodeEngine` allocates (packed weights, norm gains, KV cache for all P positions,
 * activations).
 */
export function engineMemoryBytes(config: ModelConfig): number {
  const { dim: C, heads: H, kvHeads: KV, headDim: hd, ffnHidden: F, vocabSize: V, maxPositions: P } = config;
  const perLayer = C * pad32((H + 2 * KV) * hd) + H * hd * pad32(C) + C * pad32(2 * F) + F * pad32(C);
  const cache = config.layers * config.layerRepeat * KV * (hd * pad32(P) + P * pad32(hd));
  const norms = (2 * config.layers + 1) * pad32(C);
  const ropeTables = P * hd; // cos and sin [P, hd/2]
  const activations = pad32(C) * 3 + pad32((H + 2 * KV) * hd) + pad32(P) + H * hd + 32 + pad32(2 * F) + pad32(F) + pad32(V);
  const buffers = 6 * config.layers + 2 * config.layers * config.layerRepeat * KV + 12; // 64-byte alignment, ≤ 15 floats each
  return 4 * (config.layers * perLayer + C * pad32(V) + norms + ropeTables + cache + activations + 16 * buffers);
}

/**
 * The weights in kernel memory (matrices) or as JS arrays (embedding rows, norm gains). A function of its own so that
 * the engine's closures do not capture `weight`, which may hold the whole ONNX file's bytes.
 */
function packWeights(kernels: WasmKernels, config: ModelConfig, weight: (name: string) => Float32Array, q8?: Q8Weights) {
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

  const embed = weight('model.embed_tokens.weight'); // [V, C], rows copied per token
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

  return { embed, layers, finalNorm, head, blockPad };
}

/**
 * `q8`: where it returns int8 weights for a matrix (an int8 folder), that matrix runs through `gemvQ8`; the rest
 * (embedding rows, norms, attention over the cache, float32 matrices) as with float32 weights.
 */
export function createDecodeEngine(
  kernels: WasmKernels,
  config: ModelConfig,
  weight: (name: string) => Float32Array,
  q8?: Q8Weights,
): DecodeEngine {
  checkEngineConfig(config, config.name);
  const { dim: C, heads: H, kvHeads: KV, headDim: hd, ffnHidden: F, vocabSize: V, maxPositions: P, normEps } = config;
  const S = config.layers * config.layerRepeat;
  const half = hd / 2;
  const { embed, layers, finalNorm, head, blockPad } = packWeights(kernels, config, weight, q8);
  // Inputs of int8 matrices are read up to the next block boundary: room for it, left zero.
  const input = (n: number) => Math.ceil(pad32(n) / blockPad) * blockPad;
  const mv = (xOff: number, w: Matrix, yOff: number) => (w.kind === 'q8' ? kernels.gemvQ8(xOff, w.m, yOff) : kernels.gemv(xOff, w.m, yOff));

  // KV cache: per slot, per kv head.
  const cache = Array.from({ length: S }, () =>
    Array.from({ length: KV }, () => ({ k: kernels.allocMatrix(hd, P), v: kernels.allocMatrix(P, hd) })),
  );

  // Activations in kernel memory (gemv writes whole panels of 32: every output buffer is padded).
  const xn = kernels.alloc(input(C)); // normed residual, input of qkv / gate-up / head
  const qkv = kernels.alloc(pad32((H + 2 * KV) * hd)); // q [H·hd] | k [KV·hd] | v [KV·hd]
  const att = kernels.alloc(pad32(P)); // scores, then probabilities in place
  const ctx = kernels.alloc(input(H * hd + 32)); // head h's output at h·hd; the last head's padded tail needs the 32 extra
  const proj = kernels.alloc(pad32(C)); // o and down outputs
  const gu = kernels.alloc(pad32(2 * F)); // gate [F] | up [F]
  const act = kernels.alloc(input(F));
  const logits = kernels.alloc(pad32(V));
  const x = kernels.alloc(pad32(C)); // residual stream

  // RoPE (HF llama, rotate_half): angles rounded to float32 as transformers and the ONNX export compute them; the
  // cos/sin tables [P, half] in kernel memory as float32, as the exported graph holds them.
  const invFreq = Array.from({ length: half }, (_, i) => Math.fround(1 / Math.fround(config.ropeTheta ** Math.fround((2 * i) / hd))));
  const cos = kernels.alloc(P * half);
  const sin = kernels.alloc(P * half);
  const tables = kernels.f32();
  for (let p = 0; p < P; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * (invFreq[i] as number));
      tables[cos + p * half + i] = Math.cos(angle);
      tables[sin + p * half + i] = Math.sin(angle);
    }
  }
  const scale = 1 / Math.sqrt(hd);

  let T = 0;
  const engine: DecodeEngine = {
    config,
    get length() {
      return T;
    },
    reset() {
      T = 0;
    },
    cacheBytes: () => 2 * S * KV * T * hd * 4,
    step(token, out, outOffset = 0) {
      if (!Number.isInteger(token) || token < 0 || token >= V)
        throw new EvalInputError(`token id ${token} is outside the vocabulary [0, ${V})`);
      if (T >= P) throw new EvalInputError(`position ${T} exceeds the model's ${P} positions (max_position_embeddings)`);
      const pos = T;
      const n = T + 1; // keys attended, the new one included
      kernels.f32().set(embed.subarray(token * C, token * C + C), x);
      for (let slot = 0; slot < S; slot++) {
        const w = layers[Math.floor(slot / config.layerRepeat)] as (typeof layers)[number];
        kernels.rmsNorm(x, w.attnNorm, xn, C, normEps);
        mv(xn, w.qkv, qkv);
        kernels.rope(qkv, cos + pos * half, sin + pos * half, H + KV, half); // q heads, then k heads
        const m = kernels.f32();
        const kOff = qkv + H * hd;
        const vOff = kOff + KV * hd;
        const slotCache = cache[slot] as (typeof cache)[number];
        for (let j = 0; j < KV; j++) {
          const c = slotCache[j] as { k: PanelMatrix; v: PanelMatrix };
          // K column `pos` (one float per panel row); V row `pos` (contiguous within each panel).
          const k0 = kernels.index(c.k, 0, pos);
          const kStep = kernels.index(c.k, 1, pos) - k0;
          for (let d = 0; d < hd; d++) m[k0 + d * kStep] = m[kOff + j * hd + d] as number;
          for (let d = 0; d < hd; d += 32) {
            const src = vOff + j * hd + d;
            m.set(m.subarray(src, src + Math.min(32, hd - d)), kernels.index(c.v, pos, d));
          }
        }
        kernels.attend(qkv, slotCache, att, ctx, H, n, scale);
        mv(ctx, w.o, proj);
        kernels.addTo(x, proj, C);
        kernels.rmsNorm(x, w.ffnNorm, xn, C, normEps);
        mv(xn, w.gateUp, gu);
        kernels.swiglu(gu, gu + F, act, F);
        mv(act, w.down, proj);
        kernels.addTo(x, proj, C);
      }
      kernels.rmsNorm(x, finalNorm, xn, C, normEps);
      mv(xn, head, logits);
      out.set(kernels.f32().subarray(logits, logits + V), outOffset);
      T++;
    },
  };
  return engine;
}
