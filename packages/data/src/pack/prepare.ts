import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { loadCorpus, type Corpus, type CorpusSpec } from '../corpus/index.js';
import { cacheDirectory } from '../env.js';
import { DataError, DataInputError } from '../errors.js';
import { writeFileAtomic } from '@scalewise/core/node';
import { countWords } from '../words.js';
import { sha256 } from '../hash.js';
import { checkOutputFolder, removeStaleTemps } from '../outdir.js';
import { noText } from '../stats.js';
import { SPLIT_NAMES, documentSplit, normalizeSplit, type SplitName, type SplitSpec } from '../split.js';
import { loadTokenizer } from '../tokenizer/hf.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ProgressCallback } from '../types.js';
import {
  swapTokenFolder,
  tempFolderName,
  isOwnTokenFolder,
  isTokenFile,
  loadSplit,
  matches,
  readManifest,
  TOKEN_CACHE_FORMAT,
  TOKEN_CACHE_FORMAT_NAME,
  type PreparedSplit,
  type TokenManifest,
} from './token-cache.js';

export { isPrepared, TOKEN_CACHE_FORMAT, TOKEN_CACHE_FORMAT_NAME, type PreparedSplit, type TokenManifest } from './token-cache.js';

export interface PreparedTokens {
  /** Folder holding manifest.json, `<split>.bin` and `<split>.docs.json`. */
  dir: string;
  manifest: TokenManifest;
  /** True when the cache was reused (hashes matched), false when tokenized now. */
  fromCache: boolean;
  tokenizer: Tokenizer;
  splits: Record<SplitName, PreparedSplit>;
  /** UTF-8 bytes per token over all splits. */
  bytesPerToken: number;
}

export interface PrepareOptions {
  /** Corpus or its spec (default `'brown'`). */
  corpus?: Corpus | CorpusSpec;
  /** Tokenizer or its spec (default `'byte'`). */
  tokenizer?: Tokenizer | string;
  split?: SplitSpec;
  /** Exact output folder; default `<cacheDirectory()>/tokens/<key>` where key hashes tokenizer, corpus and split. */
  dir?: string;
  /** Tokenize again even when a matching cache exists. */
  force?: boolean;
  onProgress?: ProgressCallback;
}

function dtypeFor(vocabSize: number): 'uint16' | 'uint32' {
  return vocabSize <= 65536 ? 'uint16' : 'uint32';
}

function isCorpus(value: unknown): value is Corpus {
  return typeof value === 'object' && value !== null && typeof (value as Corpus).documents === 'function';
}

function result(
  dir: string,
  manifest: TokenManifest,
  fromCache: boolean,
  tokenizer: Tokenizer,
  splits: Record<SplitName, PreparedSplit>,
): PreparedTokens {
  let bytes = 0;
  let tokens = 0;
  for (const name of SPLIT_NAMES) {
    bytes += splits[name].bytes;
    tokens += splits[name].tokenCount;
  }
  return { dir, manifest, fromCache, tokenizer, splits, bytesPerToken: tokens > 0 ? bytes / tokens : 0 };
}

/**
 * Tokenize a corpus once into per-split binary files (Uint16 when the vocabulary has at most 65,536
 * ids, else Uint32, little-endian) plus `manifest.json`; later calls reuse the files only when the
 * tokenizer hash, corpus hash, split spec and format all match. Writes go to a temporary folder
 * that is renamed into place, so a crash never leaves a half-written cache.
 */
export async function prepareTokens(options: PrepareOptions = {}): Promise<PreparedTokens> {
  if (endianness() !== 'LE') throw new DataError('token cache: only little-endian machines are supported');
  const corpus = isCorpus(options.corpus) ? options.corpus : await loadCorpus(options.corpus ?? 'brown');
  const tokenizer = typeof options.tokenizer === 'object' ? options.tokenizer : await loadTokenizer(options.tokenizer ?? 'byte');
  const split = normalizeSplit(options.split);
  const corpusHash = await corpus.fingerprint();
  const key = sha256(JSON.stringify([TOKEN_CACHE_FORMAT, tokenizer.hash, corpusHash, split])).slice(0, 24);
  const dir = options.dir ?? join(cacheDirectory(), 'tokens', key);
  checkOutputFolder(dir, 'token folder');
  // Temp folders of earlier runs that were killed (kill -9) are removed, never those of live processes.
  removeStaleTemps(dir, isTokenFile);
  const existing = await readManifest(dir);
  if (!options.force && matches(existing, tokenizer.hash, corpusHash, split)) {
    try {
      const splits = {} as Record<SplitName, PreparedSplit>;
      for (const name of SPLIT_NAMES) splits[name] = await loadSplit(dir, name, existing);
      return result(dir, existing, true, tokenizer, splits);
    } catch {
      // A damaged cache is rebuilt below.
    }
  }
  // Never delete a folder that is not a token cache scalewise wrote (e.g. a mistyped --out).
  const entries = await readdir(dir).catch(() => null);
  if (entries !== null && entries.length > 0 && !isOwnTokenFolder(entries, existing)) {
    throw new DataInputError(
      `token folder '${dir}' exists and is not a token folder written by scalewise (files other than manifest.json and ` +
        `<split>.bin/.docs.json, or no '${TOKEN_CACHE_FORMAT_NAME}' manifest); refusing to replace it`,
    );
  }
  const dtype = dtypeFor(tokenizer.vocabSize);
  const tmp = tempFolderName(dir);
  // Parents created here (like mkdir -p) are removed again when preparing fails, so bad input leaves nothing.
  const createdRoot = await mkdir(tmp, { recursive: true });
  let writers: Record<SplitName, ReturnType<typeof createWriteStream>> | undefined;
  try {
    writers = Object.fromEntries(SPLIT_NAMES.map((name) => [name, createWriteStream(join(tmp, `${name}.bin`))])) as Record<
      SplitName,
      ReturnType<typeof createWriteStream>
    >;
    const docs = Object.fromEntries(
      SPLIT_NAMES.map((name) => [name, { ids: [] as string[], tokens: [] as number[], bytes: [] as number[], words: [] as number[] }]),
    ) as Record<SplitName, { ids: string[]; tokens: number[]; bytes: number[]; words: number[] }>;
    const seen = new Set<string>();
    let done = 0;
    for await (const doc of corpus.documents(options.onProgress)) {
      if (seen.has(doc.id))
        throw new DataInputError(`corpus ${corpus.name}: document id '${doc.id}' occurs twice; ids must be unique for splits`);
      seen.add(doc.id);
      const name = documentSplit(doc, split);
      const ids = tokenizer.encode(doc.text);
      for (let i = 0; i < ids.length; i++) {
        if ((ids[i] as number) >= tokenizer.vocabSize)
          throw new DataError(`tokenizer ${tokenizer.name}: id ${ids[i]} >= vocabSize ${tokenizer.vocabSize} in document '${doc.id}'`);
      }
      const typed = dtype === 'uint16' ? Uint16Array.from(ids) : ids;
      const writer = writers[name];
      if (!writer.write(Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength)))
        await new Promise<void>((r) => writer.once('drain', () => r()));
      const d = docs[name];
      d.ids.push(doc.id);
      d.tokens.push(ids.length);
      d.bytes.push(Buffer.byteLength(doc.text));
      d.words.push(countWords(doc.text));
      done += 1;
      // Without a known document count, the corpus's own byte progress ('read') is the progress.
      if (corpus.documentCount !== undefined && done % 50 === 0 && done < corpus.documentCount) {
        options.onProgress?.({ stage: 'tokenize', done, total: corpus.documentCount, unit: 'docs' });
      }
    }
    options.onProgress?.({ stage: 'tokenize', done, total: done, unit: 'docs' });
    for (const name of SPLIT_NAMES) {
      writers[name].end();
      await finished(writers[name]);
    }
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    noText(
      corpus.name,
      done,
      SPLIT_NAMES.reduce((a, name) => a + sum(docs[name].bytes), 0),
    );
    const manifest: TokenManifest = {
      formatName: TOKEN_CACHE_FORMAT_NAME,
      format: TOKEN_CACHE_FORMAT,
      tokenizerHash: tokenizer.hash,
      tokenizerName: tokenizer.name,
      vocabSize: tokenizer.vocabSize,
      corpusHash,
      corpusName: corpus.name,
      split,
      dtype,
      endianness: 'LE',
      createdAt: new Date().toISOString(),
      splits: Object.fromEntries(
        SPLIT_NAMES.map((name) => {
          const d = docs[name];
          return [
            name,
            {
              documents: d.ids.length,
              tokens: sum(d.tokens),
              bytes: sum(d.bytes),
              words: sum(d.words),
              file: `${name}.bin`,
              docsFile: `${name}.docs.json`,
            },
          ];
        }),
      ) as TokenManifest['splits'],
    };
    for (const name of SPLIT_NAMES) await writeFileAtomic(join(tmp, `${name}.docs.json`), JSON.stringify(docs[name]));
    await writeFileAtomic(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // Read back before the swap: another run finishing the same cache may replace the folder at any time after it.
    const splits = {} as Record<SplitName, PreparedSplit>;
    for (const name of SPLIT_NAMES) splits[name] = await loadSplit(tmp, name, manifest);
    // Another run may be finishing the same cache: theirs is kept when it matches (the same tokens; unless forced).
    await swapTokenFolder(tmp, dir, (m) => matches(m, tokenizer.hash, corpusHash, split), !options.force);
    return result(dir, manifest, false, tokenizer, splits);
  } catch (error) {
    for (const writer of Object.values(writers ?? {})) {
      if (!writer.closed) await new Promise<void>((done) => writer.destroy().once('close', () => done()));
    }
    await rm(createdRoot !== undefined && createdRoot !== tmp ? createdRoot : tmp, { recursive: true, force: true });
    throw error;
  }
}
