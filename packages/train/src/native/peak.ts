import * as ort from 'onnxruntime-node';
import { Graph, encodeModel } from '@scalewise/models';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * GFLOP/s of one plain ONNX Runtime MatMul [m×k]·[k×n] (median of `reps` timed runs after a warm-up),
 * with B fed as an input or stored as an initializer (pre-packed by ORT).
 */
export async function plainMatMulGflops(m: number, k: number, n: number, threads?: number, bInitializer = false, reps = 10): Promise<number> {
  const g = new Graph('matmul');
  const a = g.input('a', 'float32', [m, k]);
  const bData = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
  const b = bInitializer ? g.initializer('b', { dtype: 'float32', dims: [k, n], data: bData }) : g.input('b', 'float32', [k, n]);
  g.output(g.op1('MatMul', [a, b]), 'float32', [m, n], 'y');
  const session = await ort.InferenceSession.create(encodeModel(g), {
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  });
  const feeds: Record<string, ort.Tensor> = { a: new ort.Tensor('float32', Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 13) / 13 - 0.5), [m, k]) };
  if (!bInitializer) feeds.b = new ort.Tensor('float32', bData, [k, n]);
  await session.run(feeds);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push((performance.now() - t0) / 1000);
  }
  await session.release();
  return (2 * m * k * n) / median(times) / 1e9;
}

const machinePeaks = new Map<string, Promise<number>>();

/**
 * The machine's achievable fp32 GFLOP/s through ONNX Runtime (a 512³ MatMul, the better of fed and
 * pre-packed B), measured once per process and thread count: what MFU of the native engine is relative to.
 */
export function machinePeakGflops(threads?: number): Promise<number> {
  const key = String(threads ?? 'default');
  let peak = machinePeaks.get(key);
  if (!peak) {
    peak = Promise.all([plainMatMulGflops(512, 512, 512, threads, false), plainMatMulGflops(512, 512, 512, threads, true)]).then(([fed, packed]) => Math.max(fed, packed));
    machinePeaks.set(key, peak);
  }
  return peak;
}
