import { open, readFile } from 'node:fs/promises';
import { decodeUtf8Strict } from '../utf8.js';
import type { Document, ProgressCallback } from '../types.js';
import { listFiles } from './files.js';
import { readLines } from './lines.js';

/** How a text file is cut into documents. */
export type TextUnit = 'file' | 'paragraph' | 'line';

export interface TextCorpusOptions {
  /** A `.txt` file or a folder searched recursively. */
  path: string;
  /**
   * `file` (default): one document per file; files larger than `maxDocumentBytes` are streamed and cut
   * at line breaks into parts `rel#0`, `rel#1`, .... `paragraph`: blank-line separated blocks, id
   * `rel:LINE`. `line`: each non-empty line, id `rel:LINE` (LINE = 1-based first line).
   */
  unit?: TextUnit;
  /** File name endings included from folders (default `.txt`). */
  extensions?: readonly string[];
  /** Largest document in `file` mode before a file is cut into parts (default 16 MiB). */
  maxDocumentBytes?: number;
  onProgress?: ProgressCallback;
}

async function lastByte(path: string): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return undefined;
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, size - 1);
    return buf[0];
  } finally {
    await handle.close();
  }
}

/** Stream documents from plain-text files; only `file` mode on small files reads a file whole. */
export async function* textDocuments(options: TextCorpusOptions): AsyncGenerator<Document> {
  const unit = options.unit ?? 'file';
  const maxBytes = options.maxDocumentBytes ?? 16 * 1024 * 1024;
  const files = await listFiles(options.path, options.extensions ?? ['.txt']);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let before = 0;
  const progress = (inFile: number): void => options.onProgress?.({ stage: 'read', done: before + inFile, total, unit: 'B' });
  for (const file of files) {
    const meta = { source: file.rel };
    if (unit === 'file' && file.size <= maxBytes) {
      yield { id: file.rel, text: decodeUtf8Strict(await readFile(file.path), file.path), meta };
    } else if (unit === 'file') {
      let part = 0;
      let lines: string[] = [];
      let bytes = 0;
      for await (const line of readLines(file.path)) {
        const size = Buffer.byteLength(line.text) + 1;
        if (bytes + size > maxBytes && lines.length > 0) {
          yield { id: `${file.rel}#${part++}`, text: `${lines.join('\n')}\n`, meta };
          lines = [];
          bytes = 0;
          progress(line.bytesRead);
        }
        lines.push(line.text);
        bytes += size;
      }
      // readLines drops the final line break; restore it so parts concatenate to the exact file.
      if (lines.length > 0)
        yield { id: `${file.rel}#${part}`, text: lines.join('\n') + ((await lastByte(file.path)) === 0x0a ? '\n' : ''), meta };
    } else {
      let block: string[] = [];
      let first = 0;
      for await (const line of readLines(file.path)) {
        const blank = line.text.trim() === '';
        if (unit === 'line') {
          if (!blank) yield { id: `${file.rel}:${line.number}`, text: line.text, meta };
        } else if (blank) {
          if (block.length > 0) yield { id: `${file.rel}:${first}`, text: block.join('\n'), meta };
          block = [];
        } else {
          if (block.length === 0) first = line.number;
          block.push(line.text);
        }
        if ((line.number & 0xffff) === 0) progress(line.bytesRead);
      }
      if (block.length > 0) yield { id: `${file.rel}:${first}`, text: block.join('\n'), meta };
    }
    before += file.size;
    progress(0);
  }
}
