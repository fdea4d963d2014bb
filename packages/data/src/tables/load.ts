import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { table, type ColumnTable } from 'arquero';
import { DataInputError } from '../errors.js';
import { parseCsv } from './csv.js';
import { isLmEvalResults, lmEvalRows } from './lmeval.js';

/** Expected type, unit and presence of one column. */
export interface ColumnSchema {
  type: 'number' | 'integer' | 'string';
  /** Expected unit; a unit declared by the file (`name [unit]` header, or JSON `units`) must equal it. */
  unit?: string;
  /** Column must exist (default true). */
  required?: boolean;
  /** Empty cells / null allowed (become null); default false. */
  nullable?: boolean;
  /** Smallest allowed value for numbers. */
  min?: number;
  /** Exclusive lower bound, e.g. 0 for counts that must be positive. */
  greaterThan?: number;
}

export interface TableSchema {
  columns: Record<string, ColumnSchema>;
}

/** A loaded results table with the unit of every column that has one. */
export interface ResultsTable {
  table: ColumnTable;
  units: Record<string, string>;
  file: string;
  format: 'csv' | 'json' | 'jsonl' | 'lm-eval';
  rows: number;
}

/** Schema of tables produced by `lmEvalRows`. */
export const LM_EVAL_SCHEMA: TableSchema = {
  columns: {
    model: { type: 'string' },
    task: { type: 'string' },
    metric: { type: 'string' },
    filter: { type: 'string' },
    value: { type: 'number' },
    stderr: { type: 'number', nullable: true, min: 0 },
    unit: { type: 'string' },
  },
};

type Cell = string | number | boolean | null | undefined;
interface RawRows {
  columns: string[];
  units: Record<string, string>;
  rows: Array<{ where: string; values: Record<string, Cell> }>;
}

function normUnit(unit: string): string {
  return unit.trim().toLowerCase().replace(/\s+/g, '');
}

function splitHeader(name: string): { name: string; unit?: string } {
  const m = /^(.*?)\s*\[([^\]]+)\]\s*$/.exec(name);
  return m ? { name: (m[1] as string).trim(), unit: (m[2] as string).trim() } : { name: name.trim() };
}

function fromObjects(objects: unknown[], file: string, what: (i: number) => string, units: Record<string, string>): RawRows {
  const columns: string[] = [];
  const seen = new Set<string>();
  const rows = objects.map((obj, i) => {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      throw new DataInputError(`${file} ${what(i)}: expected an object, found ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`);
    const values: Record<string, Cell> = {};
    for (const [rawKey, value] of Object.entries(obj)) {
      const { name, unit } = splitHeader(rawKey);
      if (unit !== undefined) units[name] ??= unit;
      if (!seen.has(name)) {
        seen.add(name);
        columns.push(name);
      }
      if (value !== null && typeof value === 'object')
        throw new DataInputError(
          `${file} ${what(i)} column '${name}': expected a number, string or boolean, found ` +
            `${Array.isArray(value) ? 'an array' : 'an object'}`,
        );
      values[name] = value as Cell;
    }
    return { where: what(i), values };
  });
  return { columns, units, rows };
}

function check(
  raw: RawRows,
  file: string,
  schema: TableSchema | undefined,
): { data: Record<string, unknown[]>; units: Record<string, string> } {
  const units = { ...raw.units };
  const data: Record<string, unknown[]> = {};
  for (const column of raw.columns) data[column] = [];
  for (const [name, col] of Object.entries(schema?.columns ?? {})) {
    if (!raw.columns.includes(name)) {
      if (col.required ?? true)
        throw new DataInputError(
          `${file}: expected a column '${name}'${col.unit ? ` [${col.unit}]` : ''}, found columns ${raw.columns.join(', ') || '(none)'}`,
        );
      continue;
    }
    if (col.unit !== undefined) {
      const declared = units[name];
      if (declared !== undefined && normUnit(declared) !== normUnit(col.unit))
        throw new DataInputError(`${file} column '${name}': expected unit '${col.unit}', found '${declared}'`);
      units[name] = col.unit;
    }
  }
  for (const row of raw.rows) {
    for (const column of raw.columns) {
      const col = schema?.columns[column];
      let value: Cell = row.values[column];
      const where = `${file} ${row.where} column '${column}'`;
      const empty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
      if (empty) {
        if (col && !col.nullable)
          throw new DataInputError(`${where}: expected ${col.type === 'string' ? 'a string' : 'a number'}, found an empty value`);
        (data[column] as unknown[]).push(null);
        continue;
      }
      if (col?.type === 'number' || col?.type === 'integer') {
        const num = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
        if (!Number.isFinite(num)) throw new DataInputError(`${where}: expected a finite number, found ${JSON.stringify(value)}`);
        if (col.type === 'integer' && !Number.isInteger(num)) throw new DataInputError(`${where}: expected an integer, found ${num}`);
        if (col.min !== undefined && num < col.min) throw new DataInputError(`${where}: expected a value >= ${col.min}, found ${num}`);
        if (col.greaterThan !== undefined && !(num > col.greaterThan))
          throw new DataInputError(`${where}: expected a value > ${col.greaterThan}, found ${num}`);
        value = num;
      } else if (col?.type === 'string') {
        value = String(value);
      } else if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
        value = Number(value); // columns outside the schema: numeric-looking text becomes a number
      }
      (data[column] as unknown[]).push(value);
    }
  }
  return { data, units };
}

/** Parse results text (CSV, JSON array / `{rows, units}`, JSON Lines, or lm-evaluation-harness JSON) and check it against a schema. */
export function parseResults(text: string, file: string, schema?: TableSchema, format?: 'csv' | 'json' | 'jsonl'): ResultsTable {
  const kind = format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'json');
  let raw: RawRows;
  let outFormat: ResultsTable['format'] = kind;
  let effective = schema;
  if (kind === 'csv') {
    const csv = parseCsv(text, file);
    const units: Record<string, string> = {};
    const columns = csv.header.map((h) => {
      const { name, unit } = splitHeader(h);
      if (unit !== undefined) units[name] = unit;
      return name;
    });
    const dup = columns.find((c, i) => columns.indexOf(c) !== i);
    if (dup !== undefined) throw new DataInputError(`${file} line 1: expected unique column names, found '${dup}' twice`);
    raw = {
      columns,
      units,
      rows: csv.rows.map((r) => ({ where: `line ${r.line}`, values: Object.fromEntries(columns.map((c, i) => [c, r.cells[i]])) })),
    };
  } else if (kind === 'jsonl') {
    const objects: unknown[] = [];
    const lines: number[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        objects.push(JSON.parse(line));
        lines.push(i + 1);
      } catch (error) {
        throw new DataInputError(`${file} line ${i + 1}: expected a JSON object, found invalid JSON (${(error as Error).message})`, {
          cause: error,
        });
      }
    });
    raw = fromObjects(objects, file, (i) => `line ${lines[i]}`, {});
  } else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DataInputError(`${file}: expected JSON, found invalid JSON (${(error as Error).message})`, { cause: error });
    }
    if (isLmEvalResults(json)) {
      raw = fromObjects(lmEvalRows(json, file), file, (i) => `result ${i + 1}`, {});
      outFormat = 'lm-eval';
      effective = schema ?? LM_EVAL_SCHEMA;
    } else if (Array.isArray(json)) {
      raw = fromObjects(json, file, (i) => `row ${i + 1}`, {});
    } else if (json !== null && typeof json === 'object' && Array.isArray((json as { rows?: unknown }).rows)) {
      const u = (json as { units?: unknown }).units;
      const units = u !== null && typeof u === 'object' ? Object.fromEntries(Object.entries(u).map(([k, v]) => [k, String(v)])) : {};
      raw = fromObjects((json as { rows: unknown[] }).rows, file, (i) => `row ${i + 1}`, units);
    } else {
      throw new DataInputError(
        `${file}: expected a JSON array of rows, {"rows": [...], "units": {...}} or lm-evaluation-harness results, found ` +
          `${json === null ? 'null' : typeof json}`,
      );
    }
  }
  const { data, units } = check(raw, file, effective);
  return { table: table(data), units, file, format: outFormat, rows: raw.rows.length };
}

/** Load a results file (.csv, .json, .jsonl, lm-evaluation-harness .json) into an arquero table; errors name file, row and column. */
export async function loadResultsTable(path: string, schema?: TableSchema): Promise<ResultsTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataInputError(`results table: expected a readable file at '${path}', found none`, { cause: error });
  }
  const ext = extname(path).toLowerCase();
  const format = ext === '.csv' ? 'csv' : ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.json' ? 'json' : undefined;
  if (format === undefined)
    throw new DataInputError(`results table '${path}': expected a .csv, .json or .jsonl file, found '${ext || 'no extension'}'`);
  return parseResults(text, path, schema, format);
}
