import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EvalInputError } from '../errors.js';

/** The files of a model given as a folder (HF layout) or as a single `.onnx` file. */
export interface ModelFiles {
  /** The ONNX graph. */
  onnxPath: string;
  /** The model folder (with config.json and tokenizer files), when there is one. */
  folder?: string;
  /** Parsed config.json, when present. */
  config?: Record<string, unknown>;
  /** Bytes of the graph plus its external data files. */
  modelBytes: number;
}

const CANDIDATES = ['onnx/model.onnx', 'model.onnx'];

function externalDataBytes(onnxPath: string): number {
  const dir = dirname(onnxPath);
  const stem = basename(onnxPath);
  // ORT/optimum name external data `<model>.onnx_data` or `<model>.onnx.data`; count both conventions.
  return readdirSync(dir)
    .filter((f) => f !== stem && f.startsWith(stem) && /(_data|\.data)$/.test(f))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** Locate the ONNX graph and config of a model path; throws EvalInputError naming what is missing. */
export function resolveModelFiles(path: string): ModelFiles {
  if (!existsSync(path)) throw new EvalInputError(`model path '${path}' does not exist`);
  let onnxPath: string;
  let folder: string | undefined;
  if (statSync(path).isDirectory()) {
    const found = CANDIDATES.map((c) => join(path, c)).find((p) => existsSync(p));
    if (!found) throw new EvalInputError(`model folder '${path}' has no ONNX graph: expected ${CANDIDATES.join(' or ')}`);
    onnxPath = found;
    folder = path;
  } else {
    if (!path.endsWith('.onnx')) throw new EvalInputError(`model path '${path}' must be a folder or a .onnx file`);
    onnxPath = path;
    const parent = dirname(path);
    const up = basename(parent) === 'onnx' ? dirname(parent) : parent;
    if (existsSync(join(up, 'config.json'))) folder = up;
  }
  let config: Record<string, unknown> | undefined;
  if (folder && existsSync(join(folder, 'config.json'))) {
    const file = join(folder, 'config.json');
    try {
      config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new EvalInputError(`model config '${file}' is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  const modelBytes = statSync(onnxPath).size + externalDataBytes(onnxPath);
  return { onnxPath, ...(folder ? { folder } : {}), ...(config ? { config } : {}), modelBytes };
}

/** An integer field of config.json, or undefined. */
export function configInt(config: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = config?.[key];
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}
