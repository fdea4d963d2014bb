import { Worker } from 'node:worker_threads';
import type { WasmMemory } from './assemble.js';

/**
 * Worker threads that run the kernel module over the shared memory. The job hand-off is a SharedArrayBuffer control
 * block, not messages: the caller writes each worker's arguments, bumps the sequence number and notifies; workers spin
 * briefly before they sleep in Atomics.wait, so back-to-back calls (one decode step is ~120 gemvs) skip the wake-up.
 */

const SEQ = 0;
const OP = 1;
const SLOT = 16; // int32 slots per worker: args 0..5, f32 result 8, error 14, done 15
const RESULT = 8;
const ERROR = 14;
const DONE = 15;
export const OP_GEMV = 0;
export const OP_SUM = 1;
const OP_EXIT = 2;

/**
 * How long a worker, and the caller waiting for workers, spin before sleeping. Measured on a 2-vCPU VM: waking a
 * sleeping thread takes ~0.5 ms (longer than a whole 576×960 gemv), so a decode step must never let workers sleep.
 */
const SPIN_MS = 2;

// Plain JavaScript run with `eval: true`, so there is no worker file to resolve from source, tests or dist.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, index, spinMs } = workerData;
const { gemv, sum } = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
const ctrl = new Int32Array(control);
const f32 = new Float32Array(control);
const base = ${SLOT} * (index + 1);
// Read the sequence number before saying ready: the first job may be posted the moment the caller hears it.
let seen = Atomics.load(ctrl, ${SEQ});
parentPort.postMessage('ready');
for (;;) {
  let seq = Atomics.load(ctrl, ${SEQ});
  if (seq === seen) {
    const until = performance.now() + spinMs;
    let spins = 0;
    while ((seq = Atomics.load(ctrl, ${SEQ})) === seen) {
      if ((++spins & 255) === 0 && performance.now() > until) Atomics.wait(ctrl, ${SEQ}, seen);
    }
  }
  seen = seq;
  const op = Atomics.load(ctrl, ${OP});
  if (op === ${OP_EXIT}) break;
  try {
    const a = ctrl.subarray(base, base + 6);
    if (op === ${OP_GEMV}) gemv(a[0], a[1], a[2], a[3], a[4], a[5]);
    else f32[base + ${RESULT}] = sum(a[0], a[1]);
  } catch (e) {
    ctrl[base + ${ERROR}] = 1;
  }
  Atomics.store(ctrl, base + ${DONE}, seq);
  Atomics.notify(ctrl, base + ${DONE});
}
`;

export interface WorkerPool {
  readonly size: number;
  /**
   * Start one job per worker (`args[i]`: up to 6 i32 arguments of `op` for worker i), run `own` on the calling
   * thread meanwhile, and return once every worker is done, with each worker's f32 result (for OP_SUM).
   */
  run(op: number, args: number[][], own: () => void): Float32Array;
  dispose(): Promise<void>;
}

export async function createWorkerPool(size: number, module: object, memory: WasmMemory): Promise<WorkerPool> {
  const control = new SharedArrayBuffer(4 * SLOT * (size + 1));
  const ctrl = new Int32Array(control);
  const f32 = new Float32Array(control);
  const results = new Float32Array(size);
  const workers = Array.from({ length: size }, (_, index) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, index, spinMs: SPIN_MS } });
    // An idle worker sleeping in Atomics.wait must not keep the process alive if dispose() is never called.
    worker.unref();
    return worker;
  });
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`wasm kernel worker exited with code ${code} before it started`)));
        }),
    ),
  );
  for (const w of workers) w.removeAllListeners();
  let disposed = false;

  const waitDone = (i: number, seq: number) => {
    const at = SLOT * (i + 1) + DONE;
    const until = performance.now() + SPIN_MS;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(ctrl, at);
      if (done === seq) return;
      if ((++spins & 255) === 0 && performance.now() > until) Atomics.wait(ctrl, at, done, 50);
    }
  };

  return {
    size,
    run(op, args, own) {
      if (disposed) throw new Error('wasm kernels: used after dispose()');
      for (let i = 0; i < size; i++) {
        const base = SLOT * (i + 1);
        const a = args[i] ?? [];
        for (let j = 0; j < 6; j++) ctrl[base + j] = a[j] ?? 0;
        ctrl[base + ERROR] = 0;
      }
      Atomics.store(ctrl, OP, op);
      const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
      Atomics.store(ctrl, SEQ, seq);
      Atomics.notify(ctrl, SEQ);
      // Wait for the workers even if the own share throws: they read the memory the caller may free next.
      let ownError: unknown = null;
      try {
        own();
      } catch (e) {
        ownError = e;
      }
      let failed = false;
      for (let i = 0; i < size; i++) {
        waitDone(i, seq);
        failed ||= ctrl[SLOT * (i + 1) + ERROR] === 1;
        results[i] = f32[SLOT * (i + 1) + RESULT] as number;
      }
      if (ownError !== null) throw ownError;
      if (failed) throw new Error('wasm kernels: a worker trapped (offsets outside the memory?)');
      return results;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(ctrl, OP, OP_EXIT);
      Atomics.store(ctrl, SEQ, (Atomics.load(ctrl, SEQ) + 1) | 0);
      Atomics.notify(ctrl, SEQ);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
