/**
 * One job trained and then validated: the unit every runner shares (a study's runs here, a run pool's worker thread,
 * a queue worker), so they cannot drift apart.
 */
import type { ProgressCallback } from '@scalewise/data';
import { validateRun, type ValidationEstimate } from './doc-validation.js';
import { runTrainingJob, type TrainingJobInput } from './sweep.js';

/** Whole-split validation after training (`validateRun`'s options; engine threads are the trainer's). */
export interface JobValidation {
  resamples?: number;
  seed?: number;
  maxTokens?: number;
  batchSize?: number;
}

/** A trained job, validated when asked and not interrupted. */
export interface TrainedJob {
  row: Awaited<ReturnType<typeof runTrainingJob>>;
  validation?: ValidationEstimate;
}

/** `runTrainingJob`, then (when `validate` is given and the run finished) `validateRun` on its folder, at the same threads. */
export async function trainAndValidate(
  job: TrainingJobInput,
  options: { onProgress?: ProgressCallback; signal?: AbortSignal; threads?: number; validate?: JobValidation } = {},
): Promise<TrainedJob> {
  const { validate, ...trainOptions } = options;
  const threads = options.threads !== undefined ? { threads: options.threads } : {};
  const row = await runTrainingJob(job, trainOptions);
  const validation = validate && !row.interrupted ? await validateRun(job.outDir, { ...validate, ...threads }) : undefined;
  return { row, ...(validation ? { validation } : {}) };
}
