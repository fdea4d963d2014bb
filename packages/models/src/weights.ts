import type { ModelConfig } from './config.js';

/**
 * Model weights by Hugging Face llama parameter name, each a row-major Float32Array.
 * Linear weights are stored as PyTorch does, `[out, in]` (y = x · Wᵀ), so safetensors files interoperate.
 */
export type ModelWeights = Map<string, Float32Array>;

export interface WeightSpec {
  name: string;
  shape: number[];
  /** Kind of tensor, for initialisation and weight-decay grouping. */
  role: 'embedding' | 'norm' | 'linear';
}

/**
 * The names and shapes of every weight of a config, in a fixed order (the order of the forward pass).
 *
 *   model.embed_tokens.weight                      [vocab, dim]
 *   model.layers.{i}.input_layernorm.weight        [dim]
 *   model.layers.{i}.self_attn.q_proj.weight       [heads·headDim, dim]
 *   model.layers.{i}.self_attn.k_proj.weight       [kvHeads·headDim, dim]
 *   model.layers.{i}.self_attn.v_proj.weight       [kvHeads·headDim, dim]
 *   model.layers.{i}.self_attn.o_proj.weight       [dim, heads·headDim]
 *   model.layers.{i}.post_attention_layernorm.weight [dim]
 *   model.layers.{i}.mlp.gate_proj.weight          [ffnHidden, dim]
 *   model.layers.{i}.mlp.up_proj.weight            [ffnHidden, dim]
 *   model.layers.{i}.mlp.down_proj.weight          [dim, ffnHidden]
 *   model.norm.weight                              [dim]
 *   lm_head.weight                                 [vocab, dim]   (only when embeddings are not tied)
 *
 * Layer sharing (`layerRepeat` > 1) adds no weights: block i is applied `layerRepeat` times in a row.
 */
export function weightSpecs(config: ModelConfig): WeightSpec[] {
  const { vocabSize, dim, heads, kvHeads, headDim, ffnHidden } = config;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', shape: [vocabSize, dim], role: 'embedding' }];
  for (let i = 0; i < config.layers; i++) {
    const p = `model.layers.${i}`;
    specs.push(
      { name: `${p}.input_layernorm.weight`, shape: [dim], role: 'norm' },
      { name: `${p}.self_attn.q_proj.weight`, shape: [heads * headDim, dim], role: 'linear' },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kvHeads * headDim, dim], role: 'linear' },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kvHeads * headDim, dim], role: 'linear' },
      { name: `${p}.self_attn.o_proj.weight`, shape: [dim, heads * headDim], role: 'linear' },
      { name: `${p}.post_attention_layernorm.weight`, shape: [dim], role: 'norm' },
      { name: `${p}.mlp.gate_proj.weight`, shape: [ffnHidden, dim], role: 'linear' },
      { name: `${p}.mlp.up_proj.weight`, shape: [ffnHidden, dim], role: 'linear' },
      { name: `${p}.mlp.down_proj.weight`, shape: [dim, ffnHidden], role: 'linear' },
    );
  }
  specs.push({ name: 'model.norm.weight', shape: [dim], role: 'norm' });
  if (!config.tiedEmbeddings) specs.push({ name: 'lm_head.weight', shape: [vocabSize, dim], role: 'linear' });
  return specs;
}
