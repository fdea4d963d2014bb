import { join } from 'node:path';
import { appendResult, expandSweep, readResults, rowsOfJobs, type SweepRow } from '../sweep.js';
import { openQueueRunner, QueuedRunFailed, QueueWaitAborted, type FailedRun, type QueueProgress } from './runner.js';
import type { QueueTarget } from './url.js';

export type { FailedRun, QueueProgress } from './runner.js';

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
  /** This spec's rows, one per job, in its job order (as a local sweep's). */
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
  const todo = jobs.filter((job) => !done.has(job.id));
  const skipped = jobs.length - todo.length;
  const runner = await openQueueRunner({
    target: options.target,
    ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    onProgress: (p) => options.onProgress?.({ ...p, total: jobs.length, done: skipped + p.done }),
  });
  const outcome: QueuedSweepOutcome = {
    jobs: jobs.length,
    ran: 0,
    skipped,
    enqueued: 0,
    failed: [],
    interrupted: false,
    resultsPath,
    rows: [],
    runs: [],
    overhead_ms: [],
  };
  try {
    // Submitted one after another (the job order of the spec), collected in whatever order workers finish.
    const submitted: Array<Promise<void>> = [];
    for (const job of todo) {
      const { result } = await runner.submit({ id: job.id, config: job.config, budget: job.budget });
      const collected = result.then(({ job_id, result: r, overhead_ms }) => {
        appendResult(resultsPath, r.row);
        outcome.ran++;
        outcome.runs.push({
          id: job.id,
          job_id,
          worker: r.worker,
          attempt: r.attempt,
          resumed_from_step: r.resumed_from_step,
          artifacts: r.artifacts,
        });
        outcome.overhead_ms.push({ id: job.id, ...overhead_ms });
      });
      // Settled below; a run failing while later ones are still being submitted is not an unhandled rejection.
      collected.catch(() => undefined);
      submitted.push(collected);
    }
    const settled = await Promise.allSettled(submitted);
    for (const s of settled) {
      if (s.status === 'rejected' && !(s.reason instanceof QueuedRunFailed) && !(s.reason instanceof QueueWaitAborted)) throw s.reason;
    }
    outcome.failed = [...runner.failed];
    outcome.interrupted = settled.some((s) => s.status === 'rejected' && s.reason instanceof QueueWaitAborted);
    outcome.enqueued = runner.enqueued;
  } finally {
    await runner.close();
  }
  // This spec's rows in its job order, as a local sweep gives them (results.jsonl keeps the order runs finished in).
  outcome.rows = rowsOfJobs(resultsPath, jobs);
  return outcome;
}
