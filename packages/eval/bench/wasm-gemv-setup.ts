// Shared setup of bench/wasm-gemv.ts: the MobileLLM-125M weight shapes, random fills, the wasm and onnxruntime
// configurations it alternates, and the alternating timer.
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Graph, encodeModel } from '@scalewise/models/internals';
import { createWasmKernels, type WasmKernelOptions, type WasmKernelsWithSum } from '../src/backends/wasm/kernels.js';

export const SETTLE_MS = 50;
const LAYER: Array<[number, number]> = [
  [576, 960],
  [576, 576],
  [576, 3072],
  [1536, 576],
];
export const shapesFor = (layers: number, head: boolean): Array<[number, number]> => [
  ...Array.from({ length: layers }, () => LAYER).flat(),
  ...(head ? [[576, 32000] as [number, number]] : []),
];
export const FULL = shapesFor(30, true);
export const bytesOf = (shapes: Array<[number, number]>) => shapes.reduce((a, [k, n]) => a + k * n * 4, 0);
export const load = () => loadavg().map((v) => Number(v.toFixed(2)));
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
export const gbs = (bytes: number, ms: number) => bytes / ms / 1e6;

/** xorshift32 values in [-0.5, 0.5): distinct per element, fast enough for 125M floats. */
export function fillRandom(a: Float32Array, seed: number, from = 0, to = a.length) {
  let s = seed >>> 0 || 1;
  for (let i = from; i < to; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = (s >>> 0) / 4294967296 - 0.5;
  }
}

export interface Config {
  name: string;
  bytes: number;
  pass: () => unknown;
  release: () => Promise<void>;
}

/** A kernels instance holding `shapes` (random), a pass = one gemv per matrix; plus the sum over the same bytes. */
export async function wasmConfigs(label: string, threads: number, shapes: Array<[number, number]>, options: WasmKernelOptions = {}) {
  const kr: WasmKernelsWithSum = await createWasmKernels({ threads, maxBytes: bytesOf(shapes) + 2 ** 26, ...options });
  const mats = shapes.map(([k, n]) => kr.allocMatrix(k, n));
  const first = mats[0]!.off;
  const last = mats.at(-1)!;
  const end = last.off + last.K * last.Npad;
  fillRandom(kr.f32(), threads * 7919 + 1, first, end);
  const x = kr.alloc(1536);
  const y = kr.alloc(32000);
  fillRandom(kr.f32(), 3, x, x + 1536);
  const sumFloats = Math.floor((end - first) / 16) * 16;
  const gemv: Config = {
    name: `wasm gemv ${label} (${threads} thread${threads > 1 ? 's' : ''})`,
    bytes: bytesOf(shapes),
    pass: () => {
      for (const m of mats) kr.gemv(x, m, y);
    },
    release: () => kr.dispose(),
  };
  const sum: Config = {
    name: `wasm sum (${threads} thread${threads > 1 ? 's' : ''})`,
    bytes: sumFloats * 4,
    pass: () => kr.sum(first, sumFloats),
    release: async () => {},
  };
  return { gemv, sum };
}

/** All the weight set's MatMuls in one onnxruntime graph (prepacked initializers), one run = one pass. */
export async function ortMatMul(threads: number, spinning: boolean, seed: number): Promise<Config> {
  const g = new Graph('gemv');
  const x576 = g.input('x576', 'float32', [1, 576]);
  const x1536 = g.input('x1536', 'float32', [1, 1536]);
  FULL.forEach(([k, n], i) => {
    const data = new Float32Array(k * n);
    fillRandom(data, seed + i);
    const w = g.initializer(`w${i}`, { dtype: 'float32', dims: [k, n], data });
    g.output(g.op1('MatMul', [k === 576 ? x576 : x1536, w]), 'float32', [1, n], `y${i}`);
  });
  const session = await ort.InferenceSession.create(encodeModel(g), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  });
  const vec = (n: number) => {
    const a = new Float32Array(n);
    fillRandom(a, n);
    return new ort.Tensor('float32', a, [1, n]);
  };
  const feeds = { x576: vec(576), x1536: vec(1536) };
  return {
    name: `onnxruntime MatMul (${threads} thread${threads > 1 ? 's' : ''}, spinning ${spinning ? 'on' : 'off'})`,
    bytes: bytesOf(FULL),
    pass: () => session.run(feeds),
    release: () => session.release(),
  };
}

/** onnxruntime ReduceSum over a random 256 MiB initializer (optimisations off, so it is not folded at load). */
export async function ortReduceSum(threads: number): Promise<Config> {
  const [rows, cols] = [16384, 4096];
  const g = new Graph('sum');
  const data = new Float32Array(rows * cols);
  fillRandom(data, 99);
  const w = g.initializer('w', { dtype: 'float32', dims: [rows, cols], data });
  const x = g.input('x', 'float32', [1]);
  const axis = g.constant({ dtype: 'int64', dims: [1], data: BigInt64Array.from([1n]) });
  g.output(g.op1('Add', [g.op1('ReduceSum', [w, axis], { keepdims: { type: 'int', value: 0 } }), x]), 'float32', [rows], 'y');
  const session = await ort.InferenceSession.create(encodeModel(g), {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const feeds = { x: new ort.Tensor('float32', new Float32Array(1), [1]) };
  return {
    name: `onnxruntime ReduceSum (${threads} thread${threads > 1 ? 's' : ''})`,
    bytes: rows * cols * 4,
    pass: () => session.run(feeds),
    release: () => session.release(),
  };
}

/** Time every config `passes` times, alternating (rotated order each pass) after one untimed warm-up pass each. */
export async function alternate(configs: Config[], n: number) {
  for (const c of configs) {
    if (process.env.DEBUG_BENCH) console.log('warm', c.name);
    await c.pass();
  }
  const times = new Map<string, number[]>(configs.map((c) => [c.name, []]));
  const before = load();
  const cpu0 = process.cpuUsage();
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + p) % configs.length] as Config;
      // Let the previous config's spinning threads (onnxruntime's pool, the wasm workers) go idle first.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      // Then one untimed pass, so the timed one finds its threads awake, as back-to-back decode tokens do.
      await c.pass();
      const t = performance.now();
      await c.pass();
      times.get(c.name)!.push(performance.now() - t);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const rows = configs.map((c) => {
    const ms = times.get(c.name)!;
    return { config: c.name, bytes: c.bytes, gb_per_s_median: gbs(c.bytes, median(ms)), gb_per_s_best: gbs(c.bytes, Math.min(...ms)), ms };
  });
  for (const r of rows)
    console.log(`  ${r.config.padEnd(52)} ${r.gb_per_s_median.toFixed(1).padStart(5)} GB/s median, ${r.gb_per_s_best.toFixed(1)} best`);
  console.log(`  load ${before.join(' ')} → ${load().join(' ')}`);
  return { passes: n, loadavg_before: before, loadavg_after: load(), process_cpu_s: (cpu.user + cpu.system) / 1e6, results: rows };
}
