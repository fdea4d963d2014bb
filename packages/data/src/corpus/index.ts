import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DataInputError } from '../errors.js';
import type { Document, ProgressCallback } from '../types.js';
import { brownCategories, brownDirectory, brownDocuments } from './brown.js';
import { listFiles } from './files.js';
import { jsonlDocuments, type JsonlCorpusOptions } from './jsonl.js';
import { parquetDocuments, type ParquetCorpusOptions } from './parquet.js';
import { textDocuments, type TextCorpusOptions } from './text.js';

/** Which corpus to read: `'brown'`, a path (`.jsonl` JSON Lines, `.parquet` parquet, anything else plain text), or an object. */
export type CorpusSpec =
  | string
  | { kind: 'brown' }
  | ({ kind: 'text' } & Omit<TextCorpusOptions, 'onProgress'>)
  | ({ kind: 'jsonl' } & Omit<JsonlCorpusOptions, 'onProgress'>)
  | ({ kind: 'parquet' } & Omit<ParquetCorpusOptions, 'onProgress'>)
  | { kind: 'documents'; name: string; documents: readonly Document[] };

/** A re-readable stream of documents. Iterating it twice reads the source twice. */
export interface Corpus {
  /** `brown`, the path, or the given name. */
  name: string;
  kind: 'brown' | 'text' | 'jsonl' | 'parquet' | 'documents';
  /** Stream the documents (progress in bytes read, where the source has a size). */
  documents(onProgress?: ProgressCallback): AsyncGenerator<Document>;
  [Symbol.asyncIterator](): AsyncGenerator<Document>;
  /**
   * SHA-256 over the corpus kind, its options and the content of every source file (or document).
   * Reads every byte once (fast next to tokenizing), so edits are always detected.
   */
  fingerprint(): Promise<string>;
  /** Number of documents when known without reading (Brown: 500), for progress. */
  documentCount?: number;
}

async function hashFiles(header: string, files: ReadonlyArray<{ path: string; rel: string }>): Promise<string> {
  const hash = createHash('sha256').update(header);
  for (const file of files) {
    hash.update(`\u0000${file.rel}\u0000`);
    for await (const chunk of createReadStream(file.path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

function makeCorpus(
  name: string,
  kind: Corpus['kind'],
  documents: Corpus['documents'],
  fingerprint: () => Promise<string>,
  documentCount?: number,
): Corpus {
  const corpus: Corpus = { name, kind, documents, fingerprint, [Symbol.asyncIterator]: () => documents() };
  if (documentCount !== undefined) corpus.documentCount = documentCount;
  return corpus;
}

async function detectKind(path: string): Promise<'text' | 'jsonl' | 'parquet'> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.parquet')) return 'parquet';
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DataInputError(`corpus: expected 'brown', a file or a folder, found nothing at '${path}'`, { cause: error });
  }
  if (info.isFile()) return 'text';
  const jsonl = await listFiles(path, ['.jsonl', '.ndjson']).catch(() => []);
  const text = await listFiles(path, ['.txt']).catch(() => []);
  const parquet = await listFiles(path, ['.parquet']).catch(() => []);
  if (text.length === 0 && jsonl.length > 0) return 'jsonl';
  if (text.length === 0 && parquet.length > 0) return 'parquet';
  return 'text';
}

/**
 * Open a corpus. `loadCorpus('brown')` is the built-in Brown corpus (500 texts, 15 genres);
 * a path opens plain text (`unit: 'file'`) or JSON Lines (`textField: 'text'`).
 */
export async function loadCorpus(spec: CorpusSpec = 'brown'): Promise<Corpus> {
  if (spec === 'brown' || (typeof spec === 'object' && spec.kind === 'brown')) {
    const dir = brownDirectory();
    return makeCorpus(
      'brown',
      'brown',
      () => brownDocuments(dir),
      async () => {
        const files = (await brownCategories(dir)).map(({ id }) => ({ path: join(dir, id), rel: id }));
        // Bump the version tag whenever parseBrownFile's output changes, so token caches are rebuilt.
        return hashFiles('brown\u0000v1', files);
      },
      500,
    );
  }
  const resolved = typeof spec === 'string' ? { kind: await detectKind(spec), path: spec } : spec;
  if (resolved.kind === 'documents') {
    const docs = resolved.documents;
    return makeCorpus(
      resolved.name,
      'documents',
      async function* () {
        yield* docs;
      },
      async () => {
        const hash = createHash('sha256').update('documents');
        for (const doc of docs) hash.update(`\u0000${doc.id}\u0000${doc.text}`);
        return hash.digest('hex');
      },
      docs.length,
    );
  }
  if (resolved.kind === 'jsonl') {
    const options = resolved as JsonlCorpusOptions & { kind: 'jsonl' };
    const exts = options.extensions ?? ['.jsonl', '.ndjson'];
    return makeCorpus(
      options.path,
      'jsonl',
      (onProgress) => jsonlDocuments({ ...options, ...(onProgress ? { onProgress } : {}) }),
      async () => hashFiles(`jsonl\u0000${options.textField ?? 'text'}\u0000${options.idField ?? ''}`, await listFiles(options.path, exts)),
    );
  }
  if (resolved.kind === 'parquet') {
    const options = resolved as ParquetCorpusOptions & { kind: 'parquet' };
    return makeCorpus(
      options.path,
      'parquet',
      (onProgress) => parquetDocuments({ ...options, ...(onProgress ? { onProgress } : {}) }),
      async () =>
        hashFiles(
          `parquet\u0000${options.textField ?? 'text'}\u0000${options.idField ?? ''}\u0000${(options.metaFields ?? []).join(',')}`,
          await listFiles(options.path, ['.parquet']),
        ),
    );
  }
  const options = resolved as TextCorpusOptions & { kind: 'text' };
  const exts = options.extensions ?? ['.txt'];
  return makeCorpus(
    options.path,
    'text',
    (onProgress) => textDocuments({ ...options, ...(onProgress ? { onProgress } : {}) }),
    async () =>
      hashFiles(`text\u0000${options.unit ?? 'file'}\u0000${options.maxDocumentBytes ?? ''}`, await listFiles(options.path, exts)),
  );
}
