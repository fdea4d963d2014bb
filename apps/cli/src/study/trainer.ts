import { resolveTrainingConfig, validateRun, type SweepRow, type ValidationEstimate } from '@scalewise/train';
import { runTrainingJob } from '@scalewise/train/internals';
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

/** Train in this process, then validate the final checkpoint on the whole validation split. */
export function localTrainer(threads: number | undefined): RunTrainer {
  return async (run, validation, onProgress) => {
    const row = await runTrainingJob(
      { id: run.id, config: run.config, outDir: run.runDir },
      { onProgress, ...(threads ? { threads } : {}) },
    );
    if (row.interrupted) throw new Error(`training was interrupted in run ${run.id}; re-run the same command to resume`);
    const v = await validateRun(run.runDir, { ...validation, ...(threads ? { threads } : {}) });
    return { row, steps: row.result.steps, validation: v, runDir: run.runDir };
  };
}

/**
 * Train and validate on a queue worker: the job carries the resolved config (its id is a hash of it, the
 * validation and the code version) and the worker returns the row and the validation; weights stay on the worker's
 * run folder (`--artifacts`). The local run folder is not used.
 */
export function queueTrainer(runner: QueueRunner): RunTrainer {
  return async (run, validation) => {
    const config = resolveTrainingConfig(run.config, { where: `run ${run.id}` });
    const { result } = await runner.run({ id: run.id, config, budget: { tokens: config.tokens }, validate: validation });
    if (!result.validation) throw new Error(`run ${run.id}: the worker returned no validation (a worker older than this study?)`);
    return { row: result.row, steps: result.steps, validation: result.validation, runDir: result.run_dir };
  };
}
