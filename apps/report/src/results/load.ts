import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { ReportInputError } from '../errors.js';
import type { Cell } from '../types.js';
import { parseCsv } from './csv.js';

/** One table found in a results directory. */
export interface ResultsTable {
  /** Path relative to the results directory, plus `#key` for a table inside a JSON object. */
  source: string;
  columns: string[];
  rows: Array<Record<string, Cell>>;
}

/** Everything read from a results directory. */
export interface LoadedResults {
  dir: string;
  tables: ResultsTable[];
  /** Contents of `config.json` when present (shown as the report's configuration). */
  config?: Record<string, unknown>;
  /** Files that looked like results but could not be used, with the reason. */
  skipped: Array<{ file: string; reason: string }>;
}

const EXTENSIONS = new Set(['.csv', '.json', '.jsonl', '.ndjson']);
const SKIP_DIRS = new Set(['node_modules', 'figures', 'checkpoints', 'dist']);
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_DEPTH = 3;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Flatten nested objects to dotted keys (`{pp: {mean: 1}}` → `pp.mean`); arrays become JSON text. */
export function flattenRecord(value: Record<string, unknown>, prefix = ''): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v)) Object.assign(out, flattenRecord(v, key));
    else if (Array.isArray(v)) out[key] = JSON.stringify(v).slice(0, 80);
    else if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
  }
  return out;
}

function tableOf(source: string, records: Record<string, unknown>[]): ResultsTable {
  const rows = records.map((r) => flattenRecord(r));
  const columns: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  return { source, columns, rows };
}

/** Tables in a parsed JSON value: an array of objects, or each array-of-objects field of an object, plus its scalars. */
export function tablesFromJson(source: string, value: unknown): ResultsTable[] {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isRecord)) return [tableOf(source, value)];
    throw new ReportInputError(
      `${source}: expected an array of objects, found an array of ${value.length === 0 ? 'nothing' : typeof value[0]}`,
    );
  }
  if (!isRecord(value)) throw new ReportInputError(`${source}: expected a JSON object or an array of objects, found ${typeof value}`);
  const tables: ResultsTable[] = [];
  const scalars: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length > 0 && v.every(isRecord)) tables.push(tableOf(`${source}#${key}`, v));
    else scalars[key] = v;
  }
  const flat = flattenRecord(scalars);
  if (Object.keys(flat).length > 0) {
    // A lone object is one result row (e.g. one bench run); shown as a single-row table.
    tables.unshift({ source, columns: Object.keys(flat), rows: [flat] });
  }
  if (tables.length === 0) throw new ReportInputError(`${source}: found no values to tabulate`);
  return tables;
}

function parseJsonl(text: string, source: string): ResultsTable {
  const records: Record<string, unknown>[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (error) {
      throw new ReportInputError(`${source}: line ${i + 1} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    if (!isRecord(v))
      throw new ReportInputError(`${source}: line ${i + 1} must be a JSON object, found ${Array.isArray(v) ? 'an array' : typeof v}`);
    records.push(v);
  });
  if (records.length === 0) throw new ReportInputError(`${source}: no JSON lines found`);
  return tableOf(source, records);
}

/** Parse one results file's text by extension. */
export function parseResultsFile(source: string, text: string): ResultsTable[] {
  const ext = extname(source).toLowerCase();
  if (ext === '.csv') {
    const t = parseCsv(text, source);
    if (t.rows.length === 0) throw new ReportInputError(`${source}: header only, no data rows`);
    return [{ source, ...t }];
  }
  if (ext === '.jsonl' || ext === '.ndjson') return [parseJsonl(text, source)];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReportInputError(`${source}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return tablesFromJson(source, value);
}

async function listFiles(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory() && depth < MAX_DEPTH && !SKIP_DIRS.has(e.name)) out.push(...(await listFiles(path, depth + 1)));
    else if (e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase()) && !e.name.endsWith('.tmp')) out.push(path);
  }
  return out;
}

/**
 * Read every `*.csv`, `*.json` and `*.jsonl` under `dir` (three levels deep, hidden folders,
 * `figures/` and `checkpoints/` skipped) into tables. Files that fail to parse are listed in
 * `skipped` with the reason; a missing directory or one with no usable results is a ReportInputError.
 */
export async function loadResultsDir(dir: string): Promise<LoadedResults> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    throw new ReportInputError(`results directory '${dir}' does not exist`, { cause: error });
  }
  if (!info.isDirectory())
    throw new ReportInputError(`'${dir}' is not a directory; expected a results directory with *.csv, *.json or *.jsonl files`);
  const out: LoadedResults = { dir, tables: [], skipped: [] };
  for (const path of await listFiles(dir, 0)) {
    const source = relative(dir, path);
    const size = (await stat(path)).size;
    if (size > MAX_BYTES) {
      out.skipped.push({ file: source, reason: `${(size / 1e6).toFixed(0)} MB is larger than the ${MAX_BYTES / 1024 / 1024} MiB limit` });
      continue;
    }
    try {
      const text = await readFile(path, 'utf8');
      if (basename(path) === 'config.json' && out.config === undefined) {
        const v: unknown = JSON.parse(text);
        if (isRecord(v)) {
          out.config = v;
          continue;
        }
      }
      out.tables.push(...parseResultsFile(source, text));
    } catch (error) {
      out.skipped.push({ file: source, reason: (error as Error).message });
    }
  }
  if (out.tables.length === 0) {
    const why = out.skipped.length > 0 ? `; unusable: ${out.skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}` : '';
    throw new ReportInputError(`no results found in '${dir}': expected *.csv, *.json or *.jsonl files with rows of results${why}`);
  }
  return out;
}
