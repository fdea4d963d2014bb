import type { FailedRun, QueueTarget } from '@scalewise/train/queue';
import { queueProgressEvent } from '../commands/sweep-queue.js';
import type { CliIO } from '../kit.js';
import type { ProgressEvent } from '../progress.js';
import type { SweepRunner } from './isoflop.js';
import { queueTrainer, type RunTrainer } from './trainer.js';

/** `scalewise study --queue URL`: every training run of the study goes to the workers of one queue. */
export interface StudyQueue {
  target: QueueTarget;
  /** Family-study runs: trained and validated by a worker. */
  trainer: RunTrainer;
  /** The IsoFLOP grid as a queued sweep. */
  sweep: SweepRunner;
  /** Stop watching the queue (runs still queued stay there); lists the runs that failed, if any. */
  close: () => Promise<void>;
}

/** Parse `--queue` (exit 2 on a bad URL) before any work. */
export async function studyQueueTarget(url: string): Promise<QueueTarget> {
  return (await import('@scalewise/train/queue')).parseQueueUrl(url);
}

/** Connect (Redis unreachable or misconfigured: exit 1 naming the URL, before any stage) and route the study's runs. */
export async function openStudyQueue(
  target: QueueTarget,
  io: CliIO,
  progress: (event: ProgressEvent) => void,
  log: (line: string) => void,
  threads: number | undefined,
): Promise<StudyQueue> {
  const { openQueueRunner, runQueuedSweep, QueuedRunFailed } = await import('@scalewise/train/queue');
  const runner = await openQueueRunner({ target, onProgress: (p) => progress(queueProgressEvent(p, 'queue')) });
  log(`scalewise study: training runs go to the workers of ${target.display}`);
  const failed: FailedRun[] = [];
  const trainer = queueTrainer(runner, { queue: target.display, ...(threads ? { threads } : {}) });
  const sweep: SweepRunner = async (spec, outDir) => {
    const outcome = await runQueuedSweep(spec, { target, outDir, onProgress: (p) => progress(queueProgressEvent(p, 'isoflop')) });
    failed.push(...outcome.failed);
    if (outcome.failed.length > 0) throw new QueuedRunFailed(outcome.failed[0]!);
    return outcome;
  };
  return {
    target,
    trainer,
    sweep,
    close: async () => {
      await runner.close();
      const all = [...runner.failed, ...failed];
      if (all.length > 0)
        io.stderr(
          `scalewise study: ${all.length} run(s) failed on ${target.display}: ${all.map((f) => f.id).join(', ')} (see 'scalewise queue ` +
            `status'; the other runs stay queued or finished: run the same command again to collect them)\n`,
        );
    },
  };
}
