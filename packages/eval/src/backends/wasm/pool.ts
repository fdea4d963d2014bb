import { Worker } from 'node:worker_threads';
import type { WasmMemory } from '@scalewise/core/wasm';

/**
 * Worker threads that run the kernel module over the shared memory. A job is a range of units (gemv: 32-column panels;
 * gemvQ8: groups of 4 outputs; attend: query heads; sum: 64-byte blocks) that every thread, the caller included,
 * claims piece by piece with a compare-and-swap on the job's 32-bit next-unit counter. Each claim takes remaining ÷
 * (divisor × threads) units (guided self-scheduling): big pieces first, small ones at the end, so the threads finish
 * together. A worker that wakes late (waking a sleeping thread takes ~0.5 ms on a 2-vCPU VM, longer than a 576×960
 * gemv) or is descheduled by another process only leaves more to the caller, which never waits for a worker that
 * claimed nothing. Workers spin briefly before they sleep in Atomics.wait, so back-to-back calls (one decode step is
 * ~150 products) usually skip the wake-up.
 *
 * Jobs are written into a ring of RING_JOBS blocks (counter, operation, parameters), job s into block s mod RING_JOBS.
 * A worker announces the job it enters (ACT) and then checks the job is still current; the caller reuses a block only
 * once no worker is inside the job that last used it. So a late worker can only ever claim from its own job's block,
 * whose parameters no one rewrites while it is inside, and a plain Int32 compare-and-swap suffices (a tagged 64-bit
 * BigInt counter added ~0.7 µs to each claim's cross-thread round trip).
 */

// Int32 slots of the control block.
const SEQ = 0; // job sequence number (workers wait on it)
const DONE = 1; // units finished in the current job
const ERROR = 2;
const NRESULTS = 3; // sum: partial results written so far
const ACT = 8; // one slot per worker: inside(seq) while it claims in job seq, else 0
const MAX_WORKERS = 16;
const RESULTS = ACT + MAX_WORKERS; // f32 slots: sum partials, one per claim
export const MAX_CLAIMS = 512;
const RING = RESULTS + MAX_CLAIMS;
const RING_JOBS = 8;
// A job's block (128 bytes):
//   NEXT   next unit to claim
//   OP
//   8 slots: gemv [x, w, y, k, unit bytes (panel stride), units, min units per claim, divisor × threads]
//            gemvQ8 [xq, w, y, blocks, unit bytes (group stride), units, …] (chunks per block follow from the stride)
//            sum  [ptr, 0, 0, 0, 64, units, min units per claim, divisor × threads]
//            gemm4 as gemv, then 3 more slots from EXTRA: [ldx, ldy, groups of 4 rows]
//            attend [q, k0, v0, kv stride, ctx, heads, 1, …], then 7 from EXTRA: [scores of head 0, bytes from one
//                   head's scores to the next, group, hd, n, K panel stride, V panel stride], then the scale (f32)
const BLOCK = 32;
const NEXT = 0;
const OP = 1;
const PARAMS = 2;
const EXTRA_SLOTS = 7;
const SCALE = PARAMS + 8 + EXTRA_SLOTS; // f32 slot
const CONTROL_SLOTS = RING + RING_JOBS * BLOCK;
export const OP_GEMV = 0;
export const OP_SUM = 1;
const OP_EXIT = 2;
export const OP_GEMVQ8 = 3;
export const OP_GEMM4 = 4;
export const OP_ATTEND = 5;
/** gemv read the other way (`gemvAlt`, same parameters and results). */
export const OP_GEMV_ALT = 6;

/** How long a worker, and the caller waiting for claimed pieces, spin before sleeping. */
const SPIN_MS = 2;
/** A job that has not finished after this long means a worker died: fail instead of hanging. */
const STUCK_MS = 10_000;

/** First slot of job seq's block, and what ACT holds while a worker is inside job seq (odd: never 0). */
const BLOCK_OF = `((seq) => ${RING} + ((seq >>> 0) % ${RING_JOBS}) * ${BLOCK})`;
const INSIDE = `((seq) => (((seq >>> 0) & 0x3fffffff) << 1) | 1)`;
const blockOf = (0, eval)(BLOCK_OF) as (seq: number) => number;
const inside = (0, eval)(INSIDE) as (seq: number) => number;
/** For tests: where a worker announces its job, and the value it writes there. */
export const POOL_LAYOUT = { SEQ, ACT, RING_JOBS, inside };

/** The body shared by workers and caller: claim pieces of job `seq` until none are left. Plain JS (also run by eval). */
const CLAIM_LOOP = `((p) => (ex, ctrl, results, seq) => {
  const base = ${BLOCK_OF}(seq);
  // Nobody rewrites the block while this thread is inside the job: read it once.
  const op = ctrl[base + ${OP}];
  for (let i = 0; i < 8 + ${EXTRA_SLOTS}; i++) p[i] = ctrl[base + ${PARAMS} + i];
  const scale = results[base + ${SCALE}];
  let mine = 0; // units this thread finished: added to DONE once, at the end, so the line the caller polls moves once
  try {
    for (;;) {
      const next = Atomics.load(ctrl, base + ${NEXT});
      const left = p[5] - next;
      if (left <= 0) return;
      const size = Math.min(left, Math.max(p[6], Math.ceil(left / p[7])));
      if (Atomics.compareExchange(ctrl, base + ${NEXT}, next, next + size) !== next) continue;
      try {
        if (op === ${OP_GEMV}) ex.gemv(p[0], p[1] + next * p[4], p[2] + next * 128, p[3], size, p[4]);
        else if (op === ${OP_GEMV_ALT}) ex.gemvAlt(p[0], p[1] + next * p[4], p[2] + next * 128, p[3], size, p[4]);
        else if (op === ${OP_GEMM4}) ex.gemm4(p[0], p[1] + next * p[4], p[2] + next * 128, p[3], size, p[4], p[8], p[9], p[10]);
        else if (op === ${OP_GEMVQ8}) ex.gemvQ8(p[0], p[1] + next * p[4], p[2] + next * 16, p[3], (p[4] / p[3] - 16) / 64, size);
        else if (op === ${OP_ATTEND}) {
          // heads next … next + size − 1, one after another in the first one's score buffer
          ex.attend(p[0], p[1], p[2], p[3], p[8] + next * p[9], p[4], next, size, p[10], p[11], p[12], p[13], p[14], scale);
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
const { module, memory, control, spinMs, index } = workerData;
const ex = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
const ctrl = new Int32Array(control);
const results = new Float32Array(control);
const claimLoop = ${CLAIM_LOOP};
const blockOf = ${BLOCK_OF};
const inside = ${INSIDE};
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
  // Announce the job, then check it is still current: if so its block stays as written until this thread leaves.
  Atomics.store(ctrl, ${ACT} + index, inside(seq));
  if (Atomics.load(ctrl, ${SEQ}) === seq) {
    if (Atomics.load(ctrl, blockOf(seq) + ${OP}) === ${OP_EXIT}) break;
    claimLoop(ex, ctrl, results, seq);
  }
  Atomics.store(ctrl, ${ACT} + index, 0);
}
`;

export interface KernelExports {
  gemv: (x: number, w: number, y: number, k: number, panels: number, stride: number) => void;
  gemvAlt: (x: number, w: number, y: number, k: number, panels: number, stride: number) => void;
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
  /** The control block (tests read and write the workers' ACT slots through it; see POOL_LAYOUT). */
  readonly control: SharedArrayBuffer;
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

/**
 * `callerClaims: false` leaves every piece to the workers (tests use it to prove the workers' path computes);
 * `stuckMs`: how long a job or a block's reuse may wait before the pool reports its workers stopped answering.
 */
export async function createWorkerPool(
  size: number,
  module: object,
  memory: WasmMemory,
  exports: KernelExports,
  options: { callerClaims?: boolean; stuckMs?: number } = {},
): Promise<WorkerPool> {
  if (size > MAX_WORKERS) throw new RangeError(`wasm kernels: ${size} workers, at most ${MAX_WORKERS}`);
  const control = new SharedArrayBuffer(4 * CONTROL_SLOTS);
  const ctrl = new Int32Array(control);
  const results = new Float32Array(control);
  const claimLoop = (0, eval)(CLAIM_LOOP) as (ex: KernelExports, c: Int32Array, r: Float32Array, seq: number) => void;
  const callerClaims = options.callerClaims ?? true;
  const stuckMs = options.stuckMs ?? STUCK_MS;
  const workers = Array.from({ length: size }, (_, index) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, spinMs: SPIN_MS, index } });
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

  /** Wait until `ready()`, spinning for SPIN_MS, then sleeping `sleepMs` at a time on `slot`; fail after stuckMs. */
  const waitUntil = (ready: () => boolean, slot: number, sleepMs: number, state: () => object) => {
    const start = performance.now();
    let spins = 0;
    while (!ready()) {
      if ((++spins & 255) === 0 && performance.now() > start + SPIN_MS) {
        Atomics.wait(ctrl, slot, Atomics.load(ctrl, slot), sleepMs);
        if (performance.now() - start > stuckMs) {
          broken = `wasm kernels: workers stopped answering ${JSON.stringify(state())}`;
          throw new Error(broken);
        }
      }
    }
  };
  /** Is a worker still inside the job that last used job `seq`'s block? */
  const staleIn = (seq: number) => {
    const stale = inside(seq - RING_JOBS);
    for (let w = 0; w < size; w++) if (Atomics.load(ctrl, ACT + w) === stale) return true;
    return false;
  };
  /** Write job `seq` into its block and publish it; first wait for any worker still inside the block's last job. */
  const post = (op: number, slots: number[], scale: number) => {
    const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
    const base = blockOf(seq);
    // Only a worker descheduled inside a job RING_JOBS jobs ago can be there; it leaves once it runs again.
    if (staleIn(seq))
      waitUntil(
        () => !staleIn(seq),
        ACT,
        1,
        () => ({ seq, inside: seq - RING_JOBS }),
      );
    // Plain writes, published by the Atomics.store of SEQ below (each Atomics.store is a full fence: ~1 µs per job).
    ctrl[base + NEXT] = 0;
    ctrl[base + OP] = op;
    for (let i = 0; i < 8 + EXTRA_SLOTS; i++) ctrl[base + PARAMS + i] = slots[i] ?? 0;
    results[base + SCALE] = scale;
    ctrl[DONE] = 0;
    ctrl[ERROR] = 0;
    ctrl[NRESULTS] = 0;
    Atomics.store(ctrl, SEQ, seq);
    Atomics.notify(ctrl, SEQ);
    return seq;
  };

  return {
    size,
    control,
    run(op, params, units, minUnits, divisor, scale = 0) {
      if (disposed) throw new Error('wasm kernels: used after dispose()');
      if (broken !== null) throw new Error(broken);
      // Every claim but the last takes at least units ÷ MAX_CLAIMS units, so the partials fit their slots.
      const smallest = Math.max(1, minUnits, Math.ceil(units / (MAX_CLAIMS - 1)));
      if (!(units >= 1 && units < 2 ** 31)) throw new RangeError(`wasm kernels: ${units} units in one job`);
      if (params.length > 5 + EXTRA_SLOTS) throw new RangeError(`wasm kernels: ${params.length} job parameters`);
      const first = op === OP_SUM ? [params[0] ?? 0, 0, 0, 0, 64] : params.slice(0, 5);
      const seq = post(op, [...first, units, smallest, divisor * (size + 1), ...params.slice(5)], scale);
      if (callerClaims) claimLoop(exports, ctrl, results, seq);
      // Wait only for pieces a worker claimed and is still computing.
      waitUntil(
        () => Atomics.load(ctrl, DONE) === units,
        DONE,
        50,
        () => ({ seq, units, done: Atomics.load(ctrl, DONE), op }),
      );
      if (Atomics.load(ctrl, ERROR) === 1) throw new Error('wasm kernels: a kernel trapped (offsets outside the memory?)');
      return results.subarray(RESULTS, RESULTS + Atomics.load(ctrl, NRESULTS));
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      // Workers leave at OP_EXIT; terminate() stops any that cannot (stuck, or inside the exit block's last job).
      if (broken === null && !staleIn((Atomics.load(ctrl, SEQ) + 1) | 0)) post(OP_EXIT, [], 0);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
