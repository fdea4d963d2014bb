import { Queue, type Job } from 'bullmq';
import { bullConnection, probeRedis, QUEUE_NAME } from './connection.js';
import type { RunJobData, RunJobResult } from './jobs.js';
import type { QueueTarget } from './url.js';

type RunJob = Job<RunJobData, RunJobResult>;

export interface QueueStatus {
  queue: string;
  url: string;
  /** Worker names connected now. */
  workers: string[];
  counts: { waiting: number; running: number; finished: number; failed: number; delayed: number };
  running: Array<{ job_id: string; id: string; worker: string | null; step: number | null; steps: number; attempt: number }>;
  waiting: Array<{ job_id: string; id: string }>;
  finished: Array<{ job_id: string; id: string; worker: string; val_loss: number; resumed_from_step: number | null }>;
  failed: Array<{ job_id: string; id: string; attempts: number; reason: string }>;
}

async function withQueue<T>(target: QueueTarget, use: (queue: Queue<RunJobData, RunJobResult>) => Promise<T>): Promise<T> {
  await probeRedis(target);
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: { ...bullConnection(target), maxRetriesPerRequest: 5 } });
  queue.on('error', () => undefined);
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}

/** What is queued, running (on which worker), finished and failed. */
export async function queueStatus(target: QueueTarget): Promise<QueueStatus> {
  return withQueue(target, async (queue) => {
    const [workers, active, waiting, delayed, completed, failed] = (await Promise.all([
      queue.getWorkers(),
      queue.getJobs('active'),
      queue.getJobs(['wait', 'prioritized']),
      queue.getJobs('delayed'),
      queue.getJobs('completed'),
      queue.getJobs('failed'),
    ])) as [Array<Record<string, string>>, RunJob[], RunJob[], RunJob[], RunJob[], RunJob[]];
    const workerNames = workers.map((w) => (w.rawname ?? w.name ?? '').replace(/^.*:w:/, '')).filter((n) => n !== '');
    return {
      queue: QUEUE_NAME,
      url: target.display,
      workers: [...new Set(workerNames)].sort(),
      counts: {
        waiting: waiting.length,
        running: active.length,
        finished: completed.length,
        failed: failed.length,
        delayed: delayed.length,
      },
      running: active.map((j) => {
        const p = j.progress as { worker?: string; step?: number } | number;
        return {
          job_id: j.id!,
          id: j.data.id,
          worker: typeof p === 'object' && p.worker ? p.worker : (j.processedBy ?? null),
          step: typeof p === 'object' && typeof p.step === 'number' ? p.step : null,
          steps: j.data.config.steps,
          attempt: j.attemptsStarted,
        };
      }),
      waiting: [...waiting, ...delayed].map((j) => ({ job_id: j.id!, id: j.data.id })),
      finished: completed.map((j) => ({
        job_id: j.id!,
        id: j.data.id,
        worker: j.returnvalue.worker,
        val_loss: j.returnvalue.row.val_loss,
        resumed_from_step: j.returnvalue.resumed_from_step,
      })),
      failed: failed.map((j) => ({ job_id: j.id!, id: j.data.id, attempts: j.attemptsMade, reason: j.failedReason })),
    };
  });
}

/** Remove finished and failed job records (and with `all`, waiting ones too); running jobs are never touched. */
export async function cleanQueue(
  target: QueueTarget,
  options: { all?: boolean } = {},
): Promise<{ finished: number; failed: number; waiting: number }> {
  return withQueue(target, async (queue) => {
    const finished = (await queue.clean(0, 0, 'completed')).length;
    const failed = (await queue.clean(0, 0, 'failed')).length;
    let waiting = 0;
    if (options.all) {
      const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed');
      waiting = Object.values(counts).reduce((a, b) => a + b, 0);
      await queue.drain(true);
    }
    return { finished, failed, waiting };
  });
}
