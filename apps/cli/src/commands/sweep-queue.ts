import { dirname } from 'node:path';
import type { QueueProgress } from '@scalewise/train/queue';
import { EXIT_FAILURE, EXIT_OK, printJson, type CliIO } from '../kit.js';
import { createProgress, type ProgressEvent } from '../progress.js';
import { interruptOnSigint } from './train-signal.js';

/** The progress line of runs on a queue: done / running (which run on which worker, at which step) / waiting / failed. */
export function queueProgressEvent(p: QueueProgress, stage: string): ProgressEvent {
  const running = p.running.map((r) => `${r.id}@${r.worker ?? '?'}${r.step === null ? '' : ` ${r.step}/${r.steps}`}`).join(', ');
  return {
    stage,
    done: p.done,
    total: p.total,
    unit: 'runs',
    detail: `running ${p.running.length}${running ? ` (${running})` : ''}, waiting ${p.waiting}, failed ${p.failed}`,
  };
}

/** `scalewise sweep --queue URL`: enqueue the sweep's runs, show who trains what, collect results.jsonl. */
export async function sweepOnQueue(
  options: { spec: unknown; specPath: string; outDir: string; url: string; json: boolean },
  io: CliIO,
): Promise<number> {
  const { parseQueueUrl, runQueuedSweep } = await import('@scalewise/train/queue');
  const target = parseQueueUrl(options.url);
  const progress = createProgress(io);
  const controller = new AbortController();
  // Ctrl-C stops waiting only: the jobs stay queued and the same command collects them later.
  const sigint = interruptOnSigint({
    ...io,
    stderr: () => io.stderr('\ninterrupt: leaving the runs queued; run the same command again to collect them\n'),
  });
  sigint.signal.addEventListener('abort', () => controller.abort(), { once: true });
  try {
    const outcome = await runQueuedSweep(options.spec, {
      target,
      outDir: options.outDir,
      cwd: dirname(options.specPath),
      signal: controller.signal,
      onProgress: (p) => progress(queueProgressEvent(p, 'sweep')),
    });
    const complete = outcome.failed.length === 0 && !outcome.interrupted;
    if (options.json) {
      printJson(io, {
        jobs: outcome.jobs,
        ran: outcome.ran,
        skipped: outcome.skipped,
        interrupted: outcome.interrupted,
        results: outcome.resultsPath,
        rows: outcome.rows,
        queue: target.display,
        enqueued: outcome.enqueued,
        failed: outcome.failed,
        runs: outcome.runs,
        overhead_ms: outcome.overhead_ms,
      });
    } else {
      const lines = [
        `${outcome.jobs} runs on ${target.display}: ${outcome.ran} collected now, ${outcome.skipped} already done, ` +
          `${outcome.failed.length} failed${outcome.interrupted ? ', interrupted (runs stay queued: run again to collect)' : ''}`,
      ];
      for (const r of outcome.rows) {
        lines.push(
          `  ${r.model.padEnd(24)} N=${r.params_total} D=${r.tokens} tokens  val ${r.val_loss.toFixed(4)} nats/token = ` +
            `${r.val_bpb.toFixed(4)} bits/byte  ${r.wall_s.toFixed(1)} s`,
        );
      }
      for (const f of outcome.failed) lines.push(`  FAILED ${f.id} (job ${f.job_id}) after ${f.attempts} attempt(s): ${f.reason}`);
      lines.push(`results: ${outcome.resultsPath}`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    if (outcome.failed.length > 0)
      io.stderr(
        `scalewise sweep: ${outcome.failed.length} run(s) failed: ${outcome.failed.map((f) => f.id).join(', ')} (see 'scalewise ` +
          `queue status')\n`,
      );
    return complete ? EXIT_OK : EXIT_FAILURE;
  } finally {
    sigint.dispose();
  }
}
