import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configFromModelFolder, fromHfConfig, isCheckpointFolder, parseConfigJson } from '@scalewise/models';
import { UsageError } from '../kit.js';

/** What stage 1 measures instead of the shipped table. */
export interface StudyMeasure {
  /** Absolute checkpoint (or ONNX model) folders. */
  models: string[];
  /** `brown` or an absolute corpus path. */
  corpus: string;
}

/** `--models DIR,... [--corpus FILE]`, every folder checked before any stage runs (exit 2 names the folder). */
export function modelsFlags(models: string | undefined, corpus: string | undefined, cwd: string): StudyMeasure | undefined {
  if (models === undefined) {
    if (corpus !== undefined) throw new UsageError('--corpus applies to --models DIR,... (the corpus their perplexity is measured on)');
    return undefined;
  }
  const names = models.split(',').map((m) => m.trim());
  if (names.some((m) => m === '')) throw new UsageError(`--models expects comma-separated folders, found an empty entry in '${models}'`);
  const dirs = names.map((name) => {
    const dir = resolve(cwd, name);
    const info = statSync(dir, { throwIfNoEntry: false });
    if (!info) throw new UsageError(`--models: ${dir} does not exist`);
    if (!info.isDirectory()) throw new UsageError(`--models: ${dir} is not a folder (expected a checkpoint folder)`);
    if (!existsSync(join(dir, 'config.json')))
      throw new UsageError(`--models: ${dir} has no config.json (expected config.json, weights and tokenizer.model)`);
    const onnx = ['onnx/model.onnx', 'model.onnx'].some((f) => existsSync(join(dir, f)));
    if (!isCheckpointFolder(dir) && !onnx)
      throw new UsageError(
        `--models: ${dir} has no weights (expected pytorch_model.bin, model.safetensors, a sharded *.index.json ` + 'or onnx/model.onnx)',
      );
    if (!['tokenizer.model', 'tokenizer.json'].some((f) => existsSync(join(dir, f))))
      throw new UsageError(`--models: ${dir} has no tokenizer (expected tokenizer.model or tokenizer.json)`);
    checkConfig(dir, !onnx);
    return dir;
  });
  if (new Set(dirs).size !== dirs.length) throw new UsageError(`--models lists a folder twice: '${models}'`);
  const corpusPath = corpus === undefined || corpus === 'brown' ? 'brown' : resolve(cwd, corpus);
  if (corpusPath !== 'brown' && !existsSync(corpusPath)) throw new UsageError(`--corpus ${corpusPath} does not exist`);
  return { models: dirs, corpus: corpusPath };
}

/** config.json read now, so a broken one is refused before stage 1 starts (the message names the file and field). */
function checkConfig(dir: string, checkpoint: boolean): void {
  const file = join(dir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--models: ${file} is not readable JSON (${(error as Error).message})`);
  }
  try {
    if (checkpoint) fromHfConfig(json, file);
    else parseConfigJson(configFromModelFolder(json as Record<string, unknown>), file);
  } catch (error) {
    throw new UsageError(`--models: ${(error as Error).message}`);
  }
}
