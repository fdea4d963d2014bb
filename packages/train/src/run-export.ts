/** Exporting a finished run's final checkpoint as an ONNX model folder (`@scalewise/models` writeModelFolder). */
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { byteTokenizerFiles } from '@scalewise/data';
import type { HuggingFaceTokenizerFiles } from '@scalewise/data/internals';
import { loadWeights, writeModelFolder, type ModelFolderResult } from '@scalewise/models';
import { TrainInputError } from './errors.js';
import { readRunResult } from './run-result.js';

/** The checkpoint folder named in result.json; a relative path is tried from the cwd, then inside the run folder. */
function checkpointDir(dir: string, checkpoint: string): string {
  const candidates = isAbsolute(checkpoint) ? [checkpoint] : [resolve(checkpoint), join(dir, 'checkpoints', basename(checkpoint))];
  const found = candidates.find((c) => existsSync(join(c, 'model.safetensors')));
  if (!found) throw new TrainInputError(`${join(dir, 'result.json')}: checkpoint '${checkpoint}' has no model.safetensors`);
  return found;
}

/** Tokenizer files of the run: the built-in byte tokenizer, or the Hugging Face folder it was trained with. */
function tokenizerFiles(dir: string, tokenizer: string): HuggingFaceTokenizerFiles {
  if (tokenizer === 'byte') return byteTokenizerFiles();
  const read = (name: string): Record<string, unknown> => {
    const file = join(tokenizer, name);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new TrainInputError(
        `${join(dir, 'result.json')}: tokenizer '${tokenizer}': cannot read ${name} (${(error as Error).message})`,
        { cause: error },
      );
    }
  };
  return { tokenizerJson: read('tokenizer.json'), tokenizerConfig: read('tokenizer_config.json') };
}

/**
 * Export the final checkpoint of the run in `dir` as an ONNX model folder at `out` (config, tokenizer, model.onnx).
 * Throws TrainInputError when the run has no final checkpoint or its files are missing or invalid.
 */
export async function exportRunToOnnx(dir: string, out: string): Promise<ModelFolderResult> {
  const result = readRunResult(dir);
  if (!result.checkpoint) throw new TrainInputError(`${join(dir, 'result.json')}: run '${result.model}' has no final checkpoint to export`);
  const ckpt = checkpointDir(dir, result.checkpoint);
  const { weights } = loadWeights(join(ckpt, 'model.safetensors'), result.config.model);
  return writeModelFolder(out, { config: result.config.model, weights, tokenizer: tokenizerFiles(dir, result.config.data.tokenizer) });
}
