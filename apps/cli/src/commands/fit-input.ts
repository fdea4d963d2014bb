/**
 * Reading a results table for `scalewise fit`: CSV or JSON rows → the needed numeric columns, checked. CSV is
 * streamed into one Float64Array per needed column, so a 10⁷-row file costs ~16 bytes per row, not a string per cell.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LawsInputError, numericColumn, type Table } from '@scalewise/laws';
import { CsvColumnReader } from '@scalewise/laws/internals';
import { UsageError } from '../kit.js';

/** Files larger than this report reading progress. */
const PROGRESS_BYTES = 32 * 1024 * 1024;

export interface ReadProgress {
  (doneMb: number, totalMb: number): void;
}

function cannotRead(display: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'error');
  return new UsageError(`${display}: cannot read the file (${why})`, { cause: error });
}

/**
 * Read the `names` columns of FILE: `.json` (or text starting with `[`/`{`) as an array of row objects, otherwise
 * CSV. Every cell must be a decimal number; `positive` columns must be > 0 (log-space fits).
 */
export async function readColumns(
  path: string,
  display: string,
  names: readonly string[],
  positive: boolean,
  onProgress?: ReadProgress,
): Promise<Record<string, Float64Array>> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
    size = st.size;
  } catch (error) {
    throw cannotRead(display, error);
  }
  const unique = [...new Set(names)];
  const columns = await readStream(path, display, unique, size, onProgress);
  if (positive) {
    for (const name of unique) {
      const col = columns[name]!;
      for (let i = 0; i < col.length; i++) {
        if (!(col[i]! > 0))
          throw new LawsInputError(
            `${display}: row ${i + 1}, column '${name}': expected a positive number for a log-space fit, found ${col[i]}`,
          );
      }
    }
  }
  return columns;
}

async function readStream(
  path: string,
  display: string,
  names: readonly string[],
  size: number,
  onProgress?: ReadProgress,
): Promise<Record<string, Float64Array>> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let csv: CsvColumnReader | null = null;
  let json: string[] | null = null;
  let read = 0;
  const totalMb = size / 1e6;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (csv === null && json === null) {
        if (chunk.includes('\u0000')) throw new LawsInputError(`${display}: not a text table (the file contains NUL bytes; binary data?)`);
        const head = chunk.replace(/^\ufeff/, '').trimStart();
        if (path.toLowerCase().endsWith('.json') || head.startsWith('[') || head.startsWith('{')) json = [];
        else csv = new CsvColumnReader(display, names);
      }
      if (json) json.push(chunk);
      else csv!.push(chunk);
      read += Buffer.byteLength(chunk, 'utf8');
      if (size > PROGRESS_BYTES) onProgress?.(read / 1e6, totalMb);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw cannotRead(display, error);
    throw error;
  } finally {
    stream.destroy();
  }
  if (json) {
    const table = jsonTable(json.join(''), display);
    return Object.fromEntries(names.map((name) => [name, numericColumn(table, name, display)]));
  }
  if (!csv) throw new LawsInputError(`${display}: empty file, expected a header row`);
  return csv.end().columns;
}

function jsonTable(text: string, display: string): Table {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw new LawsInputError(`${display}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const rows = Array.isArray(data) ? data : data !== null && typeof data === 'object' ? (data as { rows?: unknown }).rows : undefined;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new LawsInputError(`${display}: expected a non-empty JSON array of row objects (or {"rows": [...]})`);
  }
  const header: string[] = [];
  const seen = new Set<string>();
  rows.forEach((r, k) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new LawsInputError(`${display}: row ${k + 1} is not an object`);
    for (const key of Object.keys(r))
      if (!seen.has(key)) {
        seen.add(key);
        header.push(key);
      }
  });
  return {
    header,
    rows: rows.map((r: Record<string, unknown>) =>
      header.map((h) => {
        const v = r[h];
        return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
      }),
    ),
  };
}
