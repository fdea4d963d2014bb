import type { ProgressEvent } from '@scalewise/data';
import type { CliIO } from './kit.js';

export type { ProgressEvent } from '@scalewise/data';

const BAR_WIDTH = 24;
const PLAIN_INTERVAL_MS = 5_000;

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 90) return `${seconds.toFixed(0)}s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)}min`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/**
 * A progress sink for stderr: a redrawn bar with ETA on a TTY, a plain line every few seconds
 * (and at the end of each stage) otherwise, so CI logs stay readable.
 */
export function createProgress(io: CliIO, now: () => number = Date.now): (event: ProgressEvent) => void {
  const stageStart = new Map<string, number>();
  const lastDone = new Map<string, number>();
  let lastPlain = Number.NEGATIVE_INFINITY;
  return (event) => {
    const t = now();
    // A stage whose count goes back (the next run of a sweep) starts its clock again, so the ETA stays honest.
    if (!stageStart.has(event.stage) || event.done < (lastDone.get(event.stage) ?? 0)) stageStart.set(event.stage, t);
    lastDone.set(event.stage, event.done);
    const elapsed = (t - (stageStart.get(event.stage) ?? t)) / 1000;
    const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const unit = event.unit ? ` ${event.unit}` : '';
    const detail = event.detail ? ` ${event.detail}` : '';
    const counts = `${event.done}/${event.total}${unit}`;
    const finished = event.done >= event.total;
    if (io.isTTY) {
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
      io.stderr(
        `\r${event.stage} ${bar} ${counts} ${formatSeconds(elapsed)} eta ${formatSeconds(eta)}${detail}\x1b[K${finished ? '\n' : ''}`,
      );
      return;
    }
    if (finished || t - lastPlain >= PLAIN_INTERVAL_MS) {
      lastPlain = t;
      io.stderr(
        `[${event.stage}] ${counts} (${(fraction * 100).toFixed(0)}%) elapsed ${formatSeconds(elapsed)} eta ` +
          `${formatSeconds(eta)}${detail}\n`,
      );
    }
  };
}
