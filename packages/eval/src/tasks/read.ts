import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { EvalInputError } from '../errors.js';
import { ADAPTERS, type McItem, type TaskAdapter } from './adapters.js';

/** A task ready to score. */
export interface LoadedTask {
  name: string;
  adapter: TaskAdapter;
  path: string;
  items: McItem[];
}

/** Rows with where each came from: `line N` for JSON Lines, `row N` for parquet. */
async function readRows(path: string): Promise<Array<{ row: Record<string, unknown>; at: string }>> {
  if (!existsSync(path)) throw new EvalInputError(`task file '${path}' does not exist`);
  if (!statSync(path).isFile()) throw new EvalInputError(`task file '${path}' is not a file`);
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet') {
    const { asyncBufferFromFile, parquetReadObjects } = await import('hyparquet');
    try {
      const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Array<Record<string, unknown>>;
      return rows.map((row, i) => ({ row, at: `row ${i + 1}` }));
    } catch (cause) {
      throw new EvalInputError(`task file '${path}' is not readable parquet: ${(cause as Error).message}`, { cause });
    }
  }
  const rows: Array<{ row: Record<string, unknown>; at: string }> = [];
  const text = await readFile(path, 'utf8');
  if (text.includes('\u0000')) throw new EvalInputError(`task file '${path}' is binary (NUL bytes); expected JSON Lines or parquet`);
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (cause) {
      throw new EvalInputError(`task file '${path}' line ${i + 1}: not valid JSON (${(cause as Error).message})`, { cause });
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new EvalInputError(`task file '${path}' line ${i + 1}: expected a JSON object`);
    rows.push({ row: row as Record<string, unknown>, at: `line ${i + 1}` });
  });
  return rows;
}

/**
 * Parse a task spec `[format=]PATH`: `arc_easy=ARC-Easy-test.jsonl` uses the ARC adapter, a bare path
 * the generic format (task name = file stem). Formats: generic, arc_easy, arc_challenge, piqa, hellaswag,
 * winogrande, boolq, openbookqa, social_iqa. Files are JSONL (one object per line) or parquet.
 */
export async function loadTask(spec: string, limit?: number): Promise<LoadedTask> {
  const eq = spec.indexOf('=');
  const format = eq > 0 ? spec.slice(0, eq) : 'generic';
  const path = eq > 0 ? spec.slice(eq + 1) : spec;
  const adapter = ADAPTERS[format];
  if (!adapter) throw new EvalInputError(`task '${spec}': unknown format '${format}'; known: ${Object.keys(ADAPTERS).join(', ')}`);
  if (path.trim() === '') throw new EvalInputError(`task '${spec}': no file after '${format}='`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new EvalInputError(`limit must be a positive integer number of questions, found ${limit}`);
  const rows = await readRows(path);
  if (rows.length === 0) throw new EvalInputError(`task file '${path}' has no rows`);
  const used = limit !== undefined ? rows.slice(0, limit) : rows;
  const items = used.map(({ row, at }, i) => adapter.toItem(row, i, `task file '${path}' ${at}`));
  const name = format === 'generic' ? basename(path).replace(/\.(jsonl|json|parquet)$/i, '') : format;
  return { name, adapter, path, items };
}
