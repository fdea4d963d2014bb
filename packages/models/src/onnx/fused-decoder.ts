import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { attr, type Graph } from './graph.js';
import type { DecoderKvCache, DecoderOutputs } from './decoder.js';
import { chunkedAttention, groupQueryAttention } from './fused-attention.js';
import { fusedProjection } from './projection.js';
import { ropeTables, rotaryCaches } from './rope.js';

/**
 * The KV-cache decoder of `emitDecoder` (float32) written with onnxruntime's fused CPU kernels, for inference only:
 * SimplifiedLayerNormalization / com.microsoft.SkipSimplifiedLayerNormalization (residual add + RMSNorm in one
 * node), com.microsoft.RotaryEmbedding (positions from `position_ids`, so left padding does not shift them) and one
 * MatMul each for q/k/v and gate/up. The attention itself is a pluggable step (fused-attention.ts): full attention
 * runs com.microsoft.GroupQueryAttention (output already [batch, seq, heads·headDim]); sliding-window and
 * block-sparse attention run the chunked graphs of `emitDecoder` over reachable key blocks, with the same bounded
 * cache. About 13 nodes per block instead of ~40 for full attention: a decoded token runs ~400 kernels, not ~1250,
 * and at batch 1 the per-kernel overhead is a large part of a token's time.
 */
export interface FusedDecoderOptions {
  weight: (name: string) => string;
  inputIds: string;
  kvCache: DecoderKvCache;
  prefix?: string;
}

/**
 * Whether `emitFusedDecoder` can emit this model: full causal attention with headDim a multiple of 8
 * (GroupQueryAttention's CPU kernel), or sliding-window / block-sparse attention in chunks (`chunkedAttention`
 * not false; the dense-mask variants stay on the plain graph).
 */
export function fusedDecoderSupports(config: ModelConfig, options: { chunkedAttention?: boolean } = {}): boolean {
  const kind = config.attention.kind;
  if (kind === 'full') return config.headDim % 8 === 0;
  return (kind === 'sliding-window' || kind === 'block-sparse') && options.chunkedAttention !== false;
}

export function emitFusedDecoder(g: Graph, config: ModelConfig, options: FusedDecoderOptions): DecoderOutputs {
  if (!fusedDecoderSupports(config))
    throw new ModelsInputError(
      `fused decoder: needs full attention with headDim a multiple of 8, or sliding-window / block-sparse attention; ` +
        `found ${config.attention.kind}, headDim ${config.headDim}`,
    );
  const { heads, kvHeads, headDim, layers, layerRepeat } = config;
  const kv = options.kvCache;
  const pre = options.prefix ?? '';
  const ms = { domain: 'com.microsoft' };
  g.opsets['com.microsoft'] = 1;
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, label?: string, domain = '') =>
    g.op1(type, inputs, attrs, { label: `${pre}${label ?? type.toLowerCase()}`, domain });
  const w = options.weight;

  // RoPE caches [positions, headDim / 2] for RotaryEmbedding.
  const caches = rotaryCaches(ropeTables(config.maxPositions, headDim, config.ropeTheta), headDim);
  const cacheDims = [config.maxPositions, headDim / 2];
  const cos = g.constant({ dtype: 'float32', dims: cacheDims, data: caches.cos }, `${pre}rope_cos`);
  const sin = g.constant({ dtype: 'float32', dims: cacheDims, data: caches.sin }, `${pre}rope_sin`);
  const stepOptions = { kvCache: kv, inputIds: options.inputIds, prefix: pre };
  const attend = config.attention.kind === 'full' ? groupQueryAttention(g, config, stepOptions) : chunkedAttention(g, config, stepOptions);

  const rmsAttrs = { epsilon: attr.float(config.normEps) };
  /** Residual add and RMSNorm in one node: returns [normed, resid + delta]. */
  const skipNorm = (resid: string, delta: string, weight: string, label: string): [string, string] => {
    const [normed, , , sum] = g.op('SkipSimplifiedLayerNormalization', [resid, delta, w(weight)], rmsAttrs, {
      outputs: 4,
      label: `${pre}${label}`,
      ...ms,
    });
    return [normed as string, sum as string];
  };
  /** One MatMul over the concatenated weights (folded into one constant at load time), split back per weight. */
  const project = (x: string, ws: string[], widths: number[], label: string): string[] =>
    fusedProjection(g, x, ws.map(w), widths, `${pre}${label}`, 'transposed-columns');

  const x0 = op('Gather', [w('model.embed_tokens.weight'), options.inputIds], { axis: attr.int(0) }, 'embed');
  let resid = x0;
  let delta: string | undefined;
  const present: DecoderOutputs['present'] = [];
  for (let layer = 0; layer < layers; layer++) {
    const p = `model.layers.${layer}`;
    for (let r = 0; r < layerRepeat; r++) {
      const slot = layer * layerRepeat + r;
      const L = `l${slot}`;
      let h: string;
      if (delta === undefined) {
        h = op(
          'SimplifiedLayerNormalization',
          [resid, w(`${p}.input_layernorm.weight`)],
          { ...rmsAttrs, axis: attr.int(-1) },
          `${L}_attn_norm`,
        );
      } else {
        [h, resid] = skipNorm(resid, delta, `${p}.input_layernorm.weight`, `${L}_attn_norm`);
      }
      const [q, k, v] = project(
        h,
        ['q_proj', 'k_proj', 'v_proj'].map((n) => `${p}.self_attn.${n}.weight`),
        [heads * headDim, kvHeads * headDim, kvHeads * headDim],
        `${L}_qkv`,
      ) as [string, string, string];
      const rope = (x: string, n: number, label: string) =>
        op('RotaryEmbedding', [x, kv.positionIds, cos, sin], { num_heads: attr.int(n), interleaved: attr.int(0) }, label, ms.domain);
      const step = attend(slot, rope(q, heads, `${L}_q_rope`), rope(k, kvHeads, `${L}_k_rope`), v, L);
      present.push(step.present);
      const ctx = step.ctx;
      const [attnOut] = project(ctx, [`${p}.self_attn.o_proj.weight`], [config.dim], `${L}_o`) as [string];
      const [h2, resid2] = skipNorm(resid, attnOut, `${p}.post_attention_layernorm.weight`, `${L}_ffn_norm`);
      resid = resid2;
      const [gate, up] = project(
        h2,
        [`${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`],
        [config.ffnHidden, config.ffnHidden],
        `${L}_gate_up`,
      ) as [string, string];
      // x·Sigmoid(x): onnxruntime fuses it into one QuickGelu(alpha = 1) kernel.
      const silu = op('Mul', [gate, op('Sigmoid', [gate])], {}, `${L}_silu`);
      [delta] = project(op('Mul', [silu, up], {}, `${L}_swiglu`), [`${p}.mlp.down_proj.weight`], [config.dim], `${L}_down`) as [string];
    }
  }
  const [final] = skipNorm(resid, delta as string, 'model.norm.weight', 'final_norm');
  const [logits] = project(final, [config.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'], [config.vocabSize], 'logits');
  return { logits: logits as string, present };
}
