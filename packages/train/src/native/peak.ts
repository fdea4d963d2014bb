import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Graph, encodeModel, tensor } from '@scalewise/models/internals';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Wall-clock and process CPU seconds of `reps` sequential runs of one plain ONNX Runtime MatMul [m×k]·[k×n]
 * after an untimed warm-up, with B fed as an input or stored as an initializer (pre-packed by ORT). Runs must not
 * overlap another session's: `session.run` resolves after a setImmediate, so two interleaved timers each time both runs.
 * Only one element of the product is returned: an [m×n] graph output is allocated afresh on every run (even into a
 * preallocated output ORT allocates its own and copies), and on a VM where a page fault costs ~11 µs its pages (256 per
 * run at 512²) timed 512³ at 35–79 GFLOP/s for products that run at 160–390: the peak depended on which mode a pass
 * caught. An intermediate lives in ORT's arena, reused from run to run, as every tensor of a training step does.
 */
async function matMulSeconds(
  m: number,
  k: number,
  n: number,
  threads: number | undefined,
  bInitializer: boolean,
  reps: number,
): Promise<{ wall: number[]; cpu: number[] }> {
  const g = new Graph('matmul');
  const a = g.input('a', 'float32', [m, k]);
  const bData = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
  const b = bInitializer ? g.initializer('b', { dtype: 'float32', dims: [k, n], data: bData }) : g.input('b', 'float32', [k, n]);
  // Only y[0, 0] leaves the graph: the product stays an intermediate in ORT's arena (see above).
  const corner = (v: number) => g.constant(tensor.int64([v, v]), `corner${v}`);
  g.output(g.op1('Slice', [g.op1('MatMul', [a, b]), corner(0), corner(1)]), 'float32', [1, 1], 'y');
  const session = await ort.InferenceSession.create(encodeModel(g), {
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  });
  try {
    const feeds: Record<string, ort.Tensor> = {
      a: new ort.Tensor(
        'float32',
        Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 13) / 13 - 0.5),
        [m, k],
      ),
    };
    if (!bInitializer) feeds.b = new ort.Tensor('float32', bData, [k, n]);
    await session.run(feeds);
    const wall: number[] = [],
      cpu: number[] = [];
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await session.run(feeds);
      wall.push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e6);
    }
    return { wall, cpu };
  } finally {
    await session.release();
  }
}

/** GFLOP/s of one plain ORT MatMul [m×k]·[k×n]: median of `reps` timed runs after a warm-up. */
export async function plainMatMulGflops(
  m: number,
  k: number,
  n: number,
  threads?: number,
  bInitializer = false,
  reps = 10,
): Promise<number> {
  return (2 * m * k * n) / median((await matMulSeconds(m, k, n, threads, bInitializer, reps)).wall) / 1e9;
}

/**
 * One measured MatMul configuration; `gflops` is its fastest run, by the wall clock or, at 1 thread, by the
 * process CPU clock when that is faster (`clock`).
 */
export interface MatMulSample {
  m: number;
  k: number;
  n: number;
  threads: number;
  prepacked: boolean;
  gflops: number;
  clock: 'wall' | 'cpu';
}

/** The machine's best measured fp32 MatMul throughput through ORT, and every configuration tried. */
export interface MatMulPeak {
  gflops: number;
  best: MatMulSample;
  samples: MatMulSample[];
}

export interface MatMulPeakOptions {
  /** Square sizes n (an n³ MatMul each); default 512 and 1024. */
  sizes?: number[];
  /** Intra-op thread counts; default 1 and every core (ORT's default on this machine). */
  threadCounts?: number[];
  /** Timed runs per configuration (the fastest counts); default 5. */
  reps?: number;
  /**
   * Further passes over every configuration, up to this many, while the samples so far prefer fewer threads than the
   * most measured (`preferredThreads`). One slow multi-thread sample is enough for that verdict: on the 2-core EPYC a
   * pass measured 512³ at 95 GFLOP/s with 2 threads against 88 with 1, a pass a minute later 195 against 103, and the
   * bench model then trained 1.7× slower on the 1 thread chosen. Default 2.
   */
  confirmPasses?: number;
}

/** How `measureMatMulPeak` times one configuration (tests substitute a scripted one). */
export type MatMulTimer = typeof matMulSeconds;

/** Thread counts the peak is searched over: 1 and all cores (sibling vCPUs can make 1 the faster). */
export function peakThreadCounts(): number[] {
  const cores = availableParallelism();
  return cores > 1 ? [1, cores] : [1];
}

/**
 * Best fp32 GFLOP/s of plain ORT MatMuls over sizes × thread counts × (fed, pre-packed B), each the fastest of
 * `reps` runs, measured one after another, in 1 to 1 + `confirmPasses` passes (`samples` holds every pass's). A peak
 * is a capability, so the best run is the estimate least biased by other load on a shared machine; at 1 thread (run
 * on the calling thread) the CPU seconds also count, which excludes time other jobs held the core: a peak measured on a
 * busy machine stays near the idle one, and MFU relative to it stays at most 1 when the machine is quieter during
 * training.
 */
export async function measureMatMulPeak(options: MatMulPeakOptions = {}): Promise<MatMulPeak> {
  return _measureMatMulPeak(options, matMulSeconds);
}

/** `measureMatMulPeak` with its timer passed in. */
export async function _measureMatMulPeak(options: MatMulPeakOptions, time: MatMulTimer): Promise<MatMulPeak> {
  const sizes = options.sizes ?? [512, 1024];
  const threadCounts = options.threadCounts ?? peakThreadCounts();
  const reps = options.reps ?? 5;
  const samples: MatMulSample[] = [];
  const pass = async () => {
    for (const size of sizes) {
      for (const threads of threadCounts) {
        for (const prepacked of [false, true]) {
          const { wall, cpu } = await time(size, size, size, threads, prepacked, reps);
          const [fastWall, fastCpu] = [Math.min(...wall), Math.min(...cpu)];
          const clock = threads === 1 && fastCpu > 0 && fastCpu < fastWall ? 'cpu' : 'wall';
          const gflops = (2 * size ** 3) / (clock === 'cpu' ? fastCpu : fastWall) / 1e9;
          samples.push({ m: size, k: size, n: size, threads, prepacked, gflops, clock });
        }
      }
    }
  };
  await pass();
  const most = Math.max(...threadCounts);
  for (let extra = 0; extra < (options.confirmPasses ?? 2) && preferredThreads(peakOf(samples)) < most; extra++) await pass();
  return peakOf(samples);
}

function peakOf(samples: MatMulSample[]): MatMulPeak {
  const best = samples.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { gflops: best.gflops, best, samples };
}

/**
 * Intra-op threads for training: more threads only where they beat fewer by at least 25% at every measured size.
 * A training step has many small ops that must pay for the synchronisation too; on sibling vCPUs, or cores that
 * other jobs keep busy, more threads lose. Requiring every size guards against a single noisy sample.
 */
export function preferredThreads(peak: MatMulPeak): number {
  const best = new Map<string, number>();
  const key = (threads: number, s: MatMulSample) => `${threads}:${s.m}x${s.k}x${s.n}`;
  for (const s of peak.samples) best.set(key(s.threads, s), Math.max(best.get(key(s.threads, s)) ?? 0, s.gflops));
  const sizes = [...new Map(peak.samples.map((s) => [`${s.m}x${s.k}x${s.n}`, s])).values()];
  const counts = [...new Set(peak.samples.map((s) => s.threads))].sort((a, b) => a - b);
  let chosen = counts[0] as number;
  for (const more of counts.slice(1)) {
    if (sizes.every((s) => (best.get(key(more, s)) ?? 0) >= 1.25 * (best.get(key(chosen, s)) ?? Infinity))) chosen = more;
  }
  return chosen;
}

let machinePeak: Promise<MatMulPeak> | undefined;

/** `measureMatMulPeak()` with the default search, measured once per process. */
export function machineMatMulPeak(): Promise<MatMulPeak> {
  machinePeak ??= measureMatMulPeak();
  return machinePeak;
}

/**
 * Use `peak` as this thread's machine peak instead of measuring it: a run pool measures once, before its workers
 * train, so no worker measures while another one trains (which would lower its peak) and every run's MFU has the
 * same denominator.
 */
export function useMachineMatMulPeak(peak: MatMulPeak): void {
  machinePeak = Promise.resolve(peak);
}

/**
 * The machine's achievable fp32 GFLOP/s through ONNX Runtime (best over shapes and thread counts, see
 * `measureMatMulPeak`), measured once per process: what MFU of the native engine is relative to, whatever
 * thread count the engine itself runs with.
 */
export async function machinePeakGflops(): Promise<number> {
  return (await machineMatMulPeak()).gflops;
}
