import { bitsPerByte as bitsPerByteOfTotal } from '@scalewise/core';
import { DataInputError } from './errors.js';
import type { Corpus } from './corpus/index.js';
import { countWords } from './words.js';
import type { Tokenizer } from './tokenizer/types.js';
import type { ProgressCallback } from './types.js';

/** Size of a corpus in documents, UTF-8 bytes, characters and words. */
export interface CorpusStats {
  name: string;
  documents: number;
  /** UTF-8 bytes of all document texts. */
  bytes: number;
  /** UTF-16 code units (JavaScript string length). */
  chars: number;
  /** Whitespace-separated words of the texts (lm-evaluation-harness word-perplexity convention). */
  words: number;
  /** Distinct `meta.genre` values, sorted (empty when documents have no genre). */
  genres: string[];
  /** Documents per genre. */
  documentsPerGenre: Record<string, number>;
  /** Sum of `meta.brownTokens`: the Brown corpus's own word count (tagged words and punctuation); null elsewhere. */
  brownTokens: number | null;
}

/** An empty corpus would give empty token files and undefined bits per byte: bad input (exit 2). */
export function noText(name: string, documents: number, bytes: number): void {
  if (bytes === 0)
    throw new DataInputError(`corpus ${name}: no text to read (${documents} document${documents === 1 ? '' : 's'}, 0 bytes)`);
}

/** Count documents, bytes, words and genres in one streaming pass. */
export async function corpusStats(corpus: Corpus, onProgress?: ProgressCallback): Promise<CorpusStats> {
  let documents = 0;
  let bytes = 0;
  let chars = 0;
  let words = 0;
  let brownTokens: number | null = null;
  const perGenre: Record<string, number> = {};
  for await (const doc of corpus.documents(onProgress)) {
    documents += 1;
    bytes += Buffer.byteLength(doc.text);
    chars += doc.text.length;
    words += countWords(doc.text);
    const genre = doc.meta.genre;
    if (genre !== undefined) perGenre[genre] = (perGenre[genre] ?? 0) + 1;
    if (doc.meta.brownTokens !== undefined) brownTokens = (brownTokens ?? 0) + Number(doc.meta.brownTokens);
  }
  noText(corpus.name, documents, bytes);
  const genres = Object.keys(perGenre).sort();
  return {
    name: corpus.name,
    documents,
    bytes,
    chars,
    words,
    genres,
    documentsPerGenre: Object.fromEntries(genres.map((g) => [g, perGenre[g] as number])),
    brownTokens,
  };
}

/** Tokens and UTF-8 bytes of a corpus under a tokenizer. */
export interface TokenStats {
  documents: number;
  tokens: number;
  bytes: number;
  /** UTF-8 bytes per token: multiply loss in nats per token by tokens/bytes / ln 2 to get bits per byte. */
  bytesPerToken: number;
}

/** Tokenize every document once (no cache) and count tokens and bytes. */
export async function tokenStats(corpus: Corpus, tokenizer: Tokenizer): Promise<TokenStats> {
  let documents = 0;
  let tokens = 0;
  let bytes = 0;
  for await (const doc of corpus.documents()) {
    documents += 1;
    tokens += tokenizer.encode(doc.text).length;
    bytes += Buffer.byteLength(doc.text);
  }
  noText(corpus.name, documents, bytes);
  return { documents, tokens, bytes, bytesPerToken: tokens > 0 ? bytes / tokens : 0 };
}

/** Bits per byte from a mean loss in nats per token and the token/byte counts it was measured on. */
export function bitsPerByte(lossNatsPerToken: number, tokens: number, bytes: number): number {
  if (!(bytes > 0) || !(tokens > 0) || !Number.isFinite(lossNatsPerToken)) {
    throw new DataInputError(
      `bitsPerByte: expected finite loss and positive tokens/bytes, found loss ${lossNatsPerToken}, tokens ${tokens}, bytes ${bytes}`,
    );
  }
  return bitsPerByteOfTotal(lossNatsPerToken * tokens, bytes);
}
