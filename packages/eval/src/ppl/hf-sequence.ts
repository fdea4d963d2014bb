import { DEFAULT_SPLIT, documentSplit, loadCorpus, type SplitName, type SplitSpec, type Tokenizer } from '@scalewise/data';
import { EvalInputError } from '../errors.js';

/**
 * How a corpus becomes the guide's list of rows before `"\n\n".join(rows)`:
 * - `lines`: a plain-text corpus read as the Hugging Face `wikitext` dataset reads `wiki.test.raw` (each line with
 *   its line break, whitespace-only lines as ''), so a user's raw file gives the text the guide's notebook scored;
 * - `documents`: one row per document (Brown, JSON Lines, Parquet).
 */
export type HfRows = 'lines' | 'documents';

export interface HfSequenceOptions {
  /** Which split to keep (`all` keeps every document). Default `all`. */
  split?: SplitName | 'all';
  splitSpec?: SplitSpec;
  /** Rows from lines or documents; default `lines` for plain-text corpora, else `documents`. */
  rows?: HfRows;
}

/** The one token sequence the guide scores, and what it was made from. */
export interface HfSequence {
  ids: Int32Array;
  rows: HfRows;
  row_count: number;
  documents: number;
  /** UTF-8 bytes of the joined text. */
  text_bytes: number;
  /** Whether BOS was prepended (the tokenizer's add_bos_token, as `tokenizer(text)` in transformers does). */
  bos: boolean;
}

/** Lines as Python's `for line in open(path)` yields them (universal newlines), blank ones emptied like `wikitext`. */
export function wikitextRows(text: string): string[] {
  if (text === '') return [];
  return text
    .replace(/\r\n?/g, '\n')
    .split(/(?<=\n)/)
    .map((line) => (line.trim() === '' ? '' : line));
}

/** Whether `tokenizer(text)` in transformers prepends BOS for this tokenizer (LlamaTokenizer: add_bos_token). */
export function addsBos(tokenizer: Tokenizer): boolean {
  if (tokenizer.bosId === null) return false;
  const own = (tokenizer as { addBos?: unknown }).addBos;
  if (typeof own === 'boolean') return own;
  return tokenizer.huggingFaceFiles().tokenizerConfig.add_bos_token === true;
}

/** Read a corpus (`brown` or a path), keep one split, join its rows with "\n\n" and tokenise the text as one sequence. */
export async function hfStrideSequence(corpus: string, tokenizer: Tokenizer, options: HfSequenceOptions = {}): Promise<HfSequence> {
  const split = options.split ?? 'all';
  const spec = options.splitSpec ?? DEFAULT_SPLIT;
  const source = await loadCorpus(corpus);
  const rowsKind: HfRows = options.rows ?? (source.kind === 'text' ? 'lines' : 'documents');
  const rows: string[] = [];
  let documents = 0;
  for await (const doc of source) {
    if (split !== 'all' && documentSplit(doc, spec) !== split) continue;
    documents++;
    if (rowsKind === 'lines') rows.push(...wikitextRows(doc.text));
    else rows.push(doc.text);
  }
  const text = rows.join('\n\n');
  if (text.trim() === '') throw new EvalInputError(`corpus '${corpus}' has no text in split '${split}'`);
  const bos = addsBos(tokenizer);
  const body = tokenizer.encode(text);
  const ids = new Int32Array(body.length + (bos ? 1 : 0));
  if (bos) ids[0] = tokenizer.bosId as number;
  ids.set(body, bos ? 1 : 0);
  return { ids, rows: rowsKind, row_count: rows.length, documents, text_bytes: Buffer.byteLength(text, 'utf8'), bos };
}
