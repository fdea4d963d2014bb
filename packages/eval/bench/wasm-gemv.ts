// The wasm decode kernels against onnxruntime on MobileLLM-125M's per-token weight set (30 layers × [576×960, 576×576,
// 576×3072, 1536×576] + head 576×32000 = 499 MB fp32, distinct random values: constant weights run from cache).
// One process, configurations alternated A/B/A/B (the order rotates each pass); GB/s = weight bytes ÷ pass time,
// median of the passes. Writes bench-results/wasm-gemv.json. Run from packages/eval:
//   node --conditions=@scalewise/source --import tsx bench/wasm-gemv.ts      (SCALEWISE_BENCH_PASSES, default 7)
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { join } from 'node:path';
import { createWasmKernels, MIN_PARALLEL_WORK } from '../src/backends/wasm/kernels.js';
import { DEFAULT_VARIANT, type KernelVariant } from '../src/backends/wasm/kernel-module.js';
import { ortQ8, q8Bytes, wasmQ8, Q8_BLOCK } from './wasm-gemv-q8.js';
import {
  alternate,
  bytesOf,
  FULL,
  median,
  ortMatMul,
  ortReduceSum,
  SETTLE_MS,
  shapesFor,
  wasmConfigs,
  type Config,
} from './wasm-gemv-setup.js';

const passes = Number(process.env.SCALEWISE_BENCH_PASSES ?? 9);
const phases = (process.env.SCALEWISE_BENCH_PHASES ?? 'tuning,threshold,decode,int8').split(',');
const started = performance.now();
// 1. Inner-loop variants at 1 thread and claim sizes at 2, on 10 layers (142 MB, far beyond the caches).
let tuning = null;
let threshold = null;
let decode = null;
if (phases.includes('tuning')) {
  console.log('== tuning: gemv inner-loop variants (1 thread) and claim sizes (2 threads), 10 layers');
  const variants: Array<[string, KernelVariant]> = [
    ['1 row/iter, 8 acc', { unroll: 1, sets: 1 }],
    ['2 rows/iter, 8 acc', { unroll: 2, sets: 1 }],
    ['2 rows/iter, 16 acc', { unroll: 2, sets: 2 }],
    ['4 rows/iter, 8 acc', { unroll: 4, sets: 1 }],
    ['4 rows/iter, 16 acc', { unroll: 4, sets: 2 }],
    ['2 panels at once, 16 acc', { unroll: 1, sets: 1, streams: 2 }],
    ['3 panels at once, 24 acc', { unroll: 1, sets: 1, streams: 3 }],
    ['4 panels at once, 32 acc', { unroll: 1, sets: 1, streams: 4 }],
  ];
  const tuneConfigs: Config[] = [];
  // Inner-loop shape at 1 thread; how much of what is left each claim takes at 2 threads.
  for (const [label, v] of variants) tuneConfigs.push((await wasmConfigs(label, 1, shapesFor(10, false), { variant: v })).gemv);
  for (const claimDivisor of [1, 2, 4, 8]) {
    const label = `${DEFAULT_VARIANT.streams} panels at once, claims of left÷${claimDivisor * 2}`;
    tuneConfigs.push((await wasmConfigs(label, 2, shapesFor(10, false), { claimDivisor, variant: DEFAULT_VARIANT })).gemv);
  }
  tuneConfigs.push((await wasmConfigs('one panel at a time', 2, shapesFor(10, false), { variant: { unroll: 1, sets: 1 } })).gemv);
  for (const streams of [2, 4] as const)
    tuneConfigs.push(
      (await wasmConfigs(`${streams} panels at once`, 2, shapesFor(10, false), { variant: { unroll: 1, sets: 1, streams } })).gemv,
    );
  tuning = await alternate(tuneConfigs, passes);
  for (const c of tuneConfigs) await c.release();
  tuneConfigs.length = 0; // let the memories go before the full set is built
}

// 2. The parallel threshold: a small in-cache gemv [64, N] at 1 thread vs always split over 2.
if (phases.includes('threshold')) {
  console.log('== threshold: µs per call, [64, N] in cache, 1 thread vs split over 2');
  const one = await createWasmKernels({ threads: 1, maxBytes: 2 ** 26, variant: DEFAULT_VARIANT });
  const two = await createWasmKernels({ threads: 2, maxBytes: 2 ** 26, minParallelWork: 0, variant: DEFAULT_VARIANT });
  threshold = [] as Array<Record<string, number>>;
  for (const N of [64, 256, 512, 1024, 2048, 4096]) {
    const row: Record<string, number> = { K: 64, N, work: 64 * N };
    for (const [name, kr] of [
      ['one_thread_us', one],
      ['two_threads_us', two],
    ] as const) {
      const m = kr.allocMatrix(64, N);
      const x = kr.alloc(64);
      const y = kr.alloc(N);
      const per: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        for (let i = 0; i < 400; i++) kr.gemv(x, m, y);
        per.push(((performance.now() - t) / 400) * 1000);
      }
      row[name] = Number(median(per).toFixed(2));
    }
    console.log(`  [64, ${N}]: ${row.one_thread_us} µs at 1 thread, ${row.two_threads_us} µs split over 2`);
    threshold.push(row);
  }
  await one.dispose();
  await two.dispose();
}

// 3. The full weight set: wasm gemv and sum vs onnxruntime MatMul and ReduceSum, 1 and 2 threads.
if (phases.includes('decode')) {
  console.log('== MobileLLM-125M weight set (499 MB): wasm vs onnxruntime');
  const main: Config[] = [];
  const sums: Config[] = [];
  for (const threads of [1, 2]) {
    console.log(`  building wasm ${threads}`);
    const w = await wasmConfigs(`${DEFAULT_VARIANT.streams} panels at once`, threads, FULL, { variant: DEFAULT_VARIANT });
    main.push(w.gemv);
    sums.push(w.sum);
    main.push((await wasmConfigs('one panel at a time', threads, FULL, { variant: { unroll: 1, sets: 1 } })).gemv);
    // What decoding gets: the streams gate choosing between the two as it goes (kernels.ts STREAMS_MARGIN).
    main.push((await wasmConfigs('panels as the streams gate chooses', threads, FULL)).gemv);
  }
  for (const threads of [1, 2])
    for (const spinning of [true, false]) main.push(await ortMatMul(threads, spinning, threads * 1000 + (spinning ? 1 : 0)));
  for (const threads of [1, 2]) sums.push(await ortReduceSum(threads));
  decode = await alternate([...main, ...sums], passes);
  for (const c of [...main, ...sums]) await c.release();
}

// 4. The same set in int8 blocks: wasm gemvQ8 vs onnxruntime MatMulNBits, 1 and 2 threads.
let int8 = null;
if (phases.includes('int8')) {
  console.log(`== MobileLLM-125M weight set in int8 blocks of ${Q8_BLOCK} (${(q8Bytes(FULL) / 1e6).toFixed(0)} MB): wasm vs onnxruntime`);
  const q8: Config[] = [];
  for (const threads of [1, 2])
    q8.push(await wasmQ8(threads, FULL, { variant: { ...DEFAULT_VARIANT, q8Streams: 1 } }, ' one group at a time'));
  for (const threads of [1, 2])
    q8.push(await wasmQ8(threads, FULL, { variant: { ...DEFAULT_VARIANT, q8Unroll: 1 } }, ' one input pair per iteration'));
  for (const threads of [1, 2]) q8.push(await wasmQ8(threads, FULL));
  for (const threads of [1, 2]) q8.push(await ortQ8(threads, FULL));
  int8 = await alternate(q8, passes);
  for (const c of q8) await c.release();
}

const dir = join(import.meta.dirname, '..', 'bench-results');
const file = join(dir, 'wasm-gemv.json');
// A run of some phases keeps the other phases' last figures.
const previous = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, unknown>;
const out = {
  generated_at: new Date().toISOString(),
  command: 'node --conditions=@scalewise/source --import tsx bench/wasm-gemv.ts (from packages/eval)',
  weight_set: {
    shapes: 'per layer [576,960] [576,576] [576,3072] [1536,576] × 30 + head [576,32000]',
    bytes: bytesOf(FULL),
    values: 'xorshift32 uniform [-0.5, 0.5)',
  },
  protocol:
    `one process; one untimed warm-up pass per config, then ${passes} passes alternating the configs (order rotated each pass, ` +
    `${SETTLE_MS} ms idle and one untimed pass before each timed pass, so no config's spinning threads overlap the next and ` +
    'each timed pass finds its own threads awake, as back-to-back decode tokens do); ' +
    'GB/s = weight bytes ÷ pass time; median and best pass. wasm: one gemv call per matrix; onnxruntime: one run of a graph ' +
    'holding every MatMul (graphOptimizationLevel all, prepacked), interOpNumThreads 1.',
  default_parallel_threshold_work: MIN_PARALLEL_WORK,
  defaults:
    'gemv three panels at once (three memory streams per thread) or one at a time, whichever the streams gate measures ' +
    'faster as products run (kernels.ts STREAMS_MARGIN; the hosts differ), 1 row per loop iteration, 8 f32x4 accumulators per panel; ' +
    '2 threads claim left ÷ 2 panels. sum: four quarters read at once. gemvQ8: ' +
    'four groups of 4 outputs at once, each input pair splat against 4 outputs × 2 weights, two input pairs per loop iteration',
  tried: [
    'inner loop: 2 or 4 rows per iteration, into 8 or 16 accumulators: within noise of 1 row / 8 accumulators (see tuning)',
    'n panels at once (n memory streams per thread; the default is 3 since a Xeon host where one stream read ~8 GB/s at 1 ' +
      'thread and 4 streams 12.5). 10 layers, same run, 1 thread: 1 / 2 / 3 / 4 / 6 / 8 panels 7.0-7.9 / 8.9-9.3 / 10.0-10.2 / ' +
      '10.6-11.6 / 10.5 / 11.0 GB/s; 2 threads 12.1-12.5 / 14.8-15.8 / 17.2-17.4 / 16.3-18.2 / 17.8 / 17.4. MobileLLM-125M ' +
      'decode, 1 / 2 / 3 / 4 panels, same process: 14.4 / 17.8 / 20.8 / 19.9 tokens/s at 1 thread, 24.5 / 30.8 / 34.2 / 33.4 ' +
      'and 25.7 / 32.1 / 35.0 / 36.5 at 2. On an EPYC host that reads one stream at full speed 2 panels measured 18.0 vs ' +
      '18.0 GB/s at 1 thread and 25.2 vs 25.0 at 2 (270 MB, 25 passes)',
    'each panel read as S runs of ⌊K/S⌋ rows into the same 8 accumulators (Xeon, 10 layers, same run): 1 thread 7.9 → ' +
      '9.7 / 10.8 / 11.4 / 11.0 GB/s for S = 2 / 3 / 4 / 6, 2 threads 14.9 → 19.0 at S = 4; decode 1.33-1.41× faster ' +
      'than one panel at a time, as 3 panels at once. Not adopted: the prefill gemm must add in the same order to stay ' +
      'bit-identical to gemv, and it ran 1.4-1.9× slower in that order (offsets per run, x packed per group, or one row ' +
      'per iteration with the pointers rotating between runs: the gemm is bound by instructions issued, not memory)',
    'static split (the caller and each worker one contiguous panel range, per-worker done counters): when the worker had ' +
      'gone to sleep a 576×1000 gemv took ~1.1 ms instead of 0.04 ms (waking a thread costs ~0.5 ms on this VM), and ' +
      'with another process on the second vCPU the caller waited for a descheduled worker',
    'fixed chunks claimed by compare-and-swap (2, 4, 8, 16 per thread): no clear winner; guided claims (left ÷ 2·threads) ' +
      'beat fixed 4 per thread 26.3 vs 23.5 GB/s median at 2 threads on a 240 MB set, same process, 25 alternated passes',
    'parallel threshold: in cache, [64, 1024] 7.1 µs alone vs 8.3 µs split, [64, 2048] 13.7 vs 13.3, [64, 4096] 28 vs 22: ' +
      'split from 128K multiply-adds',
    "relaxed SIMD's f32x4.relaxed_madd for f32x4.mul + f32x4.add (Node 20 compiles it only with " +
      '--experimental-wasm-relaxed-simd). 2-core EPYC, full set, 13 alternated passes: one panel at a time 20.0 → 23.3 GB/s at ' +
      '1 thread, 28.3 → 31.8 at 2; three panels at once (the default) 21.4 → 20.5 and 30.0 → 29.3; the sum probe 20.2 and ' +
      '32.0. MobileLLM-125M decode, fresh processes alternated, 6 runs: medians 39 vs 39 tokens/s at 1 thread, 55 vs 51 at 2. ' +
      'Not adopted: the best pair here (one panel, fused) is 6-9% faster than the default, and only behind a V8 flag',
  ],
  tuning: tuning ?? previous.tuning ?? null,
  threshold: threshold ?? previous.threshold ?? null,
  decode: decode ?? previous.decode ?? null,
  int8_weight_set: {
    bytes: q8Bytes(FULL),
    layout: `uint8 q + 128 [N, ⌈K/${Q8_BLOCK}⌉, ${Q8_BLOCK}] + f32 scale per block (quantize/int8.ts); GB/s counts these bytes`,
    wasm: 'gemvQ8: K padded to whole blocks (576 → 640, zeros), activations quantized per block as onnxruntime CompInt8',
    onnxruntime: 'com.microsoft.MatMulNBits bits 8, block_size 128, accuracy_level 4 (the int8 export), spinning default',
  },
  int8: int8 ?? previous.int8 ?? null,
  int8_tried: [
    'widening int8 to i16 with v128.load8x8_s (one vpmovsxbw with a memory operand per 8 values) instead of v128.load + ' +
      'i16x8.extend_low/high: 9.2 vs 8.0 GB/s median at 1 thread, same run, 11 passes, load 6 (the second is gone)',
    'activation quantization in JavaScript: ~7 µs per 640 floats, ~1 ms per MobileLLM-125M token (121 calls), serial ' +
      'before each split gemv; now quantQ8 in SIMD (f32x4.nearest = round half to even, bit-identical, tested)',
    'the layout before (16 inputs × 4 outputs per 64 bytes, 4 i32x4 accumulators per output group, summed across lanes at ' +
      'each block end) read two groups at once at most: 8 integer + 2 float accumulators; and --print-wasm-code showed ' +
      "TurboFan issuing a loop body's loads first and its arithmetic after them, spilling widened weights and 3 accumulators " +
      'to the stack. Now each input pair is splat against 8 weights (4 outputs × 2 inputs), one i32x4 per group, one pair ' +
      'per loop iteration (no spills). Xeon host, 140 MB set, same process, 9 alternated passes, median GB/s: before 7.7-7.9 ' +
      '(1 thread) and 9.9-10.8 (2); now 2 / 3 / 4 groups at once 8.7 / 10.1 / 11.2 (1 thread) and 12.3 / 14.3 / 14.6 (2); ' +
      '5, 6, 8 groups 11.3 / 10.5 / 11.0 and 12.3 / 14.2 / 14.6 (no better than 4)',
  ],
  phases_run: phases,
  wall_s: Number(((performance.now() - started) / 1000).toFixed(1)),
};
mkdirSync(dir, { recursive: true });
writeJsonAtomicSync(file, out);
console.log(`wrote ${file} (${out.wall_s} s)`);
