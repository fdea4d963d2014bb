import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError, DataInputError } from '../errors.js';
import { sha256 } from '../hash.js';
import { bytesTokenizer } from './bytes.js';
import { loadSentencePieceTokenizer, SENTENCEPIECE_FILE } from './sentencepiece.js';
import type { Tokenizer } from './types.js';

/** Files a Hugging Face tokenizer folder must contain for transformers.js to load it. */
export const HF_TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  get_vocab(): Map<string, number> | Record<string, number>;
  bos_token_id?: number | null;
  eos_token_id?: number | null;
  pad_token_id?: number | null;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  const raw = await readFile(path, 'utf8');
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch (error) {
    throw new DataInputError(`tokenizer: ${path} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

function idOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/**
 * Load a Hugging Face tokenizer folder (`tokenizer.json` + `tokenizer_config.json`) offline through
 * `@huggingface/transformers`. Missing files are reported by name before transformers.js is asked.
 */
export async function loadHuggingFaceTokenizer(dir: string): Promise<Tokenizer> {
  const folder = resolve(dir);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory())
    throw new DataInputError(
      `tokenizer: expected 'byte' or a folder with ${HF_TOKENIZER_FILES.join(' and ')}, found no folder at '${dir}'`,
    );
  const missing: string[] = [];
  for (const file of HF_TOKENIZER_FILES) {
    if (!(await stat(join(folder, file)).catch(() => null))?.isFile()) missing.push(file);
  }
  if (missing.length > 0) {
    throw new DataInputError(
      `tokenizer: folder '${dir}' is missing ${missing.join(' and ')} (a Hugging Face tokenizer needs ${HF_TOKENIZER_FILES.join(' and ')})`,
    );
  }
  const tokenizerJson = await readJson(join(folder, 'tokenizer.json'));
  const tokenizerConfig = await readJson(join(folder, 'tokenizer_config.json'));
  const { env, AutoTokenizer } = await import('@huggingface/transformers');
  const saved = { allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels, localModelPath: env.localModelPath };
  let hf: HfTokenizer;
  try {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${dirname(folder)}/`;
    hf = (await AutoTokenizer.from_pretrained(basename(folder))) as unknown as HfTokenizer;
  } catch (error) {
    throw new DataError(`tokenizer: @huggingface/transformers could not load '${dir}': ${(error as Error).message}`, { cause: error });
  } finally {
    Object.assign(env, saved);
  }
  const vocab = hf.get_vocab();
  const ids = vocab instanceof Map ? [...vocab.values()] : Object.values(vocab);
  let maxId = -1;
  for (const id of ids) if (id > maxId) maxId = id;
  const added = Array.isArray(tokenizerJson.added_tokens) ? (tokenizerJson.added_tokens as Array<{ id?: unknown }>) : [];
  for (const token of added) if (typeof token.id === 'number' && token.id > maxId) maxId = token.id;
  const hash = sha256(JSON.stringify([tokenizerJson, tokenizerConfig]));
  return {
    name: folder,
    vocabSize: maxId + 1,
    bosId: idOrNull(hf.bos_token_id),
    eosId: idOrNull(hf.eos_token_id),
    padId: idOrNull(hf.pad_token_id),
    hash,
    encode: (text) => Uint32Array.from(hf.encode(text, { add_special_tokens: false })),
    decode: (ids, options) => (ids.length === 0 ? '' : hf.decode(Array.from(ids), { skip_special_tokens: options?.skipSpecial ?? false })),
    huggingFaceFiles: () => structuredClone({ tokenizerJson, tokenizerConfig }),
  };
}

/**
 * A tokenizer by name: `'byte'` (built in), a SentencePiece `tokenizer.model` (or a folder with one: preferred, as
 * MobileLLM's model card loads its tokenizer with `use_fast=False`), or a Hugging Face tokenizer folder.
 */
export async function loadTokenizer(spec: string = 'byte'): Promise<Tokenizer> {
  if (spec === 'byte' || spec === 'bytes') return bytesTokenizer();
  if (spec.endsWith('.model') || (await stat(join(resolve(spec), SENTENCEPIECE_FILE)).catch(() => null))?.isFile())
    return loadSentencePieceTokenizer(spec);
  return loadHuggingFaceTokenizer(spec);
}
