import { DataInputError } from '../errors.js';
import { sha256 } from '../hash.js';
import type { HuggingFaceTokenizerFiles, Tokenizer } from './types.js';

/** Special tokens of the byte tokenizer, after the 256 byte ids. */
export const BYTE_SPECIALS = { bos: '<|bos|>', eos: '<|eos|>', pad: '<|pad|>' } as const;
export const BYTE_BOS_ID = 256;
export const BYTE_EOS_ID = 257;
export const BYTE_PAD_ID = 258;
export const BYTE_VOCAB_SIZE = 259;

/**
 * GPT-2's reversible map from bytes to printable characters, which the Hugging Face ByteLevel
 * pre-tokenizer and decoder use: printable Latin-1 bytes map to themselves, the rest to U+0100 onward.
 */
export function bytesToUnicode(): string[] {
  const keep: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) keep.push(b);
  for (let b = 0xa1; b <= 0xac; b++) keep.push(b);
  for (let b = 0xae; b <= 0xff; b++) keep.push(b);
  const out = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    out[b] = keep.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return out;
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/**
 * The byte tokenizer as Hugging Face files: a BPE model without merges over the 256 ByteLevel
 * characters (id = byte value), a ByteLevel pre-tokenizer without regex splitting and a ByteLevel
 * decoder, so `@huggingface/transformers` encodes every text to exactly its UTF-8 bytes.
 */
export function byteTokenizerFiles(): HuggingFaceTokenizerFiles {
  const chars = bytesToUnicode();
  const vocab: Record<string, number> = {};
  chars.forEach((c, b) => {
    vocab[c] = b;
  });
  vocab[BYTE_SPECIALS.bos] = BYTE_BOS_ID;
  vocab[BYTE_SPECIALS.eos] = BYTE_EOS_ID;
  vocab[BYTE_SPECIALS.pad] = BYTE_PAD_ID;
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      addedToken(BYTE_BOS_ID, BYTE_SPECIALS.bos),
      addedToken(BYTE_EOS_ID, BYTE_SPECIALS.eos),
      addedToken(BYTE_PAD_ID, BYTE_SPECIALS.pad),
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab,
      merges: [],
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: BYTE_SPECIALS.bos,
    eos_token: BYTE_SPECIALS.eos,
    pad_token: BYTE_SPECIALS.pad,
    unk_token: null,
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 1_000_000_000,
  };
  return { tokenizerJson, tokenizerConfig };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const SPECIAL_TEXT = [BYTE_SPECIALS.bos, BYTE_SPECIALS.eos, BYTE_SPECIALS.pad];

/**
 * The built-in byte-level tokenizer: ids 0..255 are the UTF-8 bytes of the text, 256 `<|bos|>`,
 * 257 `<|eos|>`, 258 `<|pad|>` (vocabSize 259). `encode` never produces special ids (a literal
 * `<|eos|>` in a text is encoded as its bytes), so `decode(encode(s)) === s` for every well-formed string.
 */
export function bytesTokenizer(): Tokenizer {
  const files = byteTokenizerFiles();
  const hash = sha256(JSON.stringify(files));
  return {
    name: 'byte',
    vocabSize: BYTE_VOCAB_SIZE,
    bosId: BYTE_BOS_ID,
    eosId: BYTE_EOS_ID,
    padId: BYTE_PAD_ID,
    hash,
    encode(text) {
      const bytes = encoder.encode(text);
      const out = new Uint32Array(bytes.length);
      out.set(bytes);
      return out;
    },
    decode(ids, options) {
      const bytes = new Uint8Array(ids.length);
      let n = 0;
      let out = '';
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (id < 256) {
          bytes[n++] = id;
          continue;
        }
        const special = SPECIAL_TEXT[id - 256];
        if (special === undefined)
          throw new DataInputError(`byte tokenizer: expected ids 0..${BYTE_VOCAB_SIZE - 1}, found ${id} at position ${i}`);
        out += decoder.decode(bytes.subarray(0, n));
        n = 0;
        if (!options?.skipSpecial) out += special;
      }
      return out + decoder.decode(bytes.subarray(0, n));
    },
    huggingFaceFiles: () => byteTokenizerFiles(),
  };
}
