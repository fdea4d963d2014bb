import { DEFAULT_SPLIT, documentSplit, loadCorpus, type SplitName, type SplitSpec } from '@scalewise/data';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
  /** Told about documents that are not valid UTF-8 (their bytes are still counted as they are in the file). */
  onWarning?: (message: string) => void;
}

/**
 * The file a text-corpus document was read from whole (the default `unit: 'file'`), or undefined: its bytes on
 * disk are the document's bytes even when they are not valid UTF-8 (decoding replaced them by U+FFFD).
 */
async function sourceFile(corpus: string, id: string): Promise<string | undefined> {
  if (/\.(jsonl|ndjson|parquet)$/i.test(corpus)) return undefined;
  const info = await stat(corpus).catch(() => undefined);
  if (info?.isFile()) return basename(corpus) === id ? corpus : undefined;
  if (!info?.isDirectory()) return undefined;
  const file = join(corpus, id);
  return (await stat(file).catch(() => undefined))?.isFile() ? file : undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

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
    // U+FFFD may stand for bytes that were not UTF-8: count the bytes of the file as they are, never the
    // replacement characters' (bits per byte must keep the file's own denominator).
    if (doc.text.includes('\uFFFD') && corpus !== 'brown') {
      const file = await sourceFile(corpus, doc.id);
      if (file) {
        const raw = await readFile(file);
        try {
          strictUtf8.decode(raw);
        } catch {
          entry.bytes = raw.length;
          options.onWarning?.(
            `corpus ${file}: not valid UTF-8; invalid bytes read as U+FFFD for tokenizing, bytes counted as they are in the file ` +
              `(${raw.length} bytes)`,
          );
        }
      } else {
        options.onWarning?.(
          `corpus ${corpus} document ${doc.id}: holds U+FFFD replacement characters (invalid UTF-8 in the source?); bytes counted ` +
            `from the decoded text`,
        );
      }
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
