import type { ProgressCallback, ProgressEvent } from '@scalewise/data';

/**
 * A run's training progress under its own stage, `train <id>`: runs side by side would otherwise share the stage
 * 'train', and a progress line would restart its clock (and ETA) each time their step counts alternate.
 */
export function progressOfRun(id: string, onProgress: ProgressCallback): ProgressCallback {
  return (event: ProgressEvent) => onProgress(event.stage === 'train' ? { ...event, stage: `train ${id}` } : event);
}
