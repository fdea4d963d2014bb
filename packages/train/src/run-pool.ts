/**
 * Independent runs side by side on worker threads. onnxruntime-node runs a session synchronously on the calling
 * thread, so two runs awaited together in one thread take turns: measured here, two study-size runs stepped together
 * in one process gave 0.91–1.17× the throughput of one, and 1.94–1.97× on two worker threads. Each worker trains one
 * run at a time with the same code as the calling process (run-pool-worker.ts), so results do not depend on where a
 * run trained. Workers start when work arrives and live until `close()`; an idle pool does not keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ErrorKind } from '@scalewise/core';
import type { ProgressCallback, ProgressEvent } from '@scalewise/data';
import type { ModelConfig } from '@scalewise/models';
import { TrainError, TrainInputError } from './errors.js';
import type { StepThroughput, measureStepThroughput } from './measure-throughput.js';
import type { TrainingJobInput } from './sweep.js';
import type { JobValidation, TrainedJob } from './train-job.js';

type MeasureOptions = Parameters<typeof measureStepThroughput>[1];

/** A message to a worker (internal). */
export type PoolTask =
  | { id: number; task: 'train'; job: TrainingJobInput; threads?: number; validate?: JobValidation }
  | { id: number; task: 'measure'; model: ModelConfig; options: MeasureOptions };

/** A message from a worker (internal). */
export type PoolReply =
  | { type: 'ready' }
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: { message: string; kind: ErrorKind; name: string } };

export interface RunPoolOptions {
  /** Worker threads, each training one run at a time (default: the CPUs). */
  size?: number;
  /**
   * Engine threads of every run and its validation (default with size > 1: each run's share of the cores, ⌊CPUs /
   * size⌋, at least 1, so the runs do not oversubscribe them; with size 1: the engine's own choice).
   */
  threads?: number;
  /**
   * Measure the native engine's MatMul peak here, once, before any worker trains, and give it to every worker
   * (default true): a worker measuring while another trains would find a lower peak. false: each worker measures its own.
   */
  sharePeak?: boolean;
}

/** A run trained (and validated, when asked) by a pool worker. */
export interface PooledRun extends TrainedJob {
  /** The worker thread that trained it. */
  threadId: number;
}

export interface RunPool {
  readonly size: number;
  /** Engine threads of each run (undefined: the engine's own choice). */
  readonly threads: number | undefined;
  /** Train one run on the next free worker (resuming from its folder's newest checkpoint), then validate it if asked. */
  train(
    job: TrainingJobInput,
    options?: { validate?: JobValidation; onProgress?: ProgressCallback; signal?: AbortSignal },
  ): Promise<PooledRun>;
  /** `measureStepThroughput` on a worker: call it `size` times at once to measure runs stepping side by side. */
  measureStepThroughput(model: ModelConfig, options: MeasureOptions): Promise<StepThroughput>;
  /** Stop every worker; runs still training or waiting are rejected. */
  close(): Promise<void>;
}

interface Pending {
  task: PoolTask;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Removes the abort listener once the task is over. */
  detach?: () => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: Pending | null;
}

/** How a worker thread loads run-pool-worker: compiled JavaScript, or the TypeScript sources under tsx (monorepo, tests). */
function workerLaunch(): { source: string; data: { entry: string; tsx?: string }; execArgv?: string[] } {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const entry = new URL(fromSource ? './run-pool-worker.ts' : './run-pool-worker.js', here).href;
  const source =
    "const { workerData } = require('node:worker_threads');\n" +
    '(async () => { if (workerData.tsx) (await import(workerData.tsx)).register(); await import(workerData.entry); })();';
  if (!fromSource) return { source, data: { entry } };
  // A worker thread does not inherit the parent's `--import tsx`; it registers tsx's ESM API itself.
  const cjs = createRequire(here).resolve('tsx/esm/api');
  const tsx = pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  return { source, data: { entry, tsx }, execArgv: ['--conditions=@scalewise/source'] };
}

/** Engine threads of each of `runs` runs side by side: ⌊CPUs / runs⌋, at least 1, so they do not oversubscribe the cores. */
export function shareOfCores(runs: number): number {
  return Math.max(1, Math.floor(availableParallelism() / runs));
}

const failure = (error: { message: string; kind: ErrorKind }) =>
  error.kind === 'input' ? new TrainInputError(error.message) : new TrainError(error.message);

export async function createRunPool(options: RunPoolOptions = {}): Promise<RunPool> {
  const size = options.size ?? availableParallelism();
  if (!(Number.isInteger(size) && size >= 1)) throw new TrainInputError(`createRunPool: size must be a positive integer, found ${size}`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1))
    throw new TrainInputError(`createRunPool: threads must be a positive integer, found ${options.threads}`);
  const threads = options.threads ?? (size > 1 ? shareOfCores(size) : undefined);
  // Loaded here only when shared: the native engine (onnxruntime) stays unloaded for reference-engine users.
  const peak = (options.sharePeak ?? true) ? await (await import('./native/peak.js')).machineMatMulPeak() : undefined;
  const launch = workerLaunch();
  const slots: Slot[] = [];
  const waiting: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot, settle: (p: Pending) => void) => {
    const pending = slot.busy;
    slot.busy = null;
    pending?.detach?.();
    if (pending) settle(pending);
    dispatch();
  };

  const spawn = () => {
    const worker = new Worker(launch.source, {
      eval: true,
      workerData: { ...launch.data, ...(peak ? { peak } : {}) },
      ...(launch.execArgv ? { execArgv: launch.execArgv } : {}),
    });
    const slot: Slot = { worker, ready: false, busy: null };
    worker.on('message', (reply: PoolReply) => {
      if (reply.type === 'ready') {
        slot.ready = true;
        dispatch();
      } else if (reply.type === 'progress') slot.busy?.onProgress?.(reply.event);
      else if (reply.type === 'done') finish(slot, (p) => p.resolve(reply.value));
      else finish(slot, (p) => p.reject(failure(reply.error)));
    });
    const lost = (why: string) => {
      const at = slots.indexOf(slot);
      if (at < 0) return;
      slots.splice(at, 1);
      const error = new TrainError(`run pool: a worker thread ${why}`);
      slot.busy?.detach?.();
      slot.busy?.reject(error);
      // A worker that dies before it is ready would die again: fail what waits instead of starting workers forever.
      if (!slot.ready) for (const p of waiting.splice(0)) p.reject(error);
      dispatch();
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    slots.push(slot);
  };

  function dispatch(): void {
    if (closed) return;
    for (let slot = slots.find((s) => s.ready && s.busy === null); slot && waiting.length > 0;) {
      const pending = waiting.shift() as Pending;
      const worker = slot.worker;
      try {
        worker.postMessage(pending.task);
      } catch (error) {
        pending.reject(new TrainInputError(`run pool: the job cannot be sent to a worker thread: ${(error as Error).message}`));
        continue;
      }
      slot.busy = pending;
      const { signal } = pending;
      if (signal) {
        const abort = () => worker.postMessage({ type: 'abort', id: pending.task.id });
        if (signal.aborted) abort();
        else {
          signal.addEventListener('abort', abort, { once: true });
          pending.detach = () => signal.removeEventListener('abort', abort);
        }
      }
      slot = slots.find((s) => s.ready && s.busy === null);
    }
    // Start workers for what still waits (one starting counts as free), up to `size`, all at once.
    while (waiting.length > slots.filter((s) => s.busy === null).length && slots.length < size) spawn();
    // Work in flight or waiting keeps the process alive; an idle pool does not.
    for (const s of slots) {
      if (s.busy !== null || (!s.ready && waiting.length > 0)) s.worker.ref();
      else s.worker.unref();
    }
  }

  const submit = <T>(task: PoolTask, extra: Pick<Pending, 'onProgress' | 'signal'> = {}): Promise<T> => {
    if (closed) return Promise.reject(new TrainError('run pool: used after close()'));
    return new Promise<T>((resolve, reject) => {
      waiting.push({ task, resolve: resolve as (value: unknown) => void, reject, ...extra });
      dispatch();
    });
  };

  return {
    size,
    threads,
    train(job, runOptions = {}) {
      const task: PoolTask = {
        id: nextId++,
        task: 'train',
        job,
        ...(threads !== undefined ? { threads } : {}),
        ...(runOptions.validate ? { validate: runOptions.validate } : {}),
      };
      const extra = {
        ...(runOptions.onProgress ? { onProgress: runOptions.onProgress } : {}),
        ...(runOptions.signal ? { signal: runOptions.signal } : {}),
      };
      return submit<PooledRun>(task, extra);
    },
    measureStepThroughput(model, measureOptions) {
      const withThreads = threads !== undefined && measureOptions.threads === undefined ? { ...measureOptions, threads } : measureOptions;
      return submit<StepThroughput>({ id: nextId++, task: 'measure', model, options: withThreads });
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = new TrainError('run pool: closed before the run finished');
      for (const p of waiting.splice(0)) p.reject(error);
      const all = slots.splice(0);
      for (const slot of all) slot.busy?.reject(error);
      await Promise.all(all.map((slot) => slot.worker.terminate()));
    },
  };
}
