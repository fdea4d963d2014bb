import type { CliIO } from '../kit.js';

/**
 * First Ctrl-C: ask the trainer to finish its current step, checkpoint and return. A second Ctrl-C falls
 * through to Node's default (immediate exit), since the handler is registered once.
 */
export function interruptOnSigint(io: CliIO): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    io.stderr('\ninterrupt: finishing the current step, then writing a checkpoint (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}
