import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BYTE_VOCAB_SIZE, safeSlug, type ProgressCallback } from '@scalewise/data';
import { generateLadder, paramCounts, parseConfigJson, resolveConfig, type LadderOptions, type ModelConfig } from '@scalewise/models';
import { z } from 'zod';
import { resolveTrainingConfig, type TrainingConfig } from './config.js';
import { TrainInputError } from './errors.js';
import { writeFileAtomicSync as writeFileAtomic } from '@scalewise/core/node';
import { checkConcurrentTrainingMemory } from './memory.js';
import type { RunPool } from './run-pool.js';
import { progressOfRun } from './run-progress.js';
import { train, type TrainResult } from './trainer.js';

/** How many tokens a run gets: per parameter (Chinchilla ≈ 20), a FLOP budget (IsoFLOP, tokens = C / 6N), or fixed. */
export type TokenBudget = { tokensPerParam: number; params?: 'total' | 'non-embedding' } | { flops: number } | { tokens: number };

const budgetSchema = z.union([
  z.strictObject({ tokensPerParam: z.number().positive(), params: z.enum(['total', 'non-embedding']).default('total') }),
  z.strictObject({ flops: z.number().positive() }),
  z.strictObject({ tokens: z.number().int().positive() }),
]);

export const sweepSpecSchema = z.strictObject({
  name: z.string().min(1).default('sweep'),
  /** Training config fields shared by every run (everything but `model`, `tokens`, `steps`). */
  training: z.record(z.string(), z.unknown()).default({}),
  /** Model configs (objects), preset names or config paths, or a ladder from `@scalewise/models` generateLadder. */
  models: z.union([
    z.array(z.union([z.string().min(1), z.record(z.string(), z.unknown())])).min(1),
    z.strictObject({
      ladder: z.strictObject({ targets: z.array(z.number().positive()).min(1), options: z.record(z.string(), z.unknown()).default({}) }),
    }),
  ]),
  budgets: z.array(budgetSchema).min(1),
});

export type SweepSpecInput = z.input<typeof sweepSpecSchema>;

/** One run of a sweep: serialisable (plain JSON), independent of every other run. */
export interface TrainingJob {
  id: string;
  /** Fully resolved training config. */
  config: TrainingConfig;
  /** The budget this run was given. */
  budget: TokenBudget;
  /** Folder of this run's metrics, checkpoints and result.json. */
  outDir: string;
}

/** What `runTrainingJob` accepts: a job from `expandSweep`, or any training config (JSON) and a folder. */
export interface TrainingJobInput {
  /** Row id; default `<model name>-<config hash>`. */
  id?: string;
  /** A training config (validated here) or a resolved one. */
  config: unknown;
  budget?: TokenBudget;
  outDir: string;
}

/** Fields a results row takes unchanged from its run's TrainResult. */
const RESULT_FIELDS = [
  'model',
  'params_total',
  'params_non_embedding',
  'tokens',
  'flops',
  'flops_6nd',
  'final_train_loss',
  'val_loss',
  'val_bpb',
  'wall_s',
  'manifest_hash',
  'engine',
] as const satisfies ReadonlyArray<keyof TrainResult>;

/** One row of results.jsonl: what `@scalewise/laws` fits (loss in nats/token, FLOPs, params, tokens). */
export interface SweepRow extends Pick<TrainResult, (typeof RESULT_FIELDS)[number]> {
  id: string;
  budget: TokenBudget;
  config_hash: string;
  units: { loss: 'nats/token'; val_bpb: 'bits/byte'; flops: 'FLOP'; wall_s: 's'; tokens: 'tokens' };
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}

function fieldError(where: string, error: z.ZodError, input: unknown): TrainInputError {
  const issue = error.issues[0]!;
  let found: unknown = input;
  for (const key of issue.path)
    found = typeof found === 'object' && found !== null ? (found as Record<PropertyKey, unknown>)[key] : undefined;
  return new TrainInputError(
    `${where}: field '${issue.path.map(String).join('.') || '(root)'}': ` +
      `${issue.message}${found === undefined ? '' : ` (found ${JSON.stringify(found)})`}`,
    { cause: error },
  );
}

function budgetTokens(budget: TokenBudget, model: ModelConfig): number {
  const counts = paramCounts(model);
  if ('tokens' in budget) return budget.tokens;
  if ('flops' in budget) return Math.max(1, Math.round(budget.flops / (6 * counts.total)));
  return Math.max(1, Math.round(budget.tokensPerParam * (budget.params === 'non-embedding' ? counts.nonEmbedding : counts.total)));
}

function budgetLabel(budget: TokenBudget): string {
  if ('tokens' in budget) return `t${budget.tokens}`;
  if ('flops' in budget) return `c${budget.flops.toExponential(2).replace('+', '')}`;
  return `r${budget.tokensPerParam}${budget.params === 'non-embedding' ? 'ne' : ''}`;
}

/**
 * Expand a sweep spec into independent jobs (models × budgets), each with its own folder under outDir/runs.
 * Job ids start with the model name reduced to a safe slug (a name such as `../../x` never leaves outDir/runs);
 * a model × budget listed twice gives one job (same id), so results never hold duplicate rows.
 */
export function expandSweep(input: unknown, options: { outDir: string; cwd?: string }): TrainingJob[] {
  const parsed = sweepSpecSchema.safeParse(input);
  if (!parsed.success) throw fieldError('sweep spec', parsed.error, input);
  const spec = parsed.data;
  for (const key of ['model', 'tokens', 'steps']) {
    if (key in spec.training)
      throw new TrainInputError(`sweep spec: field 'training.${key}' is set per run by 'models' and 'budgets'; remove it`);
  }
  let models: ModelConfig[];
  if (Array.isArray(spec.models)) {
    models = spec.models.map((m, i) => {
      try {
        return typeof m === 'string' ? resolveConfig(m, options.cwd) : parseConfigJson(m, `sweep spec field 'models.${i}'`);
      } catch (error) {
        throw new TrainInputError(`sweep spec: field 'models.${i}': ${(error as Error).message}`, { cause: error });
      }
    });
  } else {
    const data = spec.training.data as { tokenizer?: string } | undefined;
    const byte = (data?.tokenizer ?? 'byte') === 'byte';
    const ladderOptions = { ...(byte ? { vocabSize: BYTE_VOCAB_SIZE } : {}), ...spec.models.ladder.options } as LadderOptions;
    try {
      models = generateLadder(spec.models.ladder.targets, ladderOptions).map((rung) => rung.config);
    } catch (error) {
      throw new TrainInputError(`sweep spec: field 'models.ladder': ${(error as Error).message}`, { cause: error });
    }
  }
  const jobs: TrainingJob[] = [];
  for (const model of models) {
    for (const [b, raw] of spec.budgets.entries()) {
      const budget = raw as TokenBudget;
      const config = resolveTrainingConfig(
        { ...spec.training, model, tokens: budgetTokens(budget, model) },
        { where: `sweep spec run ${model.name} × budgets.${b}`, ...(options.cwd ? { cwd: options.cwd } : {}) },
      );
      const id = `${safeSlug(model.name, 'model')}-${budgetLabel(budget)}-${hashOf(config)}`;
      if (!jobs.some((job) => job.id === id)) jobs.push({ id, config, budget, outDir: join(options.outDir, 'runs', id) });
    }
  }
  return jobs;
}

/**
 * Run one job (spec in, result out; no shared in-process state): trains, resuming from the job folder's
 * newest checkpoint if an earlier attempt was interrupted, and returns its results row.
 */
export async function runTrainingJob(
  job: TrainingJobInput,
  options: { onProgress?: ProgressCallback; signal?: AbortSignal; threads?: number } = {},
): Promise<SweepRow & { interrupted: boolean; result: TrainResult }> {
  const config = resolveTrainingConfig(job.config, { where: `job ${job.id ?? job.outDir}` });
  const budget: TokenBudget = job.budget ?? { tokens: config.tokens };
  const result = await train({ config, outDir: job.outDir, resume: true, ...options });
  const copied = Object.fromEntries(RESULT_FIELDS.map((key) => [key, result[key]])) as Pick<TrainResult, (typeof RESULT_FIELDS)[number]>;
  return {
    id: job.id ?? `${safeSlug(config.model.name, 'model')}-${hashOf(config)}`,
    ...copied,
    budget,
    config_hash: hashOf(config),
    units: { loss: 'nats/token', val_bpb: 'bits/byte', flops: 'FLOP', wall_s: 's', tokens: 'tokens' },
    interrupted: result.interrupted,
    result,
  };
}

/** Rows of a results.jsonl file (empty when it does not exist). */
export function readResults(path: string): SweepRow[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as SweepRow;
      } catch (error) {
        throw new TrainInputError(`${path}: line ${i + 1} is not valid JSON`, { cause: error });
      }
    });
}

/**
 * The rows of `jobs` in a results file: one per job (the last written), in the jobs' order whatever order they finished
 * in, so that what is fitted on them does not depend on which worker finished first; rows of other specs are left out.
 */
export function rowsOfJobs(resultsPath: string, jobs: readonly TrainingJob[]): SweepRow[] {
  const byId = new Map(readResults(resultsPath).map((r) => [r.id, r]));
  return jobs.flatMap((job) => byId.get(job.id) ?? []);
}

/** Append a row by rewriting the whole file atomically (temp + rename): a kill never leaves a torn row. */
export function appendResult(path: string, row: SweepRow): void {
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeFileAtomic(path, `${existing}${existing === '' || existing.endsWith('\n') ? '' : '\n'}${JSON.stringify(row)}\n`);
}

export interface SweepOutcome {
  jobs: number;
  ran: number;
  skipped: number;
  interrupted: boolean;
  resultsPath: string;
  rows: SweepRow[];
}

/**
 * Run every job of a sweep, skipping those already in `<outDir>/results.jsonl`: in turn here, or `pool.size` at a time
 * on a run pool's worker threads (each run's training progress then comes under the stage `train <job id>`). The
 * outcome's rows are this spec's runs only (one per job, in the spec's order whichever finished first): rows other
 * specs appended to the same file are kept there but never mixed in.
 */
export async function runSweep(
  input: unknown,
  options: { outDir: string; cwd?: string; onProgress?: ProgressCallback; signal?: AbortSignal; pool?: RunPool },
): Promise<SweepOutcome> {
  const jobs = expandSweep(input, options);
  // A model too large for this machine (or runs side by side too large together) is refused before the first run,
  // not after hours of smaller ones.
  checkConcurrentTrainingMemory(
    jobs.map((job) => job.config),
    options.pool?.size ?? 1,
  );
  const resultsPath = join(options.outDir, 'results.jsonl');
  const rowsOfThisSpec = (): SweepRow[] => rowsOfJobs(resultsPath, jobs);
  const done = new Set(readResults(resultsPath).map((r) => r.id));
  const todo = jobs.filter((job) => !done.has(job.id));
  const skipped = jobs.length - todo.length;
  const { pool, signal } = options;
  const lanes = pool ? Math.max(1, Math.min(pool.size, todo.length)) : 1;
  const progress = options.onProgress;
  let ran = 0;
  let stopped = false;
  const trainJob = async (job: TrainingJob) => {
    const onProgress = progress && lanes > 1 ? progressOfRun(job.id, progress) : progress;
    const runOptions = { ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}) };
    return pool ? (await pool.train(job, runOptions)).row : runTrainingJob(job, runOptions);
  };
  const lane = async () => {
    for (let job = todo.shift(); job && !stopped; job = todo.shift()) {
      progress?.({ stage: 'sweep', done: skipped + ran, total: jobs.length, unit: 'runs', detail: job.id });
      let out: Awaited<ReturnType<typeof runTrainingJob>>;
      try {
        out = await trainJob(job);
      } catch (error) {
        stopped = true; // the other lanes start nothing new
        throw error;
      }
      const { interrupted, result: _result, ...row } = out;
      if (interrupted) stopped = true;
      else {
        appendResult(resultsPath, row);
        ran++;
      }
      if (signal?.aborted) stopped = true;
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: lanes }, lane));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  if (stopped) return { jobs: jobs.length, ran, skipped, interrupted: true, resultsPath, rows: rowsOfThisSpec() };
  progress?.({ stage: 'sweep', done: jobs.length, total: jobs.length, unit: 'runs' });
  return { jobs: jobs.length, ran, skipped, interrupted: false, resultsPath, rows: rowsOfThisSpec() };
}
