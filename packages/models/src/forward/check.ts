import { validateConfig, type ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { weightSpecs, type ModelWeights } from '../weights.js';

/** Weights of one block, resolved once so the hot loop does no map lookups. */
export interface BlockWeights {
  inputNorm: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  o: Float32Array;
  postNorm: Float32Array;
  gate: Float32Array;
  up: Float32Array;
  down: Float32Array;
}

export interface ResolvedWeights {
  embed: Float32Array;
  blocks: BlockWeights[];
  finalNorm: Float32Array;
  /** lm_head, or the embedding when tied. */
  head: Float32Array;
}

/**
 * Check that `weights` has every tensor of `weightSpecs(config)` with the right element count and no NaN in
 * the norms (cheap); throws a ModelsInputError naming the tensor. Extra tensors are ignored.
 */
export function checkWeights(config: ModelConfig, weights: ModelWeights): void {
  validateConfig(config);
  for (const spec of weightSpecs(config)) {
    const tensor = weights.get(spec.name);
    const expected = spec.shape.reduce((a, b) => a * b, 1);
    if (!tensor) throw new ModelsInputError(`weights for '${config.name}': missing tensor ${spec.name} [${spec.shape.join(', ')}]`);
    if (!(tensor instanceof Float32Array)) throw new ModelsInputError(`weights for '${config.name}': ${spec.name} must be a Float32Array`);
    if (tensor.length !== expected) {
      throw new ModelsInputError(
        `weights for '${config.name}': ${spec.name} must have ${expected} values [${spec.shape.join(', ')}], found ${tensor.length}`,
      );
    }
  }
}

export function resolveWeights(config: ModelConfig, weights: ModelWeights): ResolvedWeights {
  checkWeights(config, weights);
  const get = (name: string): Float32Array => weights.get(name)!;
  const blocks: BlockWeights[] = [];
  for (let i = 0; i < config.layers; i++) {
    const p = `model.layers.${i}`;
    blocks.push({
      inputNorm: get(`${p}.input_layernorm.weight`),
      q: get(`${p}.self_attn.q_proj.weight`),
      k: get(`${p}.self_attn.k_proj.weight`),
      v: get(`${p}.self_attn.v_proj.weight`),
      o: get(`${p}.self_attn.o_proj.weight`),
      postNorm: get(`${p}.post_attention_layernorm.weight`),
      gate: get(`${p}.mlp.gate_proj.weight`),
      up: get(`${p}.mlp.up_proj.weight`),
      down: get(`${p}.mlp.down_proj.weight`),
    });
  }
  const embed = get('model.embed_tokens.weight');
  return { embed, blocks, finalNorm: get('model.norm.weight'), head: config.tiedEmbeddings ? embed : get('lm_head.weight') };
}

/** Throws a ModelsInputError unless every token is an integer in [0, vocab). */
export function checkTokens(config: ModelConfig, tokens: ArrayLike<number>): void {
  for (let t = 0; t < tokens.length; t++) {
    const id = tokens[t]!;
    if (!Number.isInteger(id) || id < 0 || id >= config.vocabSize) {
      throw new ModelsInputError(`token ${t} is ${id}; expected an integer id in [0, ${config.vocabSize}) for '${config.name}'`);
    }
  }
}
