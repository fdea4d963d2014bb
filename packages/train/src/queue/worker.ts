import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker, WaitingError, type Job } from 'bullmq';
import type { ProgressEvent } from '@scalewise/data';
import { listCheckpoints } from '../checkpoint.js';
import { createRunPool } from '../run-pool.js';
import { trainAndValidate, type TrainedJob } from '../train-job.js';
import { codeVersion } from '../version.js';
import { bullConnection, QUEUE_NAME, waitForRedis } from './connection.js';
import type { RunJobData, RunJobResult } from './jobs.js';
import type { QueueTarget } from './url.js';

export interface WorkerOptions {
  target: QueueTarget;
  /** Runs trained at once by this process, each on a worker thread of a run pool (default 1: one at a time, here). */
  concurrency?: number;
  /** Shared folder for run folders and checkpoints; a re-delivered job resumes from there. */
  artifacts?: string;
  /** Run folders when there is no shared folder (default `scalewise-out/worker-<name or host>` in the working folder). */
  localDir?: string;
  /** Engine threads of each run (default with concurrency N > 1: ⌊cores / N⌋; else the engine's own choice). */
  threads?: number;
  /** Shown in `queue status` and stored on every job (default `<host>-<pid>`). */
  name?: string;
  /** A job whose lock is not renewed for this long is re-delivered (default 30 s). Must exceed one training step. */
  stallTimeoutMs?: number;
  log?: (line: string) => void;
  /** Stop: like `RunningWorker.stop`, and also ends the wait for Redis at startup. */
  signal?: AbortSignal;
}

export interface RunningWorker {
  name: string;
  /** Ask every running job to finish its step, checkpoint and go back to the queue, then close. */
  stop: () => Promise<void>;
  /** Resolves when the worker has closed. */
  closed: Promise<void>;
}

const PROGRESS_INTERVAL_MS = 1_000;

function checkpointStep(runDir: string): number | null {
  const latest = listCheckpoints(join(runDir, 'checkpoints')).at(-1);
  if (!latest) return null;
  return (JSON.parse(readFileSync(join(latest, 'state.json'), 'utf8')) as { step: number }).step;
}

/** Take run jobs from the queue and train them with `trainAndValidate` (`runTrainingJob`, the same code path as a local sweep). */
/** Resolves to null when stopped before Redis answered. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker | null> {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stopping = new AbortController();
  const shared = options.artifacts !== undefined;
  const root = resolve(options.artifacts ?? options.localDir ?? join('scalewise-out', `worker-${options.name ?? hostname()}`));
  options.signal?.addEventListener('abort', () => stopping.abort(), { once: true });
  const version = codeVersion();
  log(`worker ${name}: connecting to ${options.target.display}`);
  // Startup waits (and says so) until Redis answers; a misconfigured Redis is refused.
  if (!(await waitForRedis(options.target, (line) => log(`worker ${name}: ${line}`), stopping.signal))) {
    return null;
  }
  const stall = options.stallTimeoutMs ?? 30_000;
  let lastRetryLog = 0;
  const connection = bullConnection(options.target, (delay) => {
    if (Date.now() - lastRetryLog > 10_000) {
      lastRetryLog = Date.now();
      log(`worker ${name}: lost Redis at ${options.target.display}; reconnecting (next try in ${(delay / 1000).toFixed(1)} s)`);
    }
  });

  // Runs at once means worker threads: jobs awaited together on this thread would take turns (onnxruntime runs
  // synchronously); without `threads`, each gets its share of the cores. One run at a time trains here, as before.
  const concurrency = options.concurrency ?? 1;
  const pool =
    concurrency > 1
      ? await createRunPool({ size: concurrency, ...(options.threads !== undefined ? { threads: options.threads } : {}) })
      : undefined;
  const processor = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const data = job.data;
    const runDir = join(root, 'runs', job.id ?? data.id);
    const resumedFrom = checkpointStep(runDir);
    const attempt = job.attemptsStarted;
    await job.log(
      `attempt ${attempt} on ${name}: ${resumedFrom === null ? 'started from scratch' : `resumed from checkpoint step ${resumedFrom}`}` +
        ` in ${shared ? 'shared' : 'local'} folder ${runDir}`,
    );
    if (data.codeVersion !== version) await job.log(`warning: submitted with ${data.codeVersion}, trained with ${version}`);
    log(
      `worker ${name}: ${data.id} (${job.id}) attempt ${attempt}, ` +
        (resumedFrom === null ? 'from scratch' : `resuming at step ${resumedFrom}`),
    );
    let lastProgress = 0;
    const onProgress = (event: ProgressEvent): void => {
      if (event.stage !== 'train' || (Date.now() - lastProgress < PROGRESS_INTERVAL_MS && event.done < event.total)) return;
      lastProgress = Date.now();
      job.updateProgress({ worker: name, step: event.done, steps: event.total }).catch(() => undefined);
    };
    const input = { id: data.id, config: data.config, budget: data.budget, outDir: runDir };
    const runOptions = { onProgress, signal: stopping.signal, ...(data.validate ? { validate: data.validate } : {}) };
    let out: TrainedJob['row'];
    let validation: TrainedJob['validation'];
    try {
      ({ row: out, validation } = pool
        ? await pool.train(input, runOptions)
        : await trainAndValidate(input, { ...runOptions, ...(options.threads !== undefined ? { threads: options.threads } : {}) }));
    } catch (error) {
      // The message is what `queue status` and the sweep's summary show: say where it happened.
      throw new Error(`${(error as Error).message} (worker ${name}, attempt ${attempt})`, { cause: error });
    }
    if (out.interrupted) {
      // Checkpointed (trainer): hand the job back without spending an attempt.
      await job.log(`${name} stopped at step ${out.result.steps}: checkpoint written, job handed back to the queue`);
      log(`worker ${name}: ${data.id} handed back at step ${out.result.steps}`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const { interrupted: _interrupted, result, ...row } = out;
    log(`worker ${name}: ${data.id} done, val ${row.val_loss.toFixed(4)} nats/token`);
    return {
      row,
      worker: name,
      attempt,
      resumed_from_step: resumedFrom,
      artifacts: shared ? 'shared' : 'local',
      run_dir: runDir,
      code_version: version,
      steps: result.steps,
      ...(validation ? { validation, validated_with: data.validate } : {}),
    };
  };

  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, processor, {
    connection,
    name,
    concurrency,
    autorun: false,
    lockDuration: stall,
    stalledInterval: stall,
    // A run whose worker dies is re-delivered up to 3 times, then failed ("stalled more than allowable limit").
    maxStalledCount: 3,
  });
  worker.on('failed', (job, error) => {
    if (job) log(`worker ${name}: ${job.data.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
  });
  worker.on('stalled', (jobId) => log(`worker ${name}: job ${jobId} stalled (its worker stopped); back in the queue`));
  let lastErrorLog = 0;
  worker.on('error', (error) => {
    if (Date.now() - lastErrorLog > 10_000) {
      lastErrorLog = Date.now();
      log(`worker ${name}: ${error.message} (Redis at ${options.target.display}; reconnecting with backoff)`);
    }
  });
  await worker.waitUntilReady();
  log(
    `worker ${name}: ready, ${concurrency} at a time${pool ? ' (worker threads)' : ''}, run folders in ${root}` +
      (shared ? ' (shared)' : ' (this machine only: a job re-delivered to another one restarts from scratch)'),
  );
  let closing: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (!closing) {
      closing = worker.close();
      stopping.abort();
    }
    return closing;
  };
  const closed = new Promise<void>((resolveClosed) =>
    worker.once('closed', () => {
      void (pool?.close() ?? Promise.resolve()).then(() => resolveClosed());
    }),
  );
  if (stopping.signal.aborted) void stop();
  else stopping.signal.addEventListener('abort', () => void stop(), { once: true });
  worker.run().catch((error: unknown) => {
    log(`worker ${name}: stopped taking jobs: ${(error as Error).message}`);
    void stop();
  });
  return { name, stop, closed };
}
