/**
 * Whether the kernels may hand work to the worker threads now. Workers spin between jobs so that back-to-back
 * products skip a wake-up; with another CPU-bound process on a 2-vCPU machine that spinning takes CPU time from the
 * calling thread, and a worker taken off its CPU holds its claimed pieces for a whole time slice while the caller
 * waits. Measured: MobileLLM-125M decode at 2 threads fell from 49–54 to 21–23 tokens/s with one busy process beside
 * it, below the 38–42 of one thread. The symptom the pool can see is a caller waiting milliseconds for a worker's
 * pieces; alone that happens about once in 800 jobs (≈ 7 tokens), beside a busy process once in 150 (≈ 1 per token).
 * So `lateJobs` late jobs within `window` judged jobs close the gate: products run on the calling thread alone (the
 * idle workers fall asleep) for a back-off that doubles while lateness continues, up to `maxMs`; then workers are tried
 * again, the first `graceJobs` unjudged (a worker woken from sleep starts late and cold). Outputs do not depend on which
 * thread computed them.
 */
export interface WorkerGateOptions {
  /** A caller wait longer than this (ms) after it ran out of unclaimed work means a worker was not running. */
  lateMs?: number;
  /** This many late jobs within `window` judged jobs close the gate. */
  lateJobs?: number;
  window?: number;
  /** First back-off (ms), doubled by every closing up to maxMs; reset after `window`·8 on-time jobs in a row. */
  minMs?: number;
  maxMs?: number;
  /** Jobs after the gate reopens whose waits are not judged. */
  graceJobs?: number;
}

export interface WorkerGate {
  /** May a job use the workers at time `now` (ms)? */
  open(now: number): boolean;
  /** A job that used the workers ended at `now`; its caller waited `waitedMs` for pieces a worker had claimed. */
  record(waitedMs: number, now: number): void;
  /** Jobs sent to the calling thread alone because the gate was closed (for benchmarks and tests). */
  readonly bypassed: number;
}

export function createWorkerGate(options: WorkerGateOptions = {}): WorkerGate {
  const lateMs = options.lateMs ?? 0.5;
  const lateJobs = options.lateJobs ?? 2;
  const window = options.window ?? 256;
  const minMs = options.minMs ?? 50;
  const maxMs = options.maxMs ?? 2000;
  const graceJobs = options.graceJobs ?? 16;
  const lates: number[] = []; // judged-job numbers of the last `lateJobs` late jobs
  let judged = 0;
  let closedUntil = -Infinity; // -Infinity: open, and not since the last back-off
  let grace = 0;
  let backoff = 0;
  let onTime = 0;
  let bypassed = 0;
  return {
    open(now) {
      if (now < closedUntil) {
        bypassed++;
        return false;
      }
      if (closedUntil !== -Infinity) [closedUntil, grace] = [-Infinity, graceJobs];
      return true;
    },
    record(waitedMs, now) {
      if (grace > 0) {
        grace--;
        return;
      }
      const n = judged++;
      if (!(waitedMs > lateMs)) {
        if (++onTime >= 8 * window) backoff = 0;
        return;
      }
      onTime = 0;
      lates.push(n);
      if (lates.length > lateJobs) lates.shift();
      if (lates.length === lateJobs && n - (lates[0] as number) < window) {
        backoff = Math.min(maxMs, backoff === 0 ? minMs : 2 * backoff);
        closedUntil = now + backoff;
        lates.length = 0;
      }
    },
    get bypassed() {
      return bypassed;
    },
  };
}
