import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { fromHfConfig } from '../hf-config.js';
import { loadSafetensors } from '../safetensors.js';
import { weightSpecs, type ModelWeights } from '../weights.js';
import { loadTorchBin, type CheckpointTensor } from './torch-bin.js';

/**
 * A Hugging Face / MobileLLM checkpoint folder as published: `config.json` plus weights in one of
 * `model.safetensors`, `model.safetensors.index.json` (shards), `pytorch_model.bin` or `pytorch_model.bin.index.json`.
 * Nothing is fetched: the user brings the folder.
 */
export const CHECKPOINT_WEIGHT_FILES = [
  'model.safetensors',
  'model.safetensors.index.json',
  'pytorch_model.bin',
  'pytorch_model.bin.index.json',
] as const;
export type CheckpointWeightFile = (typeof CHECKPOINT_WEIGHT_FILES)[number];

export interface Checkpoint {
  dir: string;
  config: ModelConfig;
  weights: ModelWeights;
  /** Which weight file the folder provided, and the files read (shards included). */
  format: CheckpointWeightFile;
  files: string[];
  /** Dtype of the stored tensors (converted to float32 on load), e.g. ['F32'] or ['F16', 'BF16']. */
  storedDtypes: string[];
}

/** True when `dir` is a folder with `config.json` and one of the checkpoint weight files. */
export function isCheckpointFolder(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'config.json'))) return false;
  } catch {
    return false;
  }
  return CHECKPOINT_WEIGHT_FILES.some((f) => existsSync(join(dir, f)));
}

/**
 * A checkpoint tensor name as scalewise names it (HF llama names; see `weightSpecs`), or null for buffers that
 * carry no weights (`rotary_emb.inv_freq`). MobileLLM's modeling code uses the llama names; a bare `LlamaModel`
 * state dict lacks the `model.` prefix and a DDP one has `module.`.
 */
export function checkpointWeightName(name: string): string | null {
  let n = name.startsWith('module.') ? name.slice('module.'.length) : name;
  if (/\.rotary_emb\.inv_freq$/.test(n)) return null;
  if (/^(embed_tokens|layers\.|norm\.)/.test(n)) n = `model.${n}`;
  return n;
}

function readIndex(path: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelsInputError(`${path}: not readable JSON (${(error as Error).message})`, { cause: error });
  }
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new ModelsInputError(`${path}: field 'weight_map' must be an object of tensor name → shard file`);
  const out = new Map<string, string>();
  for (const [name, file] of Object.entries(map)) {
    if (typeof file !== 'string' || file.includes('/') || file.includes('\\') || file.startsWith('.')) {
      throw new ModelsInputError(`${path}: weight_map['${name}'] must be a file name in the same folder, found ${JSON.stringify(file)}`);
    }
    out.set(name, file);
  }
  return out;
}

function loadFile(path: string): Map<string, CheckpointTensor> {
  return path.endsWith('.safetensors') ? loadSafetensors(path).tensors : loadTorchBin(path);
}

/** Read `config.json` (llama or MobileLLM) of a checkpoint folder. */
export function loadCheckpointConfig(dir: string): ModelConfig {
  const path = join(dir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelsInputError(
      `${path}: ` +
        ((error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'missing (a checkpoint folder needs config.json)'
          : `not readable JSON (${(error as Error).message})`),
      { cause: error },
    );
  }
  return fromHfConfig(json, path);
}

/**
 * Load a checkpoint folder: its config and weights by scalewise name, every shape checked against the config.
 * A tied model's `lm_head.weight` (MobileLLM stores it sharing the embedding's storage) is dropped; shards are
 * read one at a time and only the tensors are kept, so memory stays at one float32 copy of the weights.
 */
export function loadCheckpoint(folder: string): Checkpoint {
  const dir = resolve(folder);
  const config = loadCheckpointConfig(dir);
  const format = CHECKPOINT_WEIGHT_FILES.find((f) => existsSync(join(dir, f)));
  if (!format) throw new ModelsInputError(`${dir}: no weights: expected one of ${CHECKPOINT_WEIGHT_FILES.join(', ')}`);
  const shards = new Map<string, string[] | null>();
  if (format.endsWith('.index.json')) {
    for (const [name, file] of readIndex(join(dir, format))) {
      const names = shards.get(file) ?? [];
      names.push(name);
      shards.set(file, names);
    }
  } else {
    shards.set(format, null);
  }
  const specs = new Map(weightSpecs(config).map((s) => [s.name, s]));
  const weights: ModelWeights = new Map();
  const dtypes = new Set<string>();
  const files: string[] = [];
  for (const [file, listed] of shards) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new ModelsInputError(`${join(dir, format)}: shard '${file}' is missing from the folder`);
    files.push(file);
    const tensors = loadFile(path);
    for (const name of listed ?? [])
      if (!tensors.has(name)) throw new ModelsInputError(`${path}: tensor '${name}' listed in ${format} is not in the shard`);
    for (const [stored, tensor] of tensors) {
      const name = checkpointWeightName(stored);
      if (name === null || (name === 'lm_head.weight' && config.tiedEmbeddings)) continue;
      const spec = specs.get(name);
      if (!spec)
        throw new ModelsInputError(`${path}: tensor '${stored}' is not a weight of a ${config.layers}-layer llama/MobileLLM model`);
      if (spec.shape.join(',') !== tensor.shape.join(',')) {
        throw new ModelsInputError(
          `${path}: tensor '${stored}' has shape [${tensor.shape.join(', ')}], config.json implies [${spec.shape.join(', ')}]`,
        );
      }
      if (weights.has(name)) throw new ModelsInputError(`${path}: tensor '${name}' appears twice in the checkpoint`);
      weights.set(name, tensor.data);
      dtypes.add(tensor.dtype);
    }
  }
  const missing = [...specs.keys()].filter((name) => !weights.has(name));
  if (missing.length > 0) {
    throw new ModelsInputError(
      `${join(dir, format)}: missing ${missing.length} weight(s) the config needs, first ` +
        `'${missing[0]}'${config.tiedEmbeddings ? '' : ' (share_embedding is false, so lm_head.weight is required)'}`,
    );
  }
  return { dir, config, weights, format, files, storedDtypes: [...dtypes].sort() };
}
