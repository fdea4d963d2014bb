import * as ort from 'onnxruntime-node';
import { Graph, encodeModel } from '@scalewise/models/internals';
import { createWasmKernels } from '../backends/wasm/kernels.js';

export interface BandwidthResult {
  /** Best read bandwidth seen over every method and pass, bytes per second. */
  bytes_per_second: number;
  /** Bytes read per pass. */
  buffer_bytes: number;
  /** The method that gave the best pass. */
  method: string;
  threads: number | null;
  /** Best pass of each method, bytes per second. */
  by_method: Record<string, number>;
}

/** A streaming kernel ready to time: one call reads `bytes` once. */
interface Streamer {
  bytes: number;
  pass: () => Promise<void>;
  release: () => Promise<void>;
}

async function ortStreamer(
  build: (g: Graph, w: string, x: string) => string,
  n: number,
  rows: number,
  threads: number | undefined,
): Promise<Streamer> {
  const g = new Graph('bandwidth');
  const w = g.initializer('w', { dtype: 'float32', dims: [rows, n / rows], data: new Float32Array(n).fill(1) });
  const x = g.input('x', 'float32', [1, rows]);
  g.output(build(g, w, x), 'float32', ['a', 'b'], 'y');
  // Optimisations off: a ReduceSum of an initializer would otherwise be folded away at load time.
  const session = await ort.InferenceSession.create(encodeModel(g), {
    graphOptimizationLevel: 'disabled',
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
  });
  const feeds = { x: new ort.Tensor('float32', new Float32Array(rows).fill(0.5), [1, rows]) };
  await session.run(feeds);
  return {
    bytes: n * 4,
    pass: async () => {
      await session.run(feeds);
    },
    release: () => session.release(),
  };
}

/** Bandwidth methods built once and timed as often as needed (e.g. between the repetitions of a benchmark). */
export interface BandwidthProbe {
  /** Best of `passes` timed passes per method (default 5). */
  measure: (passes?: number) => Promise<BandwidthResult>;
  release: () => Promise<void>;
}

/**
 * Build the bandwidth methods once: a WebAssembly SIMD sum (one thread, and split over `threads` when more than one),
 * onnxruntime ReduceSum, and an onnxruntime matrix-vector product (the kernel that dominates decoding), each over a
 * buffer far larger than the caches.
 */
export async function createBandwidthProbe(options: { bytes?: number; threads?: number } = {}): Promise<BandwidthProbe> {
  const bytes = options.bytes ?? 256 * 2 ** 20;
  const n = Math.floor(bytes / 4 / 4096) * 4096;
  const rows = n / 4096;
  // One read kernel (the decode kernels' `sum`) on one thread, and split over `threads` below.
  const wasmRead = async (threads: number): Promise<Streamer> => {
    const kernels = await createWasmKernels({ threads, maxBytes: n * 4 + 2 ** 24 });
    const off = kernels.alloc(n);
    // Written, so every page is really backed (untouched pages would all read the one zero page from cache).
    kernels.f32().fill(1, off, off + n);
    return { bytes: n * 4, pass: async () => void kernels.sum(off, n), release: () => kernels.dispose() };
  };
  const axis = (g: Graph) => g.constant({ dtype: 'int64', dims: [1], data: BigInt64Array.from([1n]) });
  const methods: Array<[string, Streamer]> = [
    ['wasm simd sum (1 thread)', await wasmRead(1)],
    [
      'onnxruntime ReduceSum',
      await ortStreamer((g, w) => g.op1('ReduceSum', [w, axis(g)], { keepdims: { type: 'int', value: 1 } }), n, rows, options.threads),
    ],
    ['onnxruntime MatMul [1,K]x[K,N]', await ortStreamer((g, w, x) => g.op1('MatMul', [x, w]), n, rows, options.threads)],
  ];
  const threads = options.threads ?? 1;
  if (threads > 1) {
    // The decode kernels read with every thread, so the bound they are judged against must too.
    methods.splice(1, 0, [`wasm simd sum (${threads} threads)`, await wasmRead(threads)]);
  }
  return {
    measure: async (passes = 5) => {
      const byMethod: Record<string, number> = {};
      for (const [name, m] of methods) {
        let best = 0;
        for (let p = 0; p < passes; p++) {
          const t = process.hrtime.bigint();
          await m.pass();
          best = Math.max(best, (m.bytes * 1e9) / Number(process.hrtime.bigint() - t));
        }
        byMethod[name] = best;
      }
      const [method, value] = Object.entries(byMethod).reduce((a, b) => (b[1] > a[1] ? b : a));
      return { bytes_per_second: value, buffer_bytes: n * 4, method, threads: options.threads ?? null, by_method: byMethod };
    },
    release: async () => {
      for (const [, m] of methods) await m.release();
    },
  };
}

/**
 * Measure main-memory read bandwidth with every method of `createBandwidthProbe`; reports the best pass of any method.
 */
export async function measureBandwidth(options: { bytes?: number; passes?: number; threads?: number } = {}): Promise<BandwidthResult> {
  const probe = await createBandwidthProbe(options);
  try {
    return await probe.measure(options.passes ?? 5);
  } finally {
    await probe.release();
  }
}
