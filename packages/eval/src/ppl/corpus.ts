import { DEFAULT_SPLIT, documentSplit, loadCorpus, type SplitName, type SplitSpec } from '@scalewise/data';
import { EvalInputError } from '../errors.js';
import type { TextTokenizer } from '../tasks/tokenizer.js';
import type { PplDocument } from './perplexity.js';
import type { ScoreWindow } from './windows.js';

export interface CorpusDocsOptions {
  /** Which split to keep (`all` keeps every document). Default `test`. */
  split?: SplitName | 'all';
  /** How documents are assigned to splits; default @scalewise/data's DEFAULT_SPLIT (hash of id, 90/5/5 %). */
  splitSpec?: SplitSpec;
  /** Keep at most this many documents (after the split), in corpus order (a positive integer). */
  limit?: number;
  /** Told about Parquet documents holding U+FFFD (text and JSON Lines corpora with invalid UTF-8 are refused). */
  onWarning?: (message: string) => void;
}

/** Read a corpus (`brown` or a path, via @scalewise/data), keep one split and tokenize each document. */
export async function corpusDocuments(corpus: string, tokenizer: TextTokenizer, options: CorpusDocsOptions = {}): Promise<PplDocument[]> {
  const split = options.split ?? 'test';
  const spec = options.splitSpec ?? DEFAULT_SPLIT;
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new EvalInputError(`limit must be a positive integer number of documents, found ${options.limit}`);
  }
  const docs: PplDocument[] = [];
  for await (const doc of await loadCorpus(corpus)) {
    if (split !== 'all' && documentSplit(doc, spec) !== split) continue;
    if (doc.text.trim() === '') continue;
    const entry: PplDocument = { id: doc.id, text: doc.text, tokens: tokenizer.encode(doc.text) };
    // Text and JSON Lines corpora are decoded strictly by @scalewise/data (invalid UTF-8 is refused with its offset),
    // so a U+FFFD there is a real character. Parquet strings arrive decoded: say so if they hold replacements.
    if (/\.parquet$/i.test(corpus) && doc.text.includes('\uFFFD')) {
      options.onWarning?.(
        `corpus ${corpus} document ${doc.id}: holds U+FFFD replacement characters (invalid UTF-8 in the source?); ` +
          'bytes counted from the decoded text',
      );
    }
    docs.push(entry);
    if (options.limit !== undefined && docs.length >= options.limit) break;
  }
  if (docs.length === 0) throw new EvalInputError(`corpus '${corpus}' has no non-empty documents in split '${split}'`);
  return docs;
}

/**
 * Convert windows in @scalewise/data's `evalWindows` shape ({input, target = input shifted by one, scoreFrom})
 * to scoring windows, so eval scores exactly what the trainer's validation scores.
 */
export function fromEvalWindows(
  windows: ReadonlyArray<{ input: ArrayLike<number>; target: ArrayLike<number>; scoreFrom: number }>,
): ScoreWindow[] {
  return windows.map((w, i) => {
    const n = w.input.length;
    if (w.target.length !== n || n === 0)
      throw new EvalInputError(`window ${i}: input and target must have the same non-zero length, found ${n} and ${w.target.length}`);
    for (let j = 0; j + 1 < n; j++) {
      if (w.target[j] !== w.input[j + 1]) throw new EvalInputError(`window ${i}: target must be input shifted by one (mismatch at ${j})`);
    }
    const tokens = new Int32Array(n + 1);
    tokens.set(Array.from(w.input));
    tokens[n] = w.target[n - 1] as number;
    return { tokens, scored: n - w.scoreFrom };
  });
}
