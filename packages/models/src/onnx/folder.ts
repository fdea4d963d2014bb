import { join } from 'node:path';
import { writeFileAtomic as writeAtomic } from '@scalewise/core/node';
import type { ModelConfig } from '../config.js';
import { ModelsError } from '../errors.js';
import { toHfConfig, type HfLlamaConfig } from '../hf-config.js';
import type { ModelWeights } from '../weights.js';
import { cacheSlots } from './decoder.js';
import { encodeModel, externalDataSink } from './encode.js';
import { buildInferenceGraph } from './inference.js';

/** Past this many bytes of weights the ONNX file keeps them in `model.onnx_data` (protobuf caps a message at 2 GiB). */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1.8e9;
export const EXTERNAL_DATA_FILE = 'model.onnx_data';

export interface ModelFolderOptions {
  config: ModelConfig;
  weights: ModelWeights;
  /** `tokenizer.json` and `tokenizer_config.json` as plain JSON objects (e.g. from @scalewise/data). */
  tokenizer?: { tokenizerJson: Record<string, unknown>; tokenizerConfig: Record<string, unknown> };
  /** Weights in `onnx/model.onnx_data`: 'auto' (default) when they exceed EXTERNAL_DATA_THRESHOLD_BYTES. */
  externalData?: boolean | 'auto';
}

export interface ModelFolderResult {
  dir: string;
  /** Files written, relative to `dir`, with sizes in bytes. */
  files: Array<{ path: string; bytes: number }>;
  externalData: boolean;
  /** Seconds spent building + encoding the graph, and writing files. */
  encodeSeconds: number;
  writeSeconds: number;
}

/**
 * Write bytes (or several chunks) to `path` atomically (temp file, fsync, rename; see `@scalewise/core/node`),
 * so readers never see a partial file. Resolves to the bytes written; failures are ModelsErrors.
 */
export async function writeFileAtomic(path: string, chunks: Uint8Array | string | Iterable<Uint8Array>): Promise<number> {
  try {
    return await writeAtomic(path, chunks);
  } catch (error) {
    throw new ModelsError(
      `could not write '${path}': ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

function tokenId(tokenizerJson: Record<string, unknown>, token: unknown): number | undefined {
  const content = typeof token === 'string' ? token : (token as { content?: unknown } | null)?.content;
  if (typeof content !== 'string') return undefined;
  const added = tokenizerJson.added_tokens as Array<{ id: number; content: string }> | undefined;
  const hit = added?.find((t) => t.content === content);
  if (hit) return hit.id;
  const vocab = (tokenizerJson.model as { vocab?: Record<string, number> } | undefined)?.vocab;
  return vocab && typeof vocab[content] === 'number' ? vocab[content] : undefined;
}

/**
 * The `config.json` of an exported folder. transformers.js sizes the KV cache from `num_hidden_layers`,
 * so a layer-shared model (MobileLLM-LS) is written unrolled: num_hidden_layers = layers × layerRepeat
 * (one cache slot per block application), layer_repeat 1, and the shared structure kept under
 * `scalewise_layer_sharing` (read it back with `configFromModelFolder`).
 */
export function modelFolderConfig(config: ModelConfig, tokenizer?: ModelFolderOptions['tokenizer'], externalData = false): HfLlamaConfig {
  const hf = toHfConfig(config);
  if (config.layerRepeat > 1) {
    hf.num_hidden_layers = cacheSlots(config);
    hf.layer_sharing = false;
    hf.layer_repeat = 1;
    hf.scalewise_layer_sharing = { num_hidden_layers: config.layers, layer_repeat: config.layerRepeat };
  }
  if (tokenizer) {
    for (const key of ['bos', 'eos', 'pad'] as const) {
      const id = tokenId(tokenizer.tokenizerJson, tokenizer.tokenizerConfig[`${key}_token`]);
      if (id !== undefined) hf[`${key}_token_id`] = id;
    }
  }
  hf['transformers.js_config'] = { use_external_data_format: externalData };
  return hf;
}

/** Undo the unrolling of `modelFolderConfig`: the config.json object with the shared-layer structure restored. */
export function configFromModelFolder(json: Record<string, unknown>): Record<string, unknown> {
  const sharing = json.scalewise_layer_sharing as { num_hidden_layers?: unknown; layer_repeat?: unknown } | undefined;
  if (!sharing) return json;
  return { ...json, num_hidden_layers: sharing.num_hidden_layers, layer_repeat: sharing.layer_repeat, layer_sharing: true };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Write a model folder that onnxruntime-node and `@huggingface/transformers` (offline) load:
 * `config.json`, `generation_config.json`, `tokenizer.json` + `tokenizer_config.json` (when given) and
 * `onnx/model.onnx` (+ `onnx/model.onnx_data` for large models), every file written atomically.
 */
export async function writeModelFolder(dir: string, options: ModelFolderOptions): Promise<ModelFolderResult> {
  const { config, weights, tokenizer } = options;
  const started = performance.now();
  const graph = buildInferenceGraph(config, weights);
  let weightBytes = 0;
  for (const tensor of graph.initializers.values()) weightBytes += tensor.data.byteLength;
  const external =
    options.externalData === 'auto' || options.externalData === undefined
      ? weightBytes > EXTERNAL_DATA_THRESHOLD_BYTES
      : options.externalData;
  const sink = external ? externalDataSink(EXTERNAL_DATA_FILE, 1024) : undefined;
  const model = encodeModel(graph, { external: sink, docString: `scalewise export of ${config.name}` });
  const encoded = performance.now();

  const files: ModelFolderResult['files'] = [];
  const write = async (path: string, content: Uint8Array | string | Uint8Array[]) => {
    files.push({ path, bytes: await writeFileAtomic(join(dir, path), content) });
  };
  if (sink) await write(`onnx/${EXTERNAL_DATA_FILE}`, sink.chunks);
  await write('onnx/model.onnx', model);
  const hf = modelFolderConfig(config, tokenizer, external);
  if (tokenizer) {
    await write('tokenizer.json', json(tokenizer.tokenizerJson));
    await write('tokenizer_config.json', json(tokenizer.tokenizerConfig));
  }
  const generation: Record<string, unknown> = { _from_model_config: true };
  for (const key of ['bos_token_id', 'eos_token_id', 'pad_token_id']) if (hf[key] !== undefined) generation[key] = hf[key];
  await write('generation_config.json', json(generation));
  // config.json last: its presence marks a complete folder.
  await write('config.json', json(hf));
  return {
    dir,
    files,
    externalData: external,
    encodeSeconds: (encoded - started) / 1000,
    writeSeconds: (performance.now() - encoded) / 1000,
  };
}
