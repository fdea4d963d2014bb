import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import type { ModelWeights } from '../weights.js';
import { attentionScratch, linearAttention, softmaxAttention } from './attention.js';
import { checkTokens, resolveWeights } from './check.js';
import { addInPlace, applyRope, embed, matmulT, rmsNorm, ropeTables, swiglu } from './ops.js';

/**
 * Reference forward pass of a llama-style model (MobileLLM), nanoGPT / llm.c style.
 * T = tokens, D = dim, H = heads, KV = kvHeads, hd = headDim, F = ffnHidden, V = vocab.
 *
 *   x = embed[tokens]                                  [T, D]
 *   for block in blocks, repeated layerRepeat times in a row (MobileLLM-LS shares weights):
 *     h = rmsnorm(x) · w_in                            [T, D]
 *     q = h·Wqᵀ [T, H·hd]   k = h·Wkᵀ, v = h·Wvᵀ [T, KV·hd]
 *     q, k = rope(q), rope(k)                          positions 0..T−1
 *     a = attention(q, k, v)                           [T, H·hd]  (kind from config.attention)
 *     x = x + a·Woᵀ                                    [T, D]
 *     h = rmsnorm(x) · w_post
 *     x = x + (silu(h·Wgᵀ) ⊙ h·Wuᵀ)·Wdᵀ                [T, F] → [T, D]
 *   logits = rmsnorm(x) · w_final · Wheadᵀ             [T, V]  (Whead = embedding when tied)
 *
 * Returns a new Float32Array of T·V logits (row t = next-token logits after tokens[0..t]).
 */
export function forward(config: ModelConfig, weights: ModelWeights, tokens: ArrayLike<number>): Float32Array {
  const T = tokens.length;
  if (T < 1) throw new ModelsInputError('forward: expected at least one token, found none');
  if (T > config.maxPositions) {
    throw new ModelsInputError(`forward: ${T} tokens exceed maxPositions ${config.maxPositions} of '${config.name}'`);
  }
  checkTokens(config, tokens);
  const W = resolveWeights(config, weights);
  const { dim: D, heads: H, kvHeads: KV, headDim: hd, ffnHidden: F, vocabSize: V, normEps: eps } = config;
  const qDim = H * hd;
  const kvDim = KV * hd;
  const shape = { heads: H, kvHeads: KV, headDim: hd };
  const rope = ropeTables(hd, config.ropeTheta, T);

  const x = embed(new Float32Array(T * D), W.embed, tokens, D);
  const h = new Float32Array(T * D);
  const q = new Float32Array(T * qDim);
  const k = new Float32Array(T * kvDim);
  const v = new Float32Array(T * kvDim);
  const a = new Float32Array(T * qDim);
  const proj = new Float32Array(T * D);
  const gate = new Float32Array(T * F);
  const up = new Float32Array(T * F);
  const scratch = attentionScratch(T, hd);

  for (const block of W.blocks) {
    for (let r = 0; r < config.layerRepeat; r++) {
      rmsNorm(h, x, block.inputNorm, T, D, eps);
      matmulT(q, h, block.q, T, D, qDim);
      matmulT(k, h, block.k, T, D, kvDim);
      matmulT(v, h, block.v, T, D, kvDim);
      applyRope(q, T, H, rope);
      applyRope(k, T, KV, rope);
      if (config.attention.kind === 'linear') linearAttention(a, q, k, v, T, shape);
      else softmaxAttention(a, q, k, v, T, config.attention, shape, scratch);
      addInPlace(x, matmulT(proj, a, block.o, T, qDim, D));

      rmsNorm(h, x, block.postNorm, T, D, eps);
      matmulT(gate, h, block.gate, T, D, F);
      matmulT(up, h, block.up, T, D, F);
      swiglu(gate, gate, up);
      addInPlace(x, matmulT(proj, gate, block.down, T, F, D));
    }
  }
  rmsNorm(h, x, W.finalNorm, T, D, eps);
  return matmulT(new Float32Array(T * V), h, W.head, T, D, V);
}
