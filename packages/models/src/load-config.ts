import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LLAMA_DEFAULTS, validateConfig, type ModelConfig } from './config.js';
import { ModelsInputError } from './errors.js';
import { fromHfConfig } from './hf-config.js';
import { getPreset, presetNames } from './presets.js';

/**
 * Parse a config object that is either a HF `config.json` (has `hidden_size`) or a scalewise `ModelConfig`
 * (has `dim`; missing fields take `LLAMA_DEFAULTS`). Errors name the source and the field.
 */
export function parseConfigJson(json: unknown, where = 'config'): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelsInputError(
      `${where}: expected a JSON object with model fields, found ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}`,
    );
  }
  const record = json as Record<string, unknown>;
  if ('hidden_size' in record) return fromHfConfig(record, where);
  if (!('dim' in record)) {
    throw new ModelsInputError(
      `${where}: expected a HF config.json (field 'hidden_size') or a scalewise ModelConfig (field 'dim'), found neither`,
    );
  }
  for (const key of ['name'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') {
      throw new ModelsInputError(`${where}: field '${key}' must be a string, found ${JSON.stringify(record[key])}`);
    }
  }
  if (record.tiedEmbeddings !== undefined && typeof record.tiedEmbeddings !== 'boolean') {
    throw new ModelsInputError(`${where}: field 'tiedEmbeddings' must be true or false, found ${JSON.stringify(record.tiedEmbeddings)}`);
  }
  const dim = record.dim;
  const heads = record.heads;
  const headDim =
    record.headDim ?? (typeof dim === 'number' && typeof heads === 'number' && dim % heads === 0 ? dim / heads : LLAMA_DEFAULTS.headDim);
  const config = {
    ...LLAMA_DEFAULTS,
    attention: { ...LLAMA_DEFAULTS.attention },
    name: 'custom',
    kvHeads: heads,
    ...record,
    headDim,
  } as ModelConfig;
  for (const key of ['vocabSize', 'dim', 'layers', 'heads', 'ffnHidden'] as const) {
    if (record[key] === undefined) throw new ModelsInputError(`${where}: field '${key}' is missing`);
  }
  try {
    return validateConfig(config);
  } catch (error) {
    throw new ModelsInputError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Resolve a CLI argument to a config: a preset name (see `presetNames()`), or a path to a JSON file
 * (HF `config.json` or scalewise `ModelConfig`), or a model folder containing `config.json`.
 */
export function resolveConfig(spec: string, cwd = process.cwd()): ModelConfig {
  const looksLikePath = /[/\\]|\.json$/i.test(spec);
  if (!looksLikePath) return getPreset(spec);
  let path = resolve(cwd, spec);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') {
      path = resolve(path, 'config.json');
      try {
        text = readFileSync(path, 'utf8');
      } catch (inner) {
        throw new ModelsInputError(`cannot read ${path}: ${(inner as Error).message}`, { cause: inner });
      }
    } else {
      throw new ModelsInputError(
        `'${spec}' is neither a preset (${presetNames().join(', ')}) nor a readable config file: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelsInputError(`${path}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseConfigJson(json, path);
}
