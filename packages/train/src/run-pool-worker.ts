/**
 * One worker thread of a run pool (run-pool.ts): takes tasks from the pool one at a time and answers with their
 * result, a failure, or progress events. Each task runs the same code as in the calling process (`trainAndValidate`
 * or `measureStepThroughput`), so a pooled run's results equal a run trained in the caller.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { errorKind } from '@scalewise/core';
import type { ProgressEvent } from '@scalewise/data';
import { measureStepThroughput } from './measure-throughput.js';
import type { PoolReply, PoolTask } from './run-pool.js';
import { trainAndValidate } from './train-job.js';

if (parentPort === null) throw new Error('run-pool-worker.ts runs only as a worker thread of createRunPool');
const port = parentPort;
const reply = (message: PoolReply) => port.postMessage(message);

const init = workerData as { peak?: unknown };
if (init.peak !== undefined) {
  // The pool measured the machine's peak once, before any run trained: every run's MFU is relative to the same one.
  const { useMachineMatMulPeak } = await import('./native/peak.js');
  useMachineMatMulPeak(init.peak as Parameters<typeof useMachineMatMulPeak>[0]);
}

const aborts = new Map<number, AbortController>();

async function run(task: PoolTask): Promise<unknown> {
  if (task.task === 'measure') return measureStepThroughput(task.model, task.options);
  const abort = new AbortController();
  aborts.set(task.id, abort);
  try {
    const onProgress = (event: ProgressEvent) => reply({ type: 'progress', id: task.id, event });
    const { job, threads, validate } = task;
    const trained = await trainAndValidate(job, {
      onProgress,
      signal: abort.signal,
      ...(threads !== undefined ? { threads } : {}),
      ...(validate ? { validate } : {}),
    });
    return { ...trained, threadId };
  } finally {
    aborts.delete(task.id);
  }
}

port.on('message', (message: PoolTask | { type: 'abort'; id: number }) => {
  if ('type' in message) {
    aborts.get(message.id)?.abort();
    return;
  }
  run(message).then(
    (value) => reply({ type: 'done', id: message.id, value }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      reply({ type: 'failed', id: message.id, error: { message: e.message, kind: errorKind(e) ?? 'failure', name: e.name } });
    },
  );
});
reply({ type: 'ready' });
