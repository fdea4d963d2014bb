import { Worker } from 'node:worker_threads';
import type { WasmMemory } from './assemble.js';

/**
 * Worker threads that run the kernel module over the shared memory. A job is a range of units (gemv: 32-column panels;
 * gemvQ8: groups of 4 outputs; attend: query heads; sum: 64-byte blocks) that every thread, the caller included,
 * claims piece by piece with a compare-and-swap on a 64-bit counter holding (job sequence number, next unit). Each
 * claim takes remaining ÷ (divisor × threads) units (guided self-scheduling): big pieces first, small ones at the end,
 * so the threads finish together. A worker that wakes late (waking a sleeping thread takes ~0.5 ms on a 2-vCPU VM,
 * longer than a 576×960 gemv) or is descheduled by another process only leaves more to the caller, which never waits
 * for a worker that claimed nothing. Workers spin briefly before they sleep in Atomics.wait, so back-to-back calls (one
 * decode step is ~120 gemvs) usually skip the wake-up.
 */

// Int32 slots of the control block.
const SEQ = 0; // job sequence number (workers wait on it)
const OP = 1;
// 8 slots: gemv [x, w, y, k, unit bytes (panel stride), units, min units per claim, divisor × threads]
//          gemvQ8 [xq, w, y, blocks, unit bytes (group stride), units, …] (chunks per block follow from the stride)
//          sum  [ptr, 0, 0, 0, 64, units, min units per claim, divisor × threads]
//          gemm4 as gemv, then 3 more slots from EXTRA: [ldx, ldy, groups of 4 rows]
//          attend [q, k0, v0, kv stride, ctx, heads, 1, …], then 7 from EXTRA: [scores of head 0, bytes from one
//                 head's scores to the next, group, hd, n, K panel stride, V panel stride], then the scale as f32 at SCALE
const PARAMS = 2;
const DONE = 10; // units finished in the current job
const ERROR = 11;
const NRESULTS = 12; // sum: partial results written so far
const CLAIM = 8; // BigUint64 slot (byte 64): (seq << 32) | next unit
const EXTRA = 18;
const EXTRA_SLOTS = 7;
const SCALE = EXTRA + EXTRA_SLOTS; // f32 slot
const CLOSED = 0xffffffffn; // next unit while the caller writes a job: beyond any unit count
const RESULTS = 32; // f32 slots: sum partials, one per claim
export const MAX_CLAIMS = 512;
export const OP_GEMV = 0;
export const OP_SUM = 1;
const OP_EXIT = 2;
export const OP_GEMVQ8 = 3;
export const OP_GEMM4 = 4;
export const OP_ATTEND = 5;

/** How long a worker, and the caller waiting for claimed pieces, spin before sleeping. */
const SPIN_MS = 2;
/** A job that has not finished after this long means a worker died: fail instead of hanging. */
const STUCK_MS = 10_000;

/** The body shared by workers and caller: claim pieces of job `seq` until none are left. Plain JS (also run by eval). */
const CLAIM_LOOP = `((buf) => (ex, ctrl, claim, results, seq) => {
  const tag = BigInt(seq >>> 0) << 32n;
  let op = -1;
  let p = null;
  let mine = 0; // units this thread finished: added to DONE once, at the end, so the line the caller polls moves once
  try {
    for (;;) {
      const cur = Atomics.load(claim, ${CLAIM});
      if ((cur & 0xffffffff00000000n) !== tag) return;
      const next = Number(cur & ${CLOSED}n);
      // Parameters read until a claim succeeds; that compare-and-swap (same tag) proves they belong to this job, and
      // every later one proves the job has not changed, so they are not read again.
      // Read into this thread's own buffer: allocating the array cost ~1 µs per job, a 576×576 gemv's 2%.
      let params = p;
      if (params === null) {
        params = buf;
        for (let i = 0; i < 8; i++) params[i] = Atomics.load(ctrl, ${PARAMS} + i);
        for (let i = 0; i < ${EXTRA_SLOTS}; i++) params[8 + i] = Atomics.load(ctrl, ${EXTRA} + i);
      }
      const left = params[5] - next;
      if (left <= 0) return;
      const size = Math.min(left, Math.max(params[6], Math.ceil(left / params[7])));
      if (op < 0) op = Atomics.load(ctrl, ${OP});
      if (Atomics.compareExchange(claim, ${CLAIM}, cur, cur + BigInt(size)) !== cur) {
        if (p === null) op = -1;
        continue;
      }
      p = params;
      try {
        if (op === ${OP_GEMV}) ex.gemv(p[0], p[1] + next * p[4], p[2] + next * 128, p[3], size, p[4]);
        else if (op === ${OP_GEMM4}) ex.gemm4(p[0], p[1] + next * p[4], p[2] + next * 128, p[3], size, p[4], p[8], p[9], p[10]);
        else if (op === ${OP_GEMVQ8}) ex.gemvQ8(p[0], p[1] + next * p[4], p[2] + next * 16, p[3], (p[4] / p[3] - 16) / 64, size);
        else if (op === ${OP_ATTEND}) {
          // heads next … next + size − 1, one after another in the first one's score buffer
          ex.attend(p[0], p[1], p[2], p[3], p[8] + next * p[9], p[4], next, size, p[10], p[11], p[12], p[13], p[14], results[${SCALE}]);
        }
        else results[${RESULTS} + Atomics.add(ctrl, ${NRESULTS}, 1)] = ex.sum(p[0] + next * 64, size * 64);
      } catch (e) {
        Atomics.store(ctrl, ${ERROR}, 1);
      }
      mine += size;
    }
  } finally {
    if (mine > 0) {
      Atomics.add(ctrl, ${DONE}, mine);
      Atomics.notify(ctrl, ${DONE});
    }
  }
})(new Uint32Array(8 + ${EXTRA_SLOTS}))`;

// Plain JavaScript run with `eval: true`, so there is no worker file to resolve from source, tests or dist.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, spinMs } = workerData;
const ex = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
const ctrl = new Int32Array(control);
const claim = new BigUint64Array(control);
const results = new Float32Array(control);
const claimLoop = ${CLAIM_LOOP};
// Read the sequence number before saying ready: the first job may be posted the moment the caller hears it.
let seen = Atomics.load(ctrl, ${SEQ});
parentPort.postMessage('ready');
for (;;) {
  let seq;
  const until = performance.now() + spinMs;
  let spins = 0;
  while ((seq = Atomics.load(ctrl, ${SEQ})) === seen) {
    if ((++spins & 255) === 0 && performance.now() > until) Atomics.wait(ctrl, ${SEQ}, seen);
  }
  seen = seq;
  if (Atomics.load(ctrl, ${OP}) === ${OP_EXIT}) break;
  claimLoop(ex, ctrl, claim, results, seq);
}
`;

export interface KernelExports {
  gemv: (x: number, w: number, y: number, k: number, panels: number, stride: number) => void;
  sum: (ptr: number, bytes: number) => number;
  gemvQ8: (xq: number, w: number, y: number, blocks: number, chunks: number, groups: number) => void;
  quantQ8: (x: number, xq: number, blocks: number, blockSize: number) => void;
  swiglu: (g: number, u: number, out: number, bytes: number) => void;
  softmax: (p: number, bytes: number, scale: number) => void;
  rmsnorm: (x: number, w: number, out: number, bytes: number, invCount: number, eps: number) => void;
  addto: (x: number, y: number, bytes: number) => void;
  /** kernel-attention.ts: heads first … first + count - 1. */
  attend: (
    q: number,
    k0: number,
    v0: number,
    kvStride: number,
    att: number,
    ctx: number,
    first: number,
    count: number,
    group: number,
    hd: number,
    n: number,
    kStride: number,
    vStride: number,
    scale: number,
  ) => void;
  rope: (x: number, cos: number, sin: number, heads: number, half: number) => void;
  gemm4: (x: number, w: number, y: number, k: number, panels: number, stride: number, ldx: number, ldy: number, groups: number) => void;
}

export interface WorkerPool {
  readonly size: number;
  /**
   * Run one job of `units` over the workers and the calling thread; returns once every unit is done, with the sum
   * partials (OP_SUM). `params`: gemv [x, w, y, k, panel stride] (bytes), gemm4 the same then [ldx, ldy, groups],
   * gemvQ8 [xq, w, y, blocks, group stride] (bytes but blocks), sum [ptr] (bytes), attend as the comment at
   * PARAMS says; `scale`: attend's; `minUnits`: the smallest
   * claim; `divisor`: each claim takes remaining ÷ (divisor × threads).
   */
  run(op: number, params: number[], units: number, minUnits: number, divisor: number, scale?: number): Float32Array;
  dispose(): Promise<void>;
}

/** `callerClaims: false` leaves every piece to the workers (tests use it to prove the workers' path computes). */
export async function createWorkerPool(
  size: number,
  module: object,
  memory: WasmMemory,
  exports: KernelExports,
  options: { callerClaims?: boolean } = {},
): Promise<WorkerPool> {
  const control = new SharedArrayBuffer(4 * (RESULTS + MAX_CLAIMS));
  const ctrl = new Int32Array(control);
  const claim = new BigUint64Array(control);
  const results = new Float32Array(control);
  const claimLoop = (0, eval)(CLAIM_LOOP) as (ex: KernelExports, c: Int32Array, k: BigUint64Array, r: Float32Array, seq: number) => void;
  const callerClaims = options.callerClaims ?? true;
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, spinMs: SPIN_MS } });
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
  // After a job timed out a worker may still finish it and count into the next job: refuse further jobs.
  let broken: string | null = null;

  return {
    size,
    run(op, params, units, minUnits, divisor, scale = 0) {
      if (disposed) throw new Error('wasm kernels: used after dispose()');
      if (broken !== null) throw new Error(broken);
      // Every claim but the last takes at least units ÷ MAX_CLAIMS units, so the partials fit their slots.
      const smallest = Math.max(1, minUnits, Math.ceil(units / (MAX_CLAIMS - 1)));
      if (!(units >= 1 && units < 2 ** 31)) throw new RangeError(`wasm kernels: ${units} units in one job`);
      const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
      const tag = BigInt(seq >>> 0) << 32n;
      // Close the counter before the parameters change: a worker that read them half-written then fails its
      // compare-and-swap, so no piece ever runs with a mix of two jobs' parameters.
      Atomics.store(claim, CLAIM, tag | CLOSED);
      const all = op === OP_SUM ? [params[0] ?? 0, 0, 0, 0, 64] : params.slice(0, 5);
      all.push(units, smallest, divisor * (size + 1));
      for (let i = 0; i < 8; i++) Atomics.store(ctrl, PARAMS + i, all[i] ?? 0);
      if (params.length > 5 + EXTRA_SLOTS) throw new RangeError(`wasm kernels: ${params.length} job parameters`);
      for (let i = 0; i < EXTRA_SLOTS; i++) Atomics.store(ctrl, EXTRA + i, params[5 + i] ?? 0);
      results[SCALE] = scale; // published to the workers by the stores below
      Atomics.store(ctrl, OP, op);
      Atomics.store(ctrl, DONE, 0);
      Atomics.store(ctrl, ERROR, 0);
      Atomics.store(ctrl, NRESULTS, 0);
      Atomics.store(claim, CLAIM, tag);
      Atomics.store(ctrl, SEQ, seq);
      Atomics.notify(ctrl, SEQ);
      if (callerClaims) claimLoop(exports, ctrl, claim, results, seq);
      // Wait only for pieces a worker claimed and is still computing.
      const start = performance.now();
      let spins = 0;
      for (;;) {
        const done = Atomics.load(ctrl, DONE);
        if (done === units) break;
        if ((++spins & 255) === 0 && performance.now() > start + SPIN_MS) {
          Atomics.wait(ctrl, DONE, done, 50);
          if (performance.now() - start > STUCK_MS) {
            const state = { seq, units, done, claim: Atomics.load(claim, CLAIM).toString(16), op: Atomics.load(ctrl, OP) };
            broken = `wasm kernels: workers stopped answering ${JSON.stringify(state)}`;
            throw new Error(broken);
          }
        }
      }
      if (Atomics.load(ctrl, ERROR) === 1) throw new Error('wasm kernels: a kernel trapped (offsets outside the memory?)');
      return results.subarray(RESULTS, RESULTS + Atomics.load(ctrl, NRESULTS));
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
      Atomics.store(claim, CLAIM, (BigInt(seq >>> 0) << 32n) | CLOSED);
      Atomics.store(ctrl, OP, OP_EXIT);
      Atomics.store(ctrl, SEQ, seq);
      Atomics.notify(ctrl, SEQ);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
