import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCheckpointFolder } from '@scalewise/models';
import { UsageError, printable } from '../kit.js';

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
  if (names.some((m) => m === ''))
    throw new UsageError(`--models expects comma-separated folders, found an empty entry in '${printable(models)}'`);
  const dirs = names.map((name) => {
    const dir = resolve(cwd, name);
    const info = statSync(dir, { throwIfNoEntry: false });
    if (!info) throw new UsageError(`--models: ${printable(dir)} does not exist`);
    if (!info.isDirectory()) throw new UsageError(`--models: ${printable(dir)} is not a folder (expected a checkpoint folder)`);
    if (!existsSync(join(dir, 'config.json')))
      throw new UsageError(`--models: ${printable(dir)} has no config.json (expected config.json, weights and tokenizer.model)`);
    const onnx = ['onnx/model.onnx', 'model.onnx'].some((f) => existsSync(join(dir, f)));
    if (!isCheckpointFolder(dir) && !onnx)
      throw new UsageError(
        `--models: ${printable(dir)} has no weights (expected pytorch_model.bin, model.safetensors, a sharded *.index.json ` +
          'or onnx/model.onnx)',
      );
    return dir;
  });
  if (new Set(dirs).size !== dirs.length) throw new UsageError(`--models lists a folder twice: '${printable(models)}'`);
  const corpusPath = corpus === undefined || corpus === 'brown' ? 'brown' : resolve(cwd, corpus);
  if (corpusPath !== 'brown' && !existsSync(corpusPath)) throw new UsageError(`--corpus ${printable(corpusPath)} does not exist`);
  return { models: dirs, corpus: corpusPath };
}
