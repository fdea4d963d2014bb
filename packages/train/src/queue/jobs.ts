import { createHash } from 'node:crypto';
import type { TrainingConfig } from '../config.js';
import type { ValidationEstimate } from '../doc-validation.js';
import type { SweepRow, TokenBudget, TrainingJob } from '../sweep.js';

/** Whole-split validation a worker runs after training (`validateRun`'s options, engine threads being the worker's). */
export interface RunValidation {
  resamples?: number;
  seed?: number;
  maxTokens?: number;
}

/** What a run job carries through Redis: configs only (a few kB), never weights. */
export interface RunJobData {
  /** The results row id (as in a local sweep). */
  id: string;
  config: TrainingConfig;
  budget: TokenBudget;
  /** Code version of the submitter (part of the job id). */
  codeVersion: string;
  /** Also score the final checkpoint on the validation split, on the worker (`scalewise study` runs; not in the job id). */
  validate?: RunValidation;
}

/** A worker's answer: the results row plus where and how it was trained. */
export interface RunJobResult {
  row: SweepRow;
  worker: string;
  /** 1 for the first delivery; more after a stall, a hand-back or a retry. */
  attempt: number;
  /** Checkpoint step this attempt continued from; null when it started from scratch. */
  resumed_from_step: number | null;
  /** `shared`: checkpoints under the worker's --artifacts folder; `local`: in a folder on that worker only. */
  artifacts: 'shared' | 'local';
  run_dir: string;
  code_version: string;
  /** Optimizer steps trained. */
  steps: number;
  /** Present when the job asked for validation (the first submitter's settings, in `validated_with`). */
  validation?: ValidationEstimate;
  validated_with?: RunValidation;
}

/**
 * Job id: a hash of the fully resolved run (model, data, seed, budget, everything in the config) and the code version.
 * The validation a study asks for is not part of it: a study and a sweep that share a run share its job (a study
 * validates a result that lacks its validation itself).
 */
export function runJobId(job: Pick<TrainingJob, 'config' | 'budget'>, codeVersion: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify({ config: job.config, budget: job.budget, codeVersion }))
    .digest('hex');
  return `run-${digest.slice(0, 24)}`;
}
