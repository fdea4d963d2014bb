/**
 * Whether the kernels hand a product to the worker threads, decided by measuring both ways. Workers spin between jobs
 * so that back-to-back products skip a wake-up; beside another CPU-bound process on a 2-vCPU machine that spinning
 * takes CPU from the calling thread and a descheduled worker holds its claimed pieces for a time slice: MobileLLM-125M
 * decode at 2 threads fell from 49–54 to 21–23 tokens/s, below the 38–42 of one thread. Yet on a quiet host late
 * workers come in bursts too (hypervisor time slices; 27 waits over 0.5 ms in 27,000 jobs, most in the first 5,000),
 * and a gate that closed on late jobs kept a quiet 2-thread decode at 35 instead of 47 tokens/s.
 * So no symptom is trusted: products run in epochs of `epochJobs` timed in ms per multiply-add (the first `graceJobs`
 * left out: a worker woken from sleep starts late and cold). After `probeAfter` epochs a probe of `probeJobs` runs the
 * other way; if it was more than `margin` faster than the current way's recent epochs, it becomes the current way.
 * Each probe that confirms the current way doubles the epochs before the next, up to `maxProbeAfter`, so probing
 * costs little on a steady host; a switch starts again from `probeAfter`. Outputs do not depend on the way. The same
 * algorithm chooses between any two ways (`createWayGate`): the kernels also use it for gemv's panel streams (kernels.ts).
 */
export interface WorkerGateOptions {
  /** false: every product uses the workers, never measured (benchmarks compare). Default true. */
  enabled?: boolean;
  /** Jobs per epoch (default 512, about 3 tokens of a MobileLLM-125M decode). */
  epochJobs?: number;
  /** Jobs per probe of the other way (default 256). */
  probeJobs?: number;
  /** Epochs before the first probe, and after a switch (default 2). */
  probeAfter?: number;
  /** Most epochs between two probes (default 64). */
  maxProbeAfter?: number;
  /** The other way is adopted when its probe is this fraction faster per multiply-add (default 0.1). */
  margin?: number;
  /** Jobs at the start of each epoch or probe whose time is not counted (default 16). */
  graceJobs?: number;
}

export interface WorkerGate {
  /** Does the next product use the workers? */
  useWorkers(): boolean;
  /** The product asked for by the last `useWorkers()` took `ms` for `macs` multiply-adds. */
  record(ms: number, macs: number): void;
  /** Products run on the calling thread alone (for benchmarks and tests). */
  readonly bypassed: number;
  /** A probe of the other way is running: another gate over the same products leaves them out meanwhile. */
  readonly probing: boolean;
}

/** The same measured choice between any two ways of computing a product (the first way is the starting one). */
export interface WayGate {
  /** Does the next product take the first way? */
  useFirst(): boolean;
  /** The product asked for by the last `useFirst()` took `ms` for `macs` multiply-adds. */
  record(ms: number, macs: number): void;
  /** Products that took the second way. */
  readonly second: number;
  /** A probe of the way not current is running. */
  readonly probing: boolean;
}

/** Epochs averaged into the current way's rate. */
const RECENT = 4;

export function createWorkerGate(options: WorkerGateOptions = {}): WorkerGate {
  const gate = createWayGate(options);
  return {
    useWorkers: () => gate.useFirst(),
    record: (ms, macs) => gate.record(ms, macs),
    get bypassed() {
      return gate.second;
    },
    get probing() {
      return gate.probing;
    },
  };
}

/** The gate's algorithm (above) between any two ways; `enabled: false` keeps the first. */
export function createWayGate(options: WorkerGateOptions = {}): WayGate {
  const enabled = options.enabled ?? true;
  const epochJobs = options.epochJobs ?? 512;
  const probeJobs = options.probeJobs ?? 256;
  const probeAfter = options.probeAfter ?? 2;
  const maxProbeAfter = options.maxProbeAfter ?? 64;
  const margin = options.margin ?? 0.1;
  const grace = options.graceJobs ?? 16;
  let first = true; // the current way is the first
  let probe = false; // this stretch of jobs runs the other way
  let interval = probeAfter; // epochs between probes
  let epochsLeft = probeAfter; // before the next probe
  let jobs = 0; // recorded in this epoch or probe
  let ms = 0;
  let macs = 0;
  const recent: number[] = []; // ms per multiply-add of the current way's last epochs
  let second = 0; // products that took the second way

  const end = () => {
    const rate = ms / macs; // NaN without timed jobs: then nothing changes
    if (probe) {
      const current = recent.reduce((a, b) => a + b, 0) / recent.length;
      const faster = rate < current * (1 - margin);
      if (faster) [first, recent.length] = [!first, 0];
      interval = faster ? probeAfter : Math.min(maxProbeAfter, 2 * interval);
      [probe, epochsLeft] = [false, interval];
    } else {
      if (Number.isFinite(rate)) recent.push(rate);
      if (recent.length > RECENT) recent.shift();
      // A probe needs the current way measured first.
      if (--epochsLeft <= 0 && recent.length > 0) probe = true;
    }
    [jobs, ms, macs] = [0, 0, 0];
  };

  return {
    useFirst() {
      if (!enabled) return true;
      const use = probe ? !first : first;
      if (!use) second++;
      return use;
    },
    record(jobMs, jobMacs) {
      if (!enabled) return;
      const length = probe ? probeJobs : epochJobs;
      if (jobs++ >= Math.min(grace, length - 1)) [ms, macs] = [ms + jobMs, macs + jobMacs];
      if (jobs >= length) end();
    },
    get second() {
      return second;
    },
    get probing() {
      return enabled && probe;
    },
  };
}
