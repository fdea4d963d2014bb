/** Text to token ids, without special tokens (BOS/EOS are the caller's business, as in lm-eval). */
export interface TextTokenizer {
  encode(text: string): ArrayLike<number>;
}

/** UTF-8 bytes as token ids plus `offset` (ids below `offset` stay free for special tokens). */
export function byteTokenizer(offset = 0): TextTokenizer {
  const encoder = new TextEncoder();
  return { encode: (text) => Array.from(encoder.encode(text), (b) => b + offset) };
}
