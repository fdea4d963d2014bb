/**
 * Reading what a finished training run left in its folder: `result.json`, checked field by field (numbers
 * finite, the model config valid) instead of cast, so a damaged or foreign file fails with its name and field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig, type ModelConfig } from '@scalewise/models';
import { z } from 'zod';
import { TrainInputError } from './errors.js';
import type { TrainResult } from './trainer.js';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const count = z.number().int().nonnegative();

const resultSchema = z.object({
  model: z.string().min(1),
  params_total: count,
  params_non_embedding: count,
  tokens: count,
  flops: finite,
  flops_6nd: finite,
  steps: count,
  final_train_loss: finite,
  val_loss: finite,
  val_bpb: finite,
  wall_s: finite,
  tokens_per_s: finite,
  peak_gflops: finite,
  peak_source: z.string(),
  mfu: finite,
  interrupted: z.boolean(),
  engine: z.string(),
  seed: z.number().int(),
  manifest_hash: z.string(),
  code_version: z.string(),
  checkpoint: z.string().min(1).nullable(),
  config: z.looseObject({
    model: z.looseObject({ name: z.string() }),
    data: z.looseObject({ tokenizer: z.string().min(1) }),
  }),
});

/** The `result.json` of a run folder, validated; throws TrainInputError naming the file and the first bad field. */
export function readRunResult(dir: string): TrainResult {
  const file = join(dir, 'result.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrainInputError(
      `${file}: cannot read the run's result (${code === 'ENOENT' ? 'no such file: the run has not finished' : (code ?? 'error')})`,
      { cause: error },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TrainInputError(`${file}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = resultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TrainInputError(`${file}: field '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }
  try {
    validateConfig(parsed.data.config.model as unknown as ModelConfig);
  } catch (error) {
    throw new TrainInputError(`${file}: field 'config.model': ${(error as Error).message}`, { cause: error });
  }
  return parsed.data as unknown as TrainResult;
}
