import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import type { ModelWeights } from '../weights.js';
import { attentionScratch, LinearAttentionState, softmaxAttentionRow } from './attention.js';
import { checkTokens, resolveWeights } from './check.js';
import { addInPlace, applyRope, matmulT, rmsNorm, ropeTables, swiglu } from './ops.js';

/** Incremental decoder with a KV cache (softmax kinds) or a recurrent state (linear attention). */
export interface Decoder {
  /** Number of tokens consumed so far (the position the next token will take). */
  readonly position: number;
  /** Feed one token; returns a new Float32Array of next-token logits [vocab]. */
  step(token: number): Float32Array;
  /** Feed several tokens; returns the logits after the last one. */
  prefill(tokens: ArrayLike<number>): Float32Array;
  /** Forget all cached positions. */
  reset(): void;
}

/**
 * Create a decoder that computes the same logits as `forward` one position at a time. Each effective
 * layer (layers · layerRepeat: a repeated block sees different inputs) has its own cache of K, V rows
 * [maxPositions, KV·hd]; cost per step is proportional to the keys the attention kind keeps.
 */
export function createDecoder(config: ModelConfig, weights: ModelWeights): Decoder {
  const W = resolveWeights(config, weights);
  const { dim: D, heads: H, kvHeads: KV, headDim: hd, ffnHidden: F, vocabSize: V, normEps: eps, maxPositions } = config;
  const qDim = H * hd;
  const kvDim = KV * hd;
  const shape = { heads: H, kvHeads: KV, headDim: hd };
  const effective = config.layers * config.layerRepeat;
  const linear = config.attention.kind === 'linear';
  // Caches grow by doubling up to maxPositions, so short decodes of big models stay small.
  let capacity = Math.min(maxPositions, 64);
  const kCache = linear ? [] : Array.from({ length: effective }, () => new Float32Array(capacity * kvDim));
  const vCache = linear ? [] : Array.from({ length: effective }, () => new Float32Array(capacity * kvDim));
  const grow = (): void => {
    capacity = Math.min(maxPositions, capacity * 2);
    for (const cache of [kCache, vCache]) {
      for (let i = 0; i < cache.length; i++) {
        const bigger = new Float32Array(capacity * kvDim);
        bigger.set(cache[i]!);
        cache[i] = bigger;
      }
    }
  };
  const states = linear ? Array.from({ length: effective }, () => new LinearAttentionState(shape)) : [];
  const rope = ropeTables(hd, config.ropeTheta, maxPositions);
  const x = new Float32Array(D);
  const h = new Float32Array(D);
  const q = new Float32Array(qDim);
  const k = new Float32Array(kvDim);
  const v = new Float32Array(kvDim);
  const a = new Float32Array(qDim);
  const proj = new Float32Array(D);
  const gate = new Float32Array(F);
  const up = new Float32Array(F);
  const scratch = attentionScratch(maxPositions, hd);
  let position = 0;

  const step = (token: number): Float32Array => {
    checkTokens(config, [token]);
    if (position >= maxPositions) {
      throw new ModelsInputError(`decoder: position ${position} reached maxPositions ${maxPositions} of '${config.name}'; reset() first`);
    }
    const t = position;
    if (!linear && t >= capacity) grow();
    x.set(W.embed.subarray(token * D, (token + 1) * D));
    let layer = 0;
    for (const block of W.blocks) {
      for (let r = 0; r < config.layerRepeat; r++, layer++) {
        rmsNorm(h, x, block.inputNorm, 1, D, eps);
        matmulT(q, h, block.q, 1, D, qDim);
        matmulT(k, h, block.k, 1, D, kvDim);
        matmulT(v, h, block.v, 1, D, kvDim);
        applyRope(q, 1, H, rope, t);
        applyRope(k, 1, KV, rope, t);
        if (linear) {
          states[layer]!.step(a, 0, q, 0, k, v, 0);
        } else {
          const kc = kCache[layer]!;
          const vc = vCache[layer]!;
          kc.set(k, t * kvDim);
          vc.set(v, t * kvDim);
          softmaxAttentionRow(a, 0, q, 0, kc, vc, t, config.attention, shape, scratch);
        }
        addInPlace(x, matmulT(proj, a, block.o, 1, qDim, D));
        rmsNorm(h, x, block.postNorm, 1, D, eps);
        matmulT(gate, h, block.gate, 1, D, F);
        matmulT(up, h, block.up, 1, D, F);
        swiglu(gate, gate, up);
        addInPlace(x, matmulT(proj, gate, block.down, 1, F, D));
      }
    }
    position++;
    rmsNorm(h, x, W.finalNorm, 1, D, eps);
    return matmulT(new Float32Array(V), h, W.head, 1, D, V);
  };

  return {
    get position() {
      return position;
    },
    step,
    prefill(tokens) {
      if (tokens.length < 1) throw new ModelsInputError('decoder.prefill: expected at least one token, found none');
      let logits: Float32Array = new Float32Array(0);
      for (let i = 0; i < tokens.length; i++) logits = step(tokens[i]!);
      return logits;
    },
    reset() {
      position = 0;
      for (const s of states) s.reset();
    },
  };
}
