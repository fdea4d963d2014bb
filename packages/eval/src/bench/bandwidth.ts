import * as ort from 'onnxruntime-node';
import { Graph, encodeModel } from '@scalewise/models/internals';
import { wasmSum } from './wasm-sum.js';

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

async function timeOrt(
  build: (g: Graph, w: string, x: string) => string,
  n: number,
  rows: number,
  threads: number | undefined,
  passes: number,
): Promise<number> {
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
  let best = 0;
  for (let p = 0; p < passes; p++) {
    const t = process.hrtime.bigint();
    await session.run(feeds);
    best = Math.max(best, (n * 4 * 1e9) / Number(process.hrtime.bigint() - t));
  }
  await session.release();
  return best;
}

/**
 * Measure main-memory read bandwidth by streaming a buffer far larger than the caches: a WebAssembly SIMD sum
 * (one thread), onnxruntime ReduceSum, and an onnxruntime matrix-vector product (the kernel that dominates
 * decoding, so this is the bandwidth decoding can actually reach). Reports the best pass of any method.
 */
export async function measureBandwidth(options: { bytes?: number; passes?: number; threads?: number } = {}): Promise<BandwidthResult> {
  const bytes = options.bytes ?? 256 * 2 ** 20;
  const passes = options.passes ?? 5;
  const n = Math.floor(bytes / 4 / 4096) * 4096;
  const rows = n / 4096;
  const byMethod: Record<string, number> = {};
  const wasm = await wasmSum(n * 4);
  let best = 0;
  for (let p = 0; p < passes; p++) {
    const t = process.hrtime.bigint();
    wasm.sum();
    best = Math.max(best, (wasm.bytes * 1e9) / Number(process.hrtime.bigint() - t));
  }
  byMethod['wasm simd sum (1 thread)'] = best;
  const axis = (g: Graph) => g.constant({ dtype: 'int64', dims: [1], data: BigInt64Array.from([1n]) });
  byMethod['onnxruntime ReduceSum'] = await timeOrt(
    (g, w) => g.op1('ReduceSum', [w, axis(g)], { keepdims: { type: 'int', value: 1 } }),
    n,
    rows,
    options.threads,
    passes,
  );
  byMethod['onnxruntime MatMul [1,K]x[K,N]'] = await timeOrt((g, w, x) => g.op1('MatMul', [x, w]), n, rows, options.threads, passes);
  const [method, value] = Object.entries(byMethod).reduce((a, b) => (b[1] > a[1] ? b : a));
  return { bytes_per_second: value, buffer_bytes: n * 4, method, threads: options.threads ?? null, by_method: byMethod };
}
