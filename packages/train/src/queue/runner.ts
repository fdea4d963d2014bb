import { Queue, QueueEvents, type Job } from 'bullmq';
import { codeVersion } from '../version.js';
import { TrainError } from '../errors.js';
import { bullConnection, probeRedis, QUEUE_NAME, QueueError } from './connection.js';
import { runJobId, type RunJobData, type RunJobResult } from './jobs.js';
import type { QueueTarget } from './url.js';

type RunJob = Job<RunJobData, RunJobResult>;

/** Reconnections a command waits for before it fails (backoff 1, 2, 4, 8, 16 s: about 30 s of outage). */
const RECONNECTS = 5;
/** A scan that outlives the reconnections has hung on a dead connection: give up then (holds a timer, so no silent exit). */
const SCAN_DEADLINE_MS = 60_000;
/** Closing a connection to a Redis that is gone may never settle: disconnect hard after this. */
const CLOSE_DEADLINE_MS = 5_000;

/** `work`, or `onTimeout()` after `ms`; the pending timer keeps Node's event loop (and so the command) alive meanwhile. */
async function within<T>(work: Promise<T>, ms: number, onTimeout: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    const first = await Promise.race([work.then((value) => ({ value })), late]);
    return first === 'late' ? await onTimeout() : first.value;
  } finally {
    clearTimeout(timer);
  }
}

export interface QueueProgress {
  /** Runs submitted to this runner so far. */
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

/** A run that failed on the workers after its bounded attempts; `run` carries the id and the workers' error. */
export class QueuedRunFailed extends TrainError {
  override name = 'QueuedRunFailed';
  constructor(readonly run: FailedRun) {
    super(`run ${run.id} (job ${run.job_id}) failed after ${run.attempts} attempt(s): ${run.reason}`);
  }
}

/** The runner stopped waiting (its signal aborted): the run stays queued and the same command collects it later. */
export class QueueWaitAborted extends TrainError {
  override name = 'QueueWaitAborted';
}

export interface CollectedRun {
  job_id: string;
  result: RunJobResult;
  /** Milliseconds from enqueue to the first start (first delivery only) and from finish to collected. */
  overhead_ms: { enqueue_to_start: number | null; finish_to_collected: number | null };
}

/** A run to train on the queue: the fields of a job (id, resolved config, budget) and an optional validation. */
export type QueuedRunInput = Omit<RunJobData, 'codeVersion'>;

export interface QueueRunner {
  /** Enqueue a run (job id = hash of its resolved config, budget and the code version) and wait for its result. */
  run: (input: QueuedRunInput) => Promise<CollectedRun>;
  /** Enqueue a run; resolves once it is in the queue, with a promise of its result. */
  submit: (input: QueuedRunInput) => Promise<{ job_id: string; result: Promise<CollectedRun> }>;
  /** Jobs this runner added (the others were in the queue already: resubmission never duplicates work). */
  readonly enqueued: number;
  readonly failed: FailedRun[];
  close: () => Promise<void>;
}

export interface QueueRunnerOptions {
  target: QueueTarget;
  /** Attempts per run before it is failed (default 3); waits 1 s, 2 s, ... between them. */
  attempts?: number;
  onProgress?: (progress: QueueProgress) => void;
  /** Stop waiting: pending `run` calls reject with QueueWaitAborted (the jobs stay queued). */
  signal?: AbortSignal;
  /** Longest wait between checks of the queue (events wake it earlier). */
  pollMs?: number;
}

interface Pending {
  data: RunJobData;
  promise: Promise<CollectedRun>;
  resolve: (run: CollectedRun) => void;
  reject: (error: unknown) => void;
}

function lostRedis(target: QueueTarget, error: unknown): unknown {
  if (error instanceof TrainError) return error;
  const message = (error as Error).message;
  // ioredis's own wording names an option of its API; say what happened instead.
  const why = /max retries per request/i.test(message) ? `no answer after ${RECONNECTS} reconnection attempts (about 30 s)` : message;
  return new QueueError(`lost Redis at ${target.display}: ${why}; the runs stay queued: run the same command again to collect them`, {
    cause: error,
  });
}

/**
 * One connection to the queue shared by any number of runs: `run` enqueues (or finds) a job and resolves when a
 * worker has trained it. One loop watches every pending job, reports progress and collects results in any order.
 */
export async function openQueueRunner(options: QueueRunnerOptions): Promise<QueueRunner> {
  const { target } = options;
  await probeRedis(target);
  const version = codeVersion();
  const attempts = options.attempts ?? 3;
  const connection = bullConnection(target);
  // Commands give up after 5 reconnections (1 + 2 + 4 + 8 + 16 s): a longer outage fails the waiting runs (exit 1), jobs stay queued.
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: { ...connection, maxRetriesPerRequest: RECONNECTS } });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  // Connection errors surface through the commands; without listeners they would crash the process.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  const pending = new Map<string, Pending>();
  const failed: FailedRun[] = [];
  let enqueued = 0;
  let done = 0;
  let submitted = 0;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const nudge = (): void => wake?.();
  for (const name of ['completed', 'failed', 'active', 'progress', 'stalled'] as const) events.on(name, nudge);
  options.signal?.addEventListener('abort', nudge, { once: true });
  try {
    await events.waitUntilReady();
  } catch (error) {
    await Promise.allSettled([events.close(), queue.close()]);
    throw lostRedis(target, error);
  }

  const add = (jobId: string, data: RunJobData) =>
    queue.add('run', data, {
      jobId,
      attempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: false,
      removeOnFail: false,
    });

  const settleAll = (error: unknown): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  /** One pass over the pending jobs: settle the finished and failed ones, report the others. */
  const scan = async (): Promise<void> => {
    const progress: QueueProgress = { total: submitted, done: 0, waiting: 0, failed: 0, running: [] };
    for (const [jobId, p] of pending) {
      // State first, then the record: a job read before its state would miss a result that landed in between.
      const state = await queue.getJobState(jobId);
      const job = (await queue.getJob(jobId)) as RunJob | undefined;
      if (!job || state === 'unknown') {
        await add(jobId, p.data); // removed by `queue clean --all` while we waited: put it back
      } else if (state === 'completed' && job.returnvalue) {
        const result = job.returnvalue;
        pending.delete(jobId);
        done++;
        p.resolve({
          job_id: jobId,
          result,
          overhead_ms: {
            enqueue_to_start: job.processedOn !== undefined && result.attempt === 1 ? job.processedOn - job.timestamp : null,
            finish_to_collected: job.finishedOn !== undefined ? Date.now() - job.finishedOn : null,
          },
        });
      } else if (state === 'failed') {
        const run = { id: p.data.id, job_id: jobId, attempts: job.attemptsMade, reason: job.failedReason };
        pending.delete(jobId);
        failed.push(run);
        p.reject(new QueuedRunFailed(run));
      } else if (state === 'active') {
        const pr = job.progress as { worker?: string; step?: number } | number;
        progress.running.push({
          id: p.data.id,
          worker: typeof pr === 'object' && pr.worker ? pr.worker : (job.processedBy ?? null),
          step: typeof pr === 'object' && typeof pr.step === 'number' ? pr.step : null,
          steps: p.data.config.steps,
        });
      } else {
        progress.waiting++;
      }
    }
    progress.done = done;
    progress.failed = failed.length;
    options.onProgress?.(progress);
  };

  const watch = async (): Promise<void> => {
    try {
      while (pending.size > 0) {
        if (options.signal?.aborted) {
          settleAll(new QueueWaitAborted('stopped waiting: the runs stay queued; run the same command again to collect them'));
          return;
        }
        await within(scan(), SCAN_DEADLINE_MS, () => {
          throw new Error(`no answer in ${SCAN_DEADLINE_MS / 1000} s`);
        });
        if (pending.size === 0) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollMs ?? 1_000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } catch (error) {
      settleAll(lostRedis(target, error));
    } finally {
      loop = undefined;
    }
  };

  const submit = async (input: QueuedRunInput): Promise<{ job_id: string; result: Promise<CollectedRun> }> => {
    const data: RunJobData = { ...input, codeVersion: version };
    const jobId = runJobId(data, version);
    const known = pending.get(jobId);
    if (known) return { job_id: jobId, result: known.promise };
    if (options.signal?.aborted) throw new QueueWaitAborted('stopped waiting before the run was submitted');
    try {
      const existing = (await queue.getJob(jobId)) as RunJob | undefined;
      if (!existing) {
        await add(jobId, data);
        enqueued++;
      } else if ((await existing.getState()) === 'failed') {
        // Resubmitting retries runs that failed before (with fresh attempts); finished ones are collected by `scan`.
        await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
    } catch (error) {
      throw lostRedis(target, error);
    }
    // Another call may have registered the same job while this one talked to Redis.
    const again = pending.get(jobId);
    if (again) return { job_id: jobId, result: again.promise };
    let resolve!: (run: CollectedRun) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<CollectedRun>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers await it; a rejection after they gave up (close, abort) must not count as unhandled.
    promise.catch(() => undefined);
    pending.set(jobId, { data, promise, resolve, reject });
    submitted++;
    loop ??= watch();
    nudge();
    return { job_id: jobId, result: promise };
  };

  return {
    submit,
    run: async (input) => (await submit(input)).result,
    get enqueued() {
      return enqueued;
    },
    failed,
    close: async () => {
      settleAll(new QueueWaitAborted('the queue runner was closed'));
      await loop;
      await within(
        Promise.allSettled([events.close(), queue.close()]).then(() => undefined),
        CLOSE_DEADLINE_MS,
        // Not awaited: disconnecting from a Redis that is gone may itself never settle.
        () => void Promise.allSettled([events.disconnect(), queue.disconnect()]),
      );
    },
  };
}
