import { bytesTokenizer } from '@scalewise/data';

/** Text to token ids, without special tokens (BOS/EOS are the caller's business, as in lm-eval). */
export interface TextTokenizer {
  encode(text: string): ArrayLike<number>;
}

/**
 * The byte tokenizer's text-to-ids side: UTF-8 bytes as ids 0..255, the id layout of @scalewise/data's
 * `bytesTokenizer` (BYTE_BOS_ID, BYTE_EOS_ID, BYTE_PAD_ID after them), which is the one source of truth.
 */
export function byteTokenizer(): TextTokenizer {
  const bytes = bytesTokenizer();
  return { encode: (text) => bytes.encode(text) };
}
