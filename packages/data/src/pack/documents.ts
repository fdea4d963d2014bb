import type { PreparedSplit } from './prepare.js';

/** One document of a prepared split: its tokens (a view, no copy) and the counts for bits/byte and word perplexity. */
export interface DocumentTokens {
  id: string;
  tokens: Uint16Array | Uint32Array;
  /** UTF-8 bytes of the document text. */
  bytes: number;
  /** Whitespace-separated words of the document text. */
  words: number;
}

/** Iterate the documents of a prepared split, e.g. to build per-document evaluation windows. */
export function* documentTokens(split: PreparedSplit): Generator<DocumentTokens> {
  for (let d = 0; d < split.docIds.length; d++) {
    yield {
      id: split.docIds[d] as string,
      tokens: split.tokens.subarray(split.docOffsets[d] as number, split.docOffsets[d + 1] as number),
      bytes: split.docBytes[d] as number,
      words: split.docWords[d] as number,
    };
  }
}
