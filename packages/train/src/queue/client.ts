import { join } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { appendResult, expandSweep, readResults, type SweepRow } from '../sweep.js';
import { codeVersion } from '../version.js';
import { TrainError } from '../errors.js';
import { bullConnection, probeRedis, QUEUE_NAME, QueueError } from './connection.js';
import { runJobId, type RunJobData, type RunJobResult } from './jobs.js';
import type { QueueTarget } from './url.js';

type RunJob = Job<RunJobData, RunJobResult>;

export interface QueueProgress {
  total: number;
  done: number;
  waiting: number;
  failed: number;
  running: Array<{ id: string; worker: string | null; step: number | null; steps: number }>;
}

export interface FailedRun {
  id: string;
  job_id: string;
  attempts: number;
  reason: string;
}

export interface QueuedSweepOutcome {
  jobs: number;
  /** Runs collected from the queue by this call (trained now, or finished earlier and taken from the queue). */
  ran: number;
  /** Runs already in results.jsonl before this call. */
  skipped: number;
  /** Jobs this call added to the queue (the others were there already: resubmission never duplicates). */
  enqueued: number;
  failed: FailedRun[];
  interrupted: boolean;
  resultsPath: string;
  rows: SweepRow[];
  /** Per collected run: which worker, attempts, resumed-from step (not in results.jsonl, which stays as a local sweep's). */
  runs: Array<{
    id: string;
    job_id: string;
    worker: string;
    attempt: number;
    resumed_from_step: number | null;
    artifacts: 'shared' | 'local';
  }>;
  /** Milliseconds from enqueue to first start, and from finish to collected, per collected run. */
  overhead_ms: Array<{ id: string; enqueue_to_start: number | null; finish_to_collected: number | null }>;
}

export interface QueuedSweepOptions {
  target: QueueTarget;
  outDir: string;
  cwd?: string;
  /** Attempts per run before it is failed (default 3); waits 1 s, 2 s, ... between them. */
  attempts?: number;
  onProgress?: (progress: QueueProgress) => void;
  /** Stop waiting (jobs stay queued; the same command collects them later). */
  signal?: AbortSignal;
  /** Longest wait between checks of the queue (events wake it earlier). */
  pollMs?: number;
}

/**
 * Enqueue every run of a sweep (job id = hash of its resolved config and the code version), wait for workers to
 * train them, and append each result to `<outDir>/results.jsonl` as it arrives, as a local sweep would.
 */
export async function runQueuedSweep(spec: unknown, options: QueuedSweepOptions): Promise<QueuedSweepOutcome> {
  // Bad specs fail before any connection (exit 2).
  const jobs = expandSweep(spec, { outDir: options.outDir, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const resultsPath = join(options.outDir, 'results.jsonl');
  const done = new Set(readResults(resultsPath).map((r) => r.id));
  await probeRedis(options.target);
  const version = codeVersion();
  const pending = new Map<string, RunJobData>();
  for (const job of jobs) {
    if (!done.has(job.id))
      pending.set(runJobId(job, version), { id: job.id, config: job.config, budget: job.budget, codeVersion: version });
  }
  const outcome: QueuedSweepOutcome = {
    jobs: jobs.length,
    ran: 0,
    skipped: jobs.length - pending.size,
    enqueued: 0,
    failed: [],
    interrupted: false,
    resultsPath,
    rows: [],
    runs: [],
    overhead_ms: [],
  };
  const connection = bullConnection(options.target);
  // Commands give up after 5 reconnections (about 15 s): a longer outage ends the sweep (exit 1), jobs stay queued.
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: { ...connection, maxRetriesPerRequest: 5 } });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  // Connection errors surface through the commands below; without listeners they would crash the process.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  let wake: (() => void) | undefined;
  const nudge = (): void => wake?.();
  for (const name of ['completed', 'failed', 'active', 'progress', 'stalled'] as const) events.on(name, nudge);
  options.signal?.addEventListener('abort', nudge, { once: true });
  try {
    await events.waitUntilReady();
    const attempts = options.attempts ?? 3;
    for (const [jobId, data] of pending) {
      const existing = (await queue.getJob(jobId)) as RunJob | undefined;
      if (existing) {
        // Resubmitting retries runs that failed before (with fresh attempts); finished ones are collected below.
        if ((await existing.getState()) === 'failed')
          await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        continue;
      }
      await queue.add('run', data, {
        jobId,
        attempts,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: false,
        removeOnFail: false,
      });
      outcome.enqueued++;
    }
    const failed = new Map<string, FailedRun>();
    while (pending.size > failed.size && !options.signal?.aborted) {
      const progress: QueueProgress = { total: jobs.length, done: 0, waiting: 0, failed: 0, running: [] };
      for (const [jobId, data] of pending) {
        if (failed.has(jobId)) continue;
        // State first, then the record: a job read before its state would miss a result that landed in between.
        const state = await queue.getJobState(jobId);
        const job = (await queue.getJob(jobId)) as RunJob | undefined;
        if (!job || state === 'unknown') {
          // Removed by `queue clean --all` while we waited: put it back.
          await queue.add('run', data, {
            jobId,
            attempts,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: false,
            removeOnFail: false,
          });
          continue;
        }
        if (state === 'completed' && job.returnvalue) {
          const result = job.returnvalue;
          appendResult(resultsPath, result.row);
          pending.delete(jobId);
          outcome.ran++;
          outcome.runs.push({
            id: data.id,
            job_id: jobId,
            worker: result.worker,
            attempt: result.attempt,
            resumed_from_step: result.resumed_from_step,
            artifacts: result.artifacts,
          });
          outcome.overhead_ms.push({
            id: data.id,
            enqueue_to_start: job.processedOn !== undefined && result.attempt === 1 ? job.processedOn - job.timestamp : null,
            finish_to_collected: job.finishedOn !== undefined ? Date.now() - job.finishedOn : null,
          });
        } else if (state === 'failed') {
          failed.set(jobId, { id: data.id, job_id: jobId, attempts: job.attemptsMade, reason: job.failedReason });
        } else if (state === 'active') {
          const p = job.progress as { worker?: string; step?: number } | number;
          const worker = typeof p === 'object' && p.worker ? p.worker : (job.processedBy ?? null);
          progress.running.push({
            id: data.id,
            worker,
            step: typeof p === 'object' && typeof p.step === 'number' ? p.step : null,
            steps: data.config.steps,
          });
        } else {
          progress.waiting++;
        }
      }
      progress.done = outcome.skipped + outcome.ran;
      progress.failed = failed.size;
      options.onProgress?.(progress);
      if (pending.size === failed.size) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 1_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    outcome.failed = [...failed.values()];
    outcome.interrupted = Boolean(options.signal?.aborted) && pending.size > failed.size;
  } catch (error) {
    if (error instanceof TrainError) throw error;
    throw new QueueError(
      `lost Redis at ${options.target.display}: ${(error as Error).message}; the runs stay queued: run the same command again to ` +
        `collect them`,
      { cause: error },
    );
  } finally {
    await events.close();
    await queue.close();
  }
  outcome.rows = readResults(resultsPath);
  return outcome;
}
