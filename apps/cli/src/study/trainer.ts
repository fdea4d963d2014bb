import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  resolveTrainingConfig,
  validateRun,
  type RunPool,
  type SweepRow,
  type TrainedJob,
  type ValidationEstimate,
} from '@scalewise/train';
import { progressOfRun, trainAndValidate, type TrainingJobInput } from '@scalewise/train/internals';
import type { QueueRunner } from '@scalewise/train/queue';
import type { ProgressEvent } from '../progress.js';

/** A trained and validated run of the family study, wherever it was trained. */
export interface TrainedRun {
  row: Pick<SweepRow, 'params_non_embedding' | 'params_total' | 'tokens' | 'flops' | 'final_train_loss' | 'wall_s' | 'engine' | 'model'>;
  steps: number;
  validation: ValidationEstimate;
  /** The run's folder (result.json, final checkpoint) as the trainer wrote it. */
  runDir: string;
}

/** Validation of every run: document bootstrap, seeded; `maxTokens` caps the split (leading documents). */
export interface RunValidationSettings {
  resamples: number;
  seed: number;
  maxTokens?: number;
}

/** Trains and validates one run: here (`localTrainer`) or on queue workers (`queueTrainer`, `scalewise study --queue`). */
export type RunTrainer = (
  run: { id: string; config: Record<string, unknown>; runDir: string },
  validation: RunValidationSettings,
  onProgress: (event: ProgressEvent) => void,
) => Promise<TrainedRun>;

/** The study's record of a run trained (and validated) by `runJob`, wherever that trained it. */
function jobTrainer(
  runJob: (
    job: TrainingJobInput,
    options: { validate: RunValidationSettings; onProgress: (event: ProgressEvent) => void },
  ) => Promise<TrainedJob>,
): RunTrainer {
  return async (run, validation, onProgress) => {
    const job = { id: run.id, config: run.config, outDir: run.runDir };
    // Under its own stage name: two runs side by side must not restart each other's progress clock.
    const { row, validation: v } = await runJob(job, { validate: validation, onProgress: progressOfRun(run.id, onProgress) });
    if (row.interrupted) throw new Error(`training was interrupted in run ${run.id}; re-run the same command to resume`);
    if (!v) throw new Error(`run ${run.id}: it was trained but not validated`);
    return { row, steps: row.result.steps, validation: v, runDir: run.runDir };
  };
}

/** Train in this process, then validate the final checkpoint on the whole validation split. */
export function localTrainer(threads: number | undefined): RunTrainer {
  return jobTrainer((job, options) => trainAndValidate(job, { ...options, ...(threads ? { threads } : {}) }));
}

/** Train and validate on the next free worker thread of `pool` (the same code as `localTrainer`, side by side). */
export function poolTrainer(pool: RunPool): RunTrainer {
  return jobTrainer((job, options) => pool.train(job, options));
}

const sameValidation = (a: RunValidationSettings, b: Partial<RunValidationSettings> | undefined): boolean =>
  b !== undefined && a.resamples === b.resamples && a.seed === b.seed && a.maxTokens === b.maxTokens;

/**
 * Train and validate on a queue worker: the job carries the resolved config (its id is a hash of it and the code
 * version, so a study and a sweep sharing a run share its job) and asks the worker to validate; weights stay in the
 * worker's run folder, which this machine must see (workers' `--artifacts` on a shared filesystem): the throughput
 * stage reads the largest ones, and a run someone else submitted without this validation is validated here.
 */
export function queueTrainer(runner: QueueRunner, options: { threads?: number; queue: string }): RunTrainer {
  return async (run, validation) => {
    const config = resolveTrainingConfig(run.config, { where: `run ${run.id}` });
    const { result } = await runner.run({ id: run.id, config, budget: { tokens: config.tokens }, validate: validation });
    if (!existsSync(path.join(result.run_dir, 'result.json')))
      throw new Error(
        `run ${run.id} was trained in ${result.run_dir}, a folder this machine does not see; a study needs its runs' ` +
          `folders: start the workers with --artifacts DIR on a folder this machine mounts at the same path, clear the ` +
          `finished runs with 'scalewise queue clean --queue ${options.queue}' and run the study again`,
      );
    const v =
      result.validation && sameValidation(validation, result.validated_with)
        ? result.validation
        : await validateRun(result.run_dir, { ...validation, ...(options.threads ? { threads: options.threads } : {}) });
    return { row: result.row, steps: result.steps, validation: v, runDir: result.run_dir };
  };
}
