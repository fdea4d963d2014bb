// The on-disk token cache of prepareTokens (prepare.ts): its manifest and format marker, reading a split back,
// and which folders are scalewise's own (so they may be replaced); split from prepare.ts to keep it short.
import { randomInt } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, DataInputError } from '../errors.js';
import { SPLIT_NAMES, type SplitName, type SplitSpec } from '../split.js';

/** Bumped whenever the on-disk layout or its counts change, so old caches are never misread (2: lm-eval word counts). */
export const TOKEN_CACHE_FORMAT = 2;
/** Written into every manifest: only folders carrying it (and only scalewise's files) are ever replaced. */
export const TOKEN_CACHE_FORMAT_NAME = 'scalewise-token-cache';

/** Token ids of one split: documents' tokens back to back, without special tokens, plus per-document counts. */
export interface PreparedSplit {
  name: SplitName;
  /** All documents' token ids concatenated (no BOS/EOS: packing and evaluation add them). */
  tokens: Uint16Array | Uint32Array;
  /** Document d's tokens are `tokens.subarray(docOffsets[d], docOffsets[d + 1])`; length documents + 1. */
  docOffsets: Float64Array;
  docIds: string[];
  /** UTF-8 bytes of each document's text (for bits per byte). */
  docBytes: Float64Array;
  /** Whitespace-separated words of each document (for word perplexity, lm-eval style). */
  docWords: Float64Array;
  documents: number;
  tokenCount: number;
  bytes: number;
  words: number;
}

/** The JSON manifest stored beside the binary token files. */
export interface TokenManifest {
  /** `scalewise-token-cache` (absent in caches written before it was added). */
  formatName?: string;
  format: number;
  tokenizerHash: string;
  tokenizerName: string;
  vocabSize: number;
  corpusHash: string;
  corpusName: string;
  split: SplitSpec;
  dtype: 'uint16' | 'uint32';
  endianness: 'LE';
  createdAt: string;
  splits: Record<SplitName, { documents: number; tokens: number; bytes: number; words: number; file: string; docsFile: string }>;
}

export async function readManifest(dir: string): Promise<TokenManifest | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as TokenManifest;
  } catch {
    return null;
  }
}

export async function loadSplit(dir: string, name: SplitName, manifest: TokenManifest): Promise<PreparedSplit> {
  const info = manifest.splits[name];
  const raw = await readFile(join(dir, info.file));
  const width = manifest.dtype === 'uint16' ? 2 : 4;
  if (raw.length !== info.tokens * width) {
    throw new DataError(
      `token cache ${join(dir, info.file)}: expected ${info.tokens * width} bytes (${info.tokens} tokens), found ${raw.length}`,
    );
  }
  const tokens = manifest.dtype === 'uint16' ? new Uint16Array(info.tokens) : new Uint32Array(info.tokens);
  new Uint8Array(tokens.buffer).set(raw);
  const docs = JSON.parse(await readFile(join(dir, info.docsFile), 'utf8')) as {
    ids: string[];
    tokens: number[];
    bytes: number[];
    words: number[];
  };
  const docOffsets = new Float64Array(docs.ids.length + 1);
  docs.tokens.forEach((n, i) => {
    docOffsets[i + 1] = (docOffsets[i] as number) + n;
  });
  if (docOffsets[docs.ids.length] !== info.tokens)
    throw new DataError(`token cache ${join(dir, info.docsFile)}: document token counts do not add up to ${info.tokens}`);
  return {
    name,
    tokens,
    docOffsets,
    docIds: docs.ids,
    docBytes: Float64Array.from(docs.bytes),
    docWords: Float64Array.from(docs.words),
    documents: info.documents,
    tokenCount: info.tokens,
    bytes: info.bytes,
    words: info.words,
  };
}

// The only entries scalewise writes into a token folder (plus its atomic-write temp files).
export function isTokenFile(name: string): boolean {
  return /^(manifest\.json|(train|validation|test)\.(bin|docs\.json))(\.tmp-\d+-\d+-\d+)?$/.test(name);
}

/**
 * Whether `dir` is a token folder scalewise wrote (so it may be replaced): it holds only scalewise's files and a
 * manifest with scalewise's format name (or, for caches from before the name existed, format 1 with its hashes).
 */
export function isOwnTokenFolder(entries: string[], manifest: TokenManifest | null): boolean {
  if (!entries.every(isTokenFile) || manifest === null || typeof manifest !== 'object') return false;
  if (manifest.formatName === TOKEN_CACHE_FORMAT_NAME) return true;
  return (
    manifest.formatName === undefined &&
    manifest.format === 1 &&
    typeof manifest.tokenizerHash === 'string' &&
    typeof manifest.corpusHash === 'string'
  );
}

export function matches(
  manifest: TokenManifest | null,
  tokenizerHash: string,
  corpusHash: string,
  split: SplitSpec,
): manifest is TokenManifest {
  return (
    manifest !== null &&
    manifest.format === TOKEN_CACHE_FORMAT &&
    manifest.tokenizerHash === tokenizerHash &&
    manifest.corpusHash === corpusHash &&
    JSON.stringify(manifest.split) === JSON.stringify(split)
  );
}

/** Whether a prepared folder exists and is complete (manifest present and files of the recorded sizes). */
export async function isPrepared(dir: string): Promise<boolean> {
  const manifest = await readManifest(dir);
  if (manifest === null) return false;
  const width = manifest.dtype === 'uint16' ? 2 : 4;
  for (const name of SPLIT_NAMES) {
    const info = await stat(join(dir, manifest.splits[name].file)).catch(() => null);
    if (info?.size !== manifest.splits[name].tokens * width) return false;
  }
  return true;
}

/**
 * A temp folder beside `dir`, unique per call and not only per process (run-pool workers are threads of one process
 * that may start the same preparation in the same millisecond). Digits after the pid: removeStaleTemps reads the name.
 */
export function tempFolderName(dir: string): string {
  return `${dir}.tmp-${process.pid}-${Date.now()}${String(randomInt(1e6)).padStart(6, '0')}`;
}

/** Tries of swapTokenFolder when runs swapping the same cache at once move the folder under it. */
const SWAP_TRIES = 5;

/**
 * Move the finished token folder `tmp` to `dir`. The folder there (checked each time: scalewise's own) is renamed aside
 * and removed after, so `dir` is only ever absent or whole for runs preparing the same cache at once. When `dir`
 * holds the same cache (`same`), before the swap with `keepSame`, or after a rename that lost to another run, theirs
 * is kept and `tmp` removed.
 */
export async function swapTokenFolder(
  tmp: string,
  dir: string,
  same: (manifest: TokenManifest | null) => boolean,
  keepSame: boolean,
): Promise<void> {
  for (let tries = 1; ; tries++) {
    const entries = (await readdir(dir).catch(() => null)) ?? [];
    const manifest = entries.length > 0 ? await readManifest(dir) : null;
    if (keepSame && same(manifest)) return rm(tmp, { recursive: true, force: true });
    if (entries.length > 0 && !isOwnTokenFolder(entries, manifest)) {
      // Another run may have swapped it between the two reads: look again before refusing.
      if (tries < SWAP_TRIES) continue;
      throw new DataInputError(
        `token folder '${dir}' changed while preparing and is not a token folder written by scalewise; refusing to replace it`,
      );
    }
    const aside = tempFolderName(dir);
    await rename(dir, aside).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    try {
      await rename(tmp, dir);
      return rm(aside, { recursive: true, force: true });
    } catch (error) {
      await rm(aside, { recursive: true, force: true });
      // Another run put its folder there first: use theirs when it is the same cache, else try again.
      if (same(await readManifest(dir))) return rm(tmp, { recursive: true, force: true });
      if (tries >= SWAP_TRIES) throw error;
    }
  }
}
