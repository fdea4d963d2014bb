import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { wasmApi, type WasmMemory } from '@scalewise/core/wasm';
import { kernelModuleBytes } from './kernel-module.js';
import { createWorkerPool, OP_SUM, POOL_LAYOUT, type KernelExports, type WorkerPool } from './pool.js';

const { SEQ, ACT, RING_JOBS, inside } = POOL_LAYOUT;
const FLOATS = 4096; // 256 sum units of 64 bytes, all 1

async function pool(stuckMs?: number) {
  const module = new wasmApi.Module(kernelModuleBytes({ shared: true, maxPages: 4 }));
  const memory: WasmMemory = new wasmApi.Memory({ initial: 1, maximum: 4, shared: true });
  const ex = new wasmApi.Instance(module, { env: { mem: memory } }).exports as unknown as KernelExports;
  new Float32Array(memory.buffer).fill(1, 0, FLOATS);
  // The worker does every piece: once a job returns, the worker has been inside it and is about to leave.
  return createWorkerPool(1, module, memory, ex, { callerClaims: false, ...(stuckMs === undefined ? {} : { stuckMs }) });
}
const sum = (p: WorkerPool) => p.run(OP_SUM, [0], FLOATS / 16, 1, 1).reduce((a, b) => a + b, 0);
/** After RING_JOBS jobs and the worker's leaving the last: pretend it is stuck inside the job whose block is next. */
function fakeStuckWorker(p: WorkerPool) {
  const ctrl = new Int32Array(p.control);
  for (let j = 0; j < RING_JOBS; j++) sum(p);
  while (Atomics.load(ctrl, ACT) !== 0);
  const next = (Atomics.load(ctrl, SEQ) + 1) | 0;
  Atomics.store(ctrl, ACT, inside(next - RING_JOBS));
  return { ctrl, next };
}

let open: WorkerPool | null = null;
afterEach(async () => {
  await open?.dispose();
  open = null;
});

describe('worker pool job ring', () => {
  it('computes every job as the ring of job blocks wraps many times', async () => {
    open = await pool();
    for (let j = 0; j < 20 * RING_JOBS; j++) expect(sum(open)).toBe(FLOATS);
  });

  it('does not reuse a job block while a worker is still inside the job that last used it', async () => {
    open = await pool(300);
    const { ctrl, next } = fakeStuckWorker(open);
    expect(() => sum(open as WorkerPool)).toThrow(/stopped answering.*"inside":/);
    expect(Atomics.load(ctrl, SEQ)).toBe(next - 1); // the job was never published
  });

  it('posts the job once that worker leaves its old job', async () => {
    open = await pool();
    fakeStuckWorker(open);
    // Another thread plays the worker leaving its job 50 ms later, while run() waits synchronously.
    const leaver = new Worker(
      `const c = new Int32Array(require('node:worker_threads').workerData);
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
       Atomics.store(c, ${ACT}, 0);`,
      { eval: true, workerData: open.control },
    );
    const start = performance.now();
    expect(sum(open)).toBe(FLOATS);
    expect(performance.now() - start).toBeGreaterThanOrEqual(40);
    await leaver.terminate();
  });
});
