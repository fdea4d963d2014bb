import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DataInputError } from '../errors.js';
import { sha256 } from '../hash.js';
import { sentencePieceCodec, SPACE } from './sentencepiece-codec.js';
import { MODEL_TYPE, parseSentencePieceModel, PIECE_TYPE, type SentencePieceModel } from './sentencepiece-model.js';
import type { HuggingFaceTokenizerFiles, Tokenizer } from './types.js';

/**
 * A SentencePiece `tokenizer.model` with the conventions of transformers' slow `LlamaTokenizer` (what MobileLLM's
 * model card loads with `use_fast=False`): BOS/EOS/UNK/PAD from `tokenizer_config.json` or `special_tokens_map.json`
 * when present, else from the model's trainer spec; `add_bos_token` (default true) and `add_eos_token` (default false).
 * `encode` is `sp.encode(text)`: no special tokens are added or recognised in the text.
 */
export interface SentencePieceTokenizer extends Tokenizer {
  /** Whether the model's convention prepends BOS / appends EOS (LlamaTokenizer's add_bos_token / add_eos_token). */
  addBos: boolean;
  addEos: boolean;
  unkId: number;
}

export const SENTENCEPIECE_FILE = 'tokenizer.model';

function readJsonIfPresent(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('expected a JSON object');
    return json as Record<string, unknown>;
  } catch (error) {
    throw new DataInputError(`tokenizer: ${path} is not a JSON object (${(error as Error).message})`, { cause: error });
  }
}

/** A special token's string: a plain string or an AddedToken object `{ content }`. */
function tokenString(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  const content = (value as { content?: unknown } | undefined)?.content;
  return typeof content === 'string' ? content : undefined;
}

/**
 * The `tokenizer.json` transformers / transformers.js read for a SentencePiece model, as transformers' converters
 * write it (LlamaConverter for BPE: merges ranked by the merged piece's score; a Unigram model keeps its scores).
 */
export function sentencePieceToTokenizerJson(model: SentencePieceModel): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  model.pieces.forEach((p, id) => {
    vocab[p.piece] = id;
  });
  const mergeable = (type: number) => type === PIECE_TYPE.NORMAL || type === PIECE_TYPE.USER_DEFINED;
  // Every split of every piece into two pieces is a merge, ranked by the merged piece's score (as sentencepiece ranks them).
  const merges: Array<{ rank: number; left: number; text: string }> = [];
  model.pieces.forEach((p, id) => {
    if (!mergeable(p.type)) return;
    const chars = Array.from(p.piece);
    for (let i = 1; i < chars.length; i++) {
      const left = chars.slice(0, i).join('');
      const right = chars.slice(i).join('');
      const l = vocab[left];
      const r = vocab[right];
      if (l !== undefined && r !== undefined && mergeable(model.pieces[l]!.type) && mergeable(model.pieces[r]!.type)) {
        merges.push({ rank: id, left: l, text: `${left} ${right}` });
      }
    }
  });
  merges.sort((a, b) => model.pieces[b.rank]!.score - model.pieces[a.rank]!.score || a.rank - b.rank || a.left - b.left);
  const special = model.pieces.flatMap((p, id) =>
    p.type === PIECE_TYPE.CONTROL || p.type === PIECE_TYPE.UNKNOWN
      ? [{ id, content: p.piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }]
      : [],
  );
  const normalizers: unknown[] = model.normalizer.removeExtraWhitespaces
    ? [
        { type: 'Strip', strip_left: true, strip_right: true },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ]
    : [];
  if (model.normalizer.addDummyPrefix) normalizers.push({ type: 'Prepend', prepend: SPACE });
  normalizers.push({ type: 'Replace', pattern: { String: ' ' }, content: SPACE });
  const decoders: unknown[] = [{ type: 'Replace', pattern: { String: SPACE }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }];
  if (model.normalizer.addDummyPrefix) decoders.push({ type: 'Strip', content: ' ', start: 1, stop: 0 });
  const unk = model.pieces[model.unkId]?.piece ?? '<unk>';
  const bpe = {
    type: 'BPE',
    dropout: null,
    unk_token: unk,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: true,
    byte_fallback: model.byteFallback,
    ignore_merges: false,
    vocab,
    merges: merges.map((m) => m.text),
  };
  const unigram = {
    type: 'Unigram',
    unk_id: model.unkId,
    vocab: model.pieces.map((p) => [p.piece, p.score]),
    byte_fallback: model.byteFallback,
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Sequence', decoders },
    model: model.modelType === MODEL_TYPE.UNIGRAM ? unigram : bpe,
  };
}

/**
 * Load a SentencePiece tokenizer from a `tokenizer.model` file or a folder containing one (MobileLLM / Llama
 * checkpoint folders), with `tokenizer_config.json` / `special_tokens_map.json` beside it when present.
 */
export function loadSentencePieceTokenizer(spec: string): SentencePieceTokenizer {
  const given = resolve(spec);
  const isDir = existsSync(given) && statSync(given).isDirectory();
  const path = isDir ? join(given, SENTENCEPIECE_FILE) : given;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataInputError(`tokenizer: cannot read SentencePiece model ${path}: ${(error as Error).message}`, { cause: error });
  }
  const model = parseSentencePieceModel(bytes, path);
  const codec = sentencePieceCodec(model, path);
  const folder = dirname(path);
  const config = readJsonIfPresent(join(folder, 'tokenizer_config.json')) ?? {};
  const specialMap = readJsonIfPresent(join(folder, 'special_tokens_map.json')) ?? {};
  const idOf = (key: 'bos' | 'eos' | 'unk' | 'pad', fallback: number): number | null => {
    const named = tokenString(config[`${key}_token`]) ?? tokenString(specialMap[`${key}_token`]);
    if (named === null) return null;
    if (named === undefined) return fallback >= 0 && fallback < model.pieces.length ? fallback : null;
    const id = codec.pieceToId(named);
    if (id === undefined)
      throw new DataInputError(`tokenizer: ${join(folder, 'tokenizer_config.json')}: ${key}_token '${named}' is not a piece of ${path}`);
    return id;
  };
  const bosId = idOf('bos', model.bosId);
  const eosId = idOf('eos', model.eosId);
  const padId = idOf('pad', model.padId);
  const unkId = idOf('unk', model.unkId) ?? model.unkId;
  const flag = (key: string, fallback: boolean) => {
    const v = config[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean')
      throw new DataInputError(
        `tokenizer: ${join(folder, 'tokenizer_config.json')}: field '${key}' must be true or false, found ${JSON.stringify(v)}`,
      );
    return v;
  };
  const name = (id: number | null) => (id === null ? null : model.pieces[id]!.piece);
  const tokenizerConfig: Record<string, unknown> = {
    tokenizer_class: 'LlamaTokenizer',
    add_bos_token: flag('add_bos_token', true),
    add_eos_token: flag('add_eos_token', false),
    bos_token: name(bosId),
    eos_token: name(eosId),
    unk_token: name(unkId),
    pad_token: name(padId),
    legacy: true,
    clean_up_tokenization_spaces: false,
    model_max_length: config.model_max_length ?? 2048,
  };
  return {
    name: path,
    vocabSize: model.pieces.length,
    bosId,
    eosId,
    padId,
    unkId,
    addBos: tokenizerConfig.add_bos_token as boolean,
    addEos: tokenizerConfig.add_eos_token as boolean,
    hash: sha256(Buffer.concat([Buffer.from(bytes), Buffer.from(JSON.stringify(tokenizerConfig))])),
    encode: (text) => codec.encode(text),
    decode: (ids, options) => codec.decode(ids, options?.skipSpecial ?? false),
    huggingFaceFiles: (): HuggingFaceTokenizerFiles => ({
      tokenizerJson: sentencePieceToTokenizerJson(model),
      tokenizerConfig: structuredClone(tokenizerConfig),
    }),
  };
}
