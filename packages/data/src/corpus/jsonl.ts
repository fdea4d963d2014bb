import { DataInputError } from '../errors.js';
import type { Document, ProgressCallback } from '../types.js';
import { listFiles } from './files.js';
import { readLines } from './lines.js';

export interface JsonlCorpusOptions {
  /** A `.jsonl` file or a folder of them. */
  path: string;
  /** Field holding the text (default `text`); a dotted path such as `doc.body` reaches nested objects. */
  textField?: string;
  /** Field holding a stable id; without it the id is `FILE:LINE`. */
  idField?: string;
  extensions?: readonly string[];
  onProgress?: ProgressCallback;
}

function getField(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Stream documents from JSON Lines files; errors name the file, the line and the field. */
export async function* jsonlDocuments(options: JsonlCorpusOptions): AsyncGenerator<Document> {
  const textField = options.textField ?? 'text';
  const files = await listFiles(options.path, options.extensions ?? ['.jsonl', '.ndjson']);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let before = 0;
  for (const file of files) {
    for await (const line of readLines(file.path)) {
      if (line.text.trim() === '') continue;
      const where = `${file.path} line ${line.number}`;
      let record: unknown;
      try {
        record = JSON.parse(line.text);
      } catch (error) {
        throw new DataInputError(`${where}: expected one JSON object per line, found invalid JSON (${(error as Error).message})`, {
          cause: error,
        });
      }
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw new DataInputError(`${where}: expected a JSON object, found ${Array.isArray(record) ? 'an array' : typeof record}`);
      }
      const text = getField(record, textField);
      if (typeof text !== 'string') {
        const keys = Object.keys(record).slice(0, 10).join(', ');
        throw new DataInputError(
          `${where}: expected a string field '${textField}', found ${text === undefined ? `no such field (fields: ${keys})` : typeof text}`,
        );
      }
      let id = `${file.rel}:${line.number}`;
      if (options.idField !== undefined) {
        const raw = getField(record, options.idField);
        if (typeof raw !== 'string' && typeof raw !== 'number') {
          throw new DataInputError(
            `${where}: expected a string or number id field '${options.idField}', found ` +
              `${raw === undefined ? 'no such field' : typeof raw}`,
          );
        }
        id = String(raw);
      }
      const meta: Record<string, string> = { source: file.rel };
      for (const [key, value] of Object.entries(record)) {
        if (key !== textField && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
          meta[key] = String(value);
      }
      yield { id, text, meta };
      if ((line.number & 0x3fff) === 0) options.onProgress?.({ stage: 'read', done: before + line.bytesRead, total, unit: 'B' });
    }
    before += file.size;
    options.onProgress?.({ stage: 'read', done: before, total, unit: 'B' });
  }
}
