import type { ModelConfig } from '@scalewise/models';
import { EvalInputError } from '../../errors.js';
import type { PanelMatrix, WasmKernels } from './kernels.js';
import { packWeights, pad32, PREFILL_ROWS, type Matrix, type Q8Weights } from './engine-weights.js';

export { engineMemoryBytes, PREFILL_ROWS, type Q8Source, type Q8Weights } from './engine-weights.js';

/*
 * Incremental decoding, batch 1, of the llama-style decoders scalewise exports (MobileLLM): one token per `step`, or
 * a prompt in chunks of PREFILL_ROWS tokens per `feed` (weight products as gemm over the chunk's rows),
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
  /**
   * Append tokens (a prompt), PREFILL_ROWS at a time through every layer, so each weight is read once per chunk
   * instead of once per token; writes tokens.length × V logits to `out` at `outOffset`, equal to stepping token by token.
   */
  feed(tokens: ArrayLike<number>, out: Float32Array, outOffset?: number): void;
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

/**
 * `q8`: where it returns int8 weights for a matrix (an int8 folder), that matrix runs through `gemvQ8` (row by row in a
 * prefill); the rest (embedding rows, norms, attention over the cache, float32 matrices) as with float32 weights.
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
  const R = PREFILL_ROWS;
  const { embedRow, layers, finalNorm, head, blockPad } = packWeights(kernels, config, weight, q8);
  // Inputs of int8 matrices are read up to the next block boundary: room for it, left zero.
  const input = (n: number) => Math.ceil(pad32(n) / blockPad) * blockPad;
  /** Y rows = X rows · W: one row as a matrix-vector product, several as gemm (each weight read once for all rows). */
  const mv = (w: Matrix, x: Rows, y: Rows, rows: number) => {
    if (w.kind === 'q8') for (let r = 0; r < rows; r++) kernels.gemvQ8(x.at(r), w.m, y.at(r));
    else if (rows === 1) kernels.gemv(x.off, w.m, y.off);
    else kernels.gemm(x.off, x.ld, w.m, y.off, y.ld, rows);
  };

  // KV cache: per slot, per kv head.
  const cache = Array.from({ length: S }, () =>
    Array.from({ length: KV }, () => ({ k: kernels.allocMatrix(hd, P), v: kernels.allocMatrix(P, hd) })),
  );

  // Activations in kernel memory, R rows each (gemv writes whole panels of 32: every row is padded).
  const x = rows(kernels, pad32(C), R); // residual stream
  const xn = rows(kernels, input(C), R); // normed residual, input of qkv / gate-up / head
  const qkv = rows(kernels, pad32((H + 2 * KV) * hd), R); // q [H·hd] | k [KV·hd] | v [KV·hd]
  const att = kernels.alloc(pad32(P)); // scores, then probabilities in place (one token at a time)
  const ctx = rows(kernels, input(H * hd + 32), R); // head h's output at h·hd; the last head's padded tail needs the 32 extra
  const proj = rows(kernels, pad32(C), R); // o and down outputs
  const gu = rows(kernels, pad32(2 * F), R); // gate [F] | up [F]
  const act = rows(kernels, input(F), R);
  const logits = rows(kernels, pad32(V), R);

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

  /** Write token row r's k and v (RoPE applied) into the cache at position pos: K column pos, V row pos. */
  const writeCache = (slotCache: ReadonlyArray<{ k: PanelMatrix; v: PanelMatrix }>, r: number, pos: number) => {
    const m = kernels.f32();
    const kOff = qkv.at(r) + H * hd;
    const vOff = kOff + KV * hd;
    slotCache.forEach((c, j) => {
      const k0 = kernels.index(c.k, 0, pos);
      const kStep = kernels.index(c.k, 1, pos) - k0; // one float per panel row
      for (let d = 0; d < hd; d++) m[k0 + d * kStep] = m[kOff + j * hd + d] as number;
      for (let d = 0; d < hd; d += 32) {
        const src = vOff + j * hd + d; // contiguous within each panel
        m.set(m.subarray(src, src + Math.min(32, hd - d)), kernels.index(c.v, pos, d));
      }
    });
  };

  /** `n` ≤ R tokens at positions T..T+n: every layer over all of them, then their logits into out. */
  const chunk = (tokens: ArrayLike<number>, from: number, n: number, out: Float32Array, outOffset: number) => {
    const m = kernels.f32();
    for (let r = 0; r < n; r++) embedRow(tokens[from + r] as number, m, x.at(r));
    for (let slot = 0; slot < S; slot++) {
      const w = layers[Math.floor(slot / config.layerRepeat)] as (typeof layers)[number];
      const slotCache = cache[slot] as (typeof cache)[number];
      for (let r = 0; r < n; r++) kernels.rmsNorm(x.at(r), w.attnNorm, xn.at(r), C, normEps);
      mv(w.qkv, xn, qkv, n);
      for (let r = 0; r < n; r++) {
        kernels.rope(qkv.at(r), cos + (T + r) * half, sin + (T + r) * half, H + KV, half); // q heads, then k heads
        writeCache(slotCache, r, T + r);
      }
      // Token r attends to the cache up to its own position (later rows' keys are written but not read).
      for (let r = 0; r < n; r++) kernels.attend(qkv.at(r), slotCache, att, ctx.at(r), H, T + r + 1, scale);
      mv(w.o, ctx, proj, n);
      for (let r = 0; r < n; r++) {
        kernels.addTo(x.at(r), proj.at(r), C);
        kernels.rmsNorm(x.at(r), w.ffnNorm, xn.at(r), C, normEps);
      }
      mv(w.gateUp, xn, gu, n);
      for (let r = 0; r < n; r++) kernels.swiglu(gu.at(r), gu.at(r) + F, act.at(r), F);
      mv(w.down, act, proj, n);
      for (let r = 0; r < n; r++) kernels.addTo(x.at(r), proj.at(r), C);
    }
    for (let r = 0; r < n; r++) kernels.rmsNorm(x.at(r), finalNorm, xn.at(r), C, normEps);
    mv(head, xn, logits, n);
    const view = kernels.f32();
    for (let r = 0; r < n; r++) out.set(view.subarray(logits.at(r), logits.at(r) + V), outOffset + r * V);
    T += n;
  };

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
    feed(tokens, out, outOffset = 0) {
      // Every id and the length are checked before any work: a bad id must not leave a half-written cache.
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] as number;
        if (!Number.isInteger(token) || token < 0 || token >= V)
          throw new EvalInputError(`token id ${token} is outside the vocabulary [0, ${V})`);
      }
      if (T + tokens.length > P)
        throw new EvalInputError(`position ${T + tokens.length - 1} exceeds the model's ${P} positions (max_position_embeddings)`);
      if (out.length < outOffset + tokens.length * V)
        throw new RangeError(`feed: out holds ${out.length} floats, needs ${outOffset + tokens.length * V}`);
      for (let from = 0; from < tokens.length; from += R) {
        chunk(tokens, from, Math.min(R, tokens.length - from), out, outOffset + from * V);
      }
    },
    step(token, out, outOffset = 0) {
      engine.feed([token], out, outOffset);
    },
  };
  return engine;
}

/** A block of rows in kernel memory: row r at `at(r)`, `ld` floats apart (whole groups of 4, as gemm reads them). */
interface Rows {
  readonly off: number;
  readonly ld: number;
  at(r: number): number;
}
function rows(kernels: WasmKernels, ld: number, count: number): Rows {
  const off = kernels.alloc(ld * Math.ceil(count / 4) * 4);
  return { off, ld, at: (r) => off + r * ld };
}
