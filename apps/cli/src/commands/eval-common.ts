import { resolve } from 'node:path';
import { loadTokenizer, type Tokenizer } from '@scalewise/data';
import { loadModel, resolveModelFiles, type CausalLM, type LoadOptions } from '@scalewise/eval';
import { UsageError, type CliIO, intFlag } from '../kit.js';
import { mustExist, threadsFlag } from './flag-checks.js';
import { refuseCheckpointFolder } from './onnx-folder.js';

// Flag checks shared by `eval ppl` and `eval tasks` (split from eval.ts to keep files short).

/** Most tokens per window we accept without a model config to say otherwise (a typo guard, not a model limit). */
const MAX_WINDOW = 1 << 20;

export interface Common {
  model: string;
  options: LoadOptions;
  tokenizerSpec: string;
  batchSize: number;
  limit: number | undefined;
  /** The model's positions (config.json max_position_embeddings), when it says. */
  maxPositions: number | undefined;
}

/** Every flag and the model folder checked before any work: exit 2 names the flag or the path. */
export function commonFlags(
  values: { model?: string; tokenizer?: string; backend?: string; threads?: string; 'batch-size'?: string; limit?: string },
  io: CliIO,
): Common {
  if (!values.model) throw new UsageError('--model DIR is required');
  const backend = values.backend ?? 'ort';
  if (backend !== 'ort' && backend !== 'transformers' && backend !== 'wasm')
    throw new UsageError(`--backend must be ort, transformers or wasm, found '${backend}'`);
  const threads = threadsFlag(values.threads);
  const batchSize = intFlag('batch-size', values['batch-size'], { min: 1, max: 4096 }, 1);
  const limit = intFlag('limit', values.limit, { min: 1, max: Number.MAX_SAFE_INTEGER });
  const model = resolve(io.cwd, values.model);
  // The model first: a wrong --model path should be reported as such, not as a missing tokenizer.
  refuseCheckpointFolder('--model', model);
  const files = resolveModelFiles(model);
  const positions = files.config?.max_position_embeddings;
  const maxPositions = typeof positions === 'number' && Number.isInteger(positions) && positions > 0 ? positions : undefined;
  const tokenizerSpec = values.tokenizer === undefined ? model : values.tokenizer === 'byte' ? 'byte' : resolve(io.cwd, values.tokenizer);
  if (tokenizerSpec !== 'byte') mustExist('--tokenizer', tokenizerSpec);
  return { model, options: { backend, ...(threads !== undefined ? { threads } : {}) }, tokenizerSpec, batchSize, limit, maxPositions };
}

/** --max-length: an integer within the model's positions; absent: `fallback`, capped at the positions. */
export function maxLengthFlag(value: string | undefined, fallback: number, maxPositions: number | undefined): number {
  const limit = maxPositions ?? MAX_WINDOW;
  const n = intFlag('max-length', value, { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (n === undefined) return Math.min(fallback, limit);
  if (n > limit) {
    throw new UsageError(
      maxPositions !== undefined
        ? `--max-length ${n} exceeds the model's ${maxPositions} positions (max_position_embeddings in its config.json)`
        : `--max-length ${n} is above ${MAX_WINDOW.toLocaleString('en-US')} tokens`,
    );
  }
  return n;
}

export async function open(c: Common): Promise<{ lm: CausalLM; tokenizer: Tokenizer }> {
  const lm = await loadModel(c.model, c.options);
  try {
    return { lm, tokenizer: await loadTokenizer(c.tokenizerSpec) };
  } catch (error) {
    await lm.dispose();
    throw error;
  }
}

export function fmt(x: number | null, digits = 4): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}
