import { LLAMA_DEFAULTS, validateConfig, type AttentionConfig, type ModelConfig } from './config.js';
import { ModelsInputError } from './errors.js';

/**
 * A Hugging Face `config.json` for `LlamaForCausalLM` (what transformers and transformers.js read), plus
 * MobileLLM's `share_embedding` / `layer_sharing` and scalewise's own extension keys for what llama cannot say
 * (`layer_repeat`, `scalewise_attention`). Other tools ignore the keys they do not know.
 */
export interface HfLlamaConfig {
  architectures: string[];
  model_type: string;
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  hidden_act: 'silu';
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  tie_word_embeddings: boolean;
  share_embedding: boolean;
  layer_sharing: boolean;
  layer_repeat: number;
  attention_bias: false;
  mlp_bias: false;
  torch_dtype: string;
  scalewise_name?: string;
  scalewise_attention?: AttentionConfig;
  [key: string]: unknown;
}

/** The HF `config.json` object of a config (fp32 weights unless `torchDtype` says otherwise). */
export function toHfConfig(config: ModelConfig, options: { torchDtype?: string } = {}): HfLlamaConfig {
  validateConfig(config);
  const hf: HfLlamaConfig = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: config.vocabSize,
    hidden_size: config.dim,
    intermediate_size: config.ffnHidden,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.kvHeads,
    head_dim: config.headDim,
    hidden_act: 'silu',
    max_position_embeddings: config.maxPositions,
    rms_norm_eps: config.normEps,
    rope_theta: config.ropeTheta,
    tie_word_embeddings: config.tiedEmbeddings,
    share_embedding: config.tiedEmbeddings,
    layer_sharing: config.layerRepeat > 1,
    layer_repeat: config.layerRepeat,
    attention_bias: false,
    mlp_bias: false,
    torch_dtype: options.torchDtype ?? 'float32',
    scalewise_name: config.name,
  };
  if (config.attention.kind !== 'full') hf.scalewise_attention = { ...config.attention };
  return hf;
}

type Json = Record<string, unknown>;

/** `model_type` values read as llama: HF llama and MobileLLM (whose modeling code is llama's plus `share_embedding`). */
export const SUPPORTED_MODEL_TYPES = ['llama', 'mobilellm'];

function field(json: Json, key: string, kind: 'int' | 'positive' | 'bool' | 'string', where: string): unknown {
  const value = json[key];
  const ok =
    kind === 'int'
      ? Number.isInteger(value) && (value as number) > 0
      : kind === 'positive'
        ? typeof value === 'number' && Number.isFinite(value) && value > 0
        : kind === 'bool'
          ? typeof value === 'boolean'
          : typeof value === 'string';
  if (!ok) {
    const expected = { int: 'a positive integer', positive: 'a positive number', bool: 'true or false', string: 'a string' }[kind];
    throw new ModelsInputError(
      `${where}: field '${key}' must be ${expected}, found ${value === undefined ? 'nothing (missing)' : JSON.stringify(value)}`,
    );
  }
  return value;
}

function optional<T>(json: Json, key: string, kind: 'int' | 'positive' | 'bool' | 'string', where: string, fallback: T): T {
  return json[key] === undefined || json[key] === null ? fallback : (field(json, key, kind, where) as T);
}

/**
 * Read a HF `config.json` object (llama or MobileLLM). Missing optional fields take MobileLLM's values
 * (`LLAMA_DEFAULTS`); a field of the wrong type or an impossible combination throws a ModelsInputError
 * naming the field. `where` names the source in messages (e.g. the file path).
 */
export function fromHfConfig(input: unknown, where = 'config.json', name?: string): ModelConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ModelsInputError(`${where}: expected a JSON object, found ${Array.isArray(input) ? 'an array' : JSON.stringify(input)}`);
  }
  let json = input as Json;
  // Folders exported for transformers.js unroll layer sharing (one cache slot per block application) and keep
  // the shared structure here; read the shared structure back.
  const unrolled = json.scalewise_layer_sharing;
  if (typeof unrolled === 'object' && unrolled !== null) {
    const shared = unrolled as Json;
    json = { ...json, num_hidden_layers: shared.num_hidden_layers, layer_repeat: shared.layer_repeat, layer_sharing: true };
  }
  // MobileLLM's config.json says model_type 'mobilellm' (LlamaConfig keys + share_embedding); both are llama.
  const modelType = json.model_type;
  if (modelType !== undefined && modelType !== null && !SUPPORTED_MODEL_TYPES.includes(modelType as string)) {
    throw new ModelsInputError(
      `${where}: field 'model_type' must be one of ${SUPPORTED_MODEL_TYPES.join(', ')}, found ${JSON.stringify(modelType)}`,
    );
  }
  if (json.rope_scaling !== undefined && json.rope_scaling !== null) {
    throw new ModelsInputError(
      `${where}: field 'rope_scaling' must be null (scaled RoPE is not supported), found ${JSON.stringify(json.rope_scaling)}`,
    );
  }
  const act = json.hidden_act;
  if (act !== undefined && act !== 'silu' && act !== 'swish') {
    throw new ModelsInputError(`${where}: field 'hidden_act' must be 'silu' (SwiGLU), found ${JSON.stringify(act)}`);
  }
  for (const key of ['attention_bias', 'mlp_bias'] as const) {
    if (json[key] === true) throw new ModelsInputError(`${where}: field '${key}' must be false (biases are not supported)`);
  }
  const dim = field(json, 'hidden_size', 'int', where) as number;
  const heads = field(json, 'num_attention_heads', 'int', where) as number;
  const kvHeads = optional(json, 'num_key_value_heads', 'int', where, heads);
  if (heads % kvHeads !== 0) {
    throw new ModelsInputError(`${where}: field 'num_key_value_heads' (${kvHeads}) must divide num_attention_heads (${heads})`);
  }
  const headDimDefault = dim % heads === 0 ? dim / heads : NaN;
  if (json.head_dim === undefined && Number.isNaN(headDimDefault)) {
    throw new ModelsInputError(
      `${where}: field 'head_dim' is missing and hidden_size (${dim}) is not divisible by num_attention_heads (${heads})`,
    );
  }
  // MobileLLM's checkpoints say tie_word_embeddings: false with share_embedding: true; share_embedding wins.
  const tied =
    json.share_embedding !== undefined && json.share_embedding !== null
      ? (field(json, 'share_embedding', 'bool', where) as boolean)
      : optional(json, 'tie_word_embeddings', 'bool', where, true);
  const sharing = optional(json, 'layer_sharing', 'bool', where, false);
  const layerRepeat = optional(json, 'layer_repeat', 'int', where, sharing ? 2 : 1);
  const attention =
    json.scalewise_attention === undefined || json.scalewise_attention === null
      ? { ...LLAMA_DEFAULTS.attention }
      : parseAttention(json.scalewise_attention, where);
  const config: ModelConfig = {
    name: name ?? optional(json, 'scalewise_name', 'string', where, optional(json, '_name_or_path', 'string', where, 'custom')),
    vocabSize: field(json, 'vocab_size', 'int', where) as number,
    dim,
    layers: field(json, 'num_hidden_layers', 'int', where) as number,
    heads,
    kvHeads,
    headDim: optional(json, 'head_dim', 'int', where, headDimDefault),
    ffnHidden: field(json, 'intermediate_size', 'int', where) as number,
    normEps: optional(json, 'rms_norm_eps', 'positive', where, LLAMA_DEFAULTS.normEps),
    ropeTheta: optional(json, 'rope_theta', 'positive', where, LLAMA_DEFAULTS.ropeTheta),
    maxPositions: optional(json, 'max_position_embeddings', 'int', where, LLAMA_DEFAULTS.maxPositions),
    tiedEmbeddings: tied,
    layerRepeat,
    attention,
  };
  try {
    return validateConfig(config);
  } catch (error) {
    throw new ModelsInputError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function parseAttention(value: unknown, where: string): AttentionConfig {
  if (typeof value !== 'object' || value === null) {
    throw new ModelsInputError(`${where}: field 'scalewise_attention' must be an object with a 'kind', found ${JSON.stringify(value)}`);
  }
  // validateConfig checks the kind and its options, naming them.
  return { ...(value as AttentionConfig) };
}
