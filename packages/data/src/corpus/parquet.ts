import * as zlib from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { DataInputError } from '../errors.js';
import type { Document, ProgressCallback } from '../types.js';
import { listFiles } from './files.js';

export interface ParquetCorpusOptions {
  /** A `.parquet` file or a folder of them (e.g. a Hugging Face dataset downloaded earlier). */
  path: string;
  /** Column holding the text (default `text`). */
  textField?: string;
  /** Column holding a stable id; without it the id is `FILE:ROW` (0-based row). */
  idField?: string;
  /** Scalar columns copied into `meta` (default none). */
  metaFields?: readonly string[];
  onProgress?: ProgressCallback;
}

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

// hyparquet decodes SNAPPY itself; node:zlib covers the other codecs Node has built in.
function compressors(): Record<string, Decompress> {
  const out: Record<string, Decompress> = {
    GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
    BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  };
  const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
  if (zstd) out.ZSTD = (input) => new Uint8Array(zstd(input));
  return out;
}

/**
 * Stream documents from local parquet files, one row group at a time (memory stays bounded by the
 * largest row group). Codecs: uncompressed, SNAPPY, GZIP, BROTLI, and ZSTD where Node has it (22.15+).
 */
export async function* parquetDocuments(options: ParquetCorpusOptions): AsyncGenerator<Document> {
  const textField = options.textField ?? 'text';
  const files = await listFiles(options.path, ['.parquet']);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let before = 0;
  for (const file of files) {
    const buffer = await asyncBufferFromFile(file.path);
    let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
    try {
      metadata = await parquetMetadataAsync(buffer);
    } catch (error) {
      throw new DataInputError(`${file.path}: not a readable parquet file (${(error as Error).message})`, { cause: error });
    }
    const names = metadata.schema.slice(1).map((s) => s.name);
    for (const column of [textField, ...(options.idField ? [options.idField] : []), ...(options.metaFields ?? [])]) {
      if (!names.includes(column)) throw new DataInputError(`${file.path}: expected a column '${column}', found ${names.join(', ')}`);
    }
    const columns = [...new Set([textField, ...(options.idField ? [options.idField] : []), ...(options.metaFields ?? [])])];
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: Array<Record<string, unknown>>;
      try {
        rows = await parquetReadObjects({ file: buffer, metadata, columns, rowStart, rowEnd, compressors: compressors() });
      } catch (error) {
        throw new DataInputError(`${file.path} rows ${rowStart}..${rowEnd - 1}: could not decode (${(error as Error).message})`, {
          cause: error,
        });
      }
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as Record<string, unknown>;
        const where = `${file.path} row ${rowStart + i}`;
        const text = row[textField];
        if (typeof text !== 'string')
          throw new DataInputError(`${where}: expected a string in column '${textField}', found ${text === null ? 'null' : typeof text}`);
        let id = `${file.rel}:${rowStart + i}`;
        if (options.idField !== undefined) {
          const raw = row[options.idField];
          if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'bigint') {
            throw new DataInputError(
              `${where}: expected a string or number id in column '${options.idField}', found ${raw === null ? 'null' : typeof raw}`,
            );
          }
          id = String(raw);
        }
        const meta: Record<string, string> = { source: file.rel };
        for (const field of options.metaFields ?? []) {
          const value = row[field];
          if (value !== null && value !== undefined && typeof value !== 'object') meta[field] = String(value);
        }
        yield { id, text, meta };
      }
      rowStart = rowEnd;
    }
    before += file.size;
    options.onProgress?.({ stage: 'read', done: before, total, unit: 'B' });
  }
}
