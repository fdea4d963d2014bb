import { F32, I32, moduleBytes, op, V128, type WasmFunction } from '@scalewise/core/wasm';
import { gemvQ8, quantQ8, type Q8Streams, type Q8Unroll } from './kernel-q8.js';
import { vectorKernels } from './kernel-vector.js';
import { attend, rope } from './kernel-attention.js';
import { gemm4 } from './kernel-gemm.js';

/** Columns per panel: 8 f32x4 accumulators hold one row of a panel. */
export const PANEL = 32;

/** A matrix W [K, N] stored for `gemv` in column panels of 32: panel p holds W[0..K, 32p..32p+32) row by row (K×32 floats). */
export interface PanelMatrix {
  /** Float offset (into `f32()`) of panel 0, 64-byte aligned. */
  readonly off: number;
  /** Rows (the reduction length) the matrix was allocated with. */
  readonly K: number;
  /** Columns (outputs) the matrix was allocated with; the storage is padded with zeros to `Npad` = ⌈N/32⌉·32. */
  readonly N: number;
  readonly Npad: number;
  /** Floats from one panel to the next (K·32 for a packed matrix). */
  readonly panelStride: number;
}

/**
 * Shape of the gemv inner loop. `unroll`: rows per loop iteration; `sets`: accumulator sets (2 = each of the two
 * unrolled rows adds into its own 8 accumulators, summed at the end, so consecutive rows do not wait on each other).
 */
export interface KernelVariant {
  unroll: 1 | 2 | 4;
  sets: 1 | 2;
  /**
   * n > 1: panels are read n at a time (n memory streams per thread, 8n accumulators, beyond 2 partly spilled to the
   * stack), what is left in fewer. Each output still sums its rows in order, so gemm4 (prefill) equals it bit for bit.
   */
  streams?: 1 | 2 | 3 | 4;
  /** gemvQ8's groups of 4 outputs computed at once (default Q8_STREAMS, 4: four memory streams). */
  q8Streams?: Q8Streams;
  /** gemvQ8's input pairs per loop iteration (default Q8_UNROLL, 2); every value gives the same floats. */
  q8Unroll?: Q8Unroll;
}
/**
 * Three panels at once: on a host where one thread's bandwidth is bounded by the cache misses it keeps in flight (a
 * Xeon: one stream read 8 GB/s, four 12.5) MobileLLM-125M decodes 1.44× (1 thread) and 1.36–1.40× (2 threads) faster
 * than one panel at a time, and 1.09–1.17× faster than two (same process, alternated; four measured the same as
 * three, with more spills). On an EPYC that reads one stream at full speed two panels measured the same as one (18.0
 * vs 18.0 GB/s). Reading each panel as 4 runs of rows was as fast, but gemm4 then has to add in that order too and
 * prefill ran 1.4× slower.
 */
export const DEFAULT_VARIANT: KernelVariant = { unroll: 1, sets: 1, streams: 3 };

/**
 * gemv(x, w, y, K, P, stride), all byte offsets: for each of P panels, y[32] = Σ_k x[k] · W[k, 32 columns], reading K
 * rows of 128 bytes from the panel start; the next panel starts `stride` bytes later and y moves on by 128 bytes.
 */
function gemv(variant: KernelVariant, name = 'gemv'): WasmFunction {
  const [X, W, Y, K, P, STRIDE, XP, XEND, WP, XLAST, WP2, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const { unroll, sets } = variant;
  const streams = variant.streams ?? 1;
  if (sets > unroll) throw new RangeError('gemv variant: sets must not exceed unroll');
  const accs = 8 * sets;
  const acc = (set: number, j: number) => S + 1 + set * 8 + j;
  const row = (rowOffset: number, set: number) => [
    ...op.get(XP),
    ...op.splat(4 * rowOffset),
    ...op.set(S),
    ...Array.from({ length: 8 }, (_, j) => [
      ...op.get(acc(set, j)),
      ...op.get(S),
      ...op.get(WP),
      ...op.load(128 * rowOffset + 16 * j),
      ...op.f32x4Mul,
      ...op.f32x4Add,
      ...op.set(acc(set, j)),
    ]).flat(),
  ];
  const fma = (accIndex: number, ptr: number, offset: number) => [
    ...[...op.get(accIndex), ...op.get(S), ...op.get(ptr), ...op.load(offset)],
    ...[...op.f32x4Mul, ...op.f32x4Add, ...op.set(accIndex)],
  ];
  // n panels per pass, n streams through memory: panel i's accumulators S+1+8i..S+8+8i, its pointer ptr(i).
  const vLocals = 1 + Math.max(accs, 8 * streams);
  const ptr = (i: number) => (i === 0 ? WP : i === 1 ? WP2 : S + vLocals + i - 2);
  const several = (n: number) => [
    ...op.block,
    ...[...op.get(P), ...op.i32(n), ...op.ltU, ...op.brIf(0)],
    ...op.loop,
    ...Array.from({ length: 8 * n }, (_, i) => [...op.zero, ...op.set(S + 1 + i)]).flat(),
    ...[...op.get(W), ...op.set(WP), ...op.get(X), ...op.set(XP)],
    ...Array.from({ length: n - 1 }, (_, i) => [...op.get(ptr(i)), ...op.get(STRIDE), ...op.add, ...op.set(ptr(i + 1))]).flat(),
    ...[...op.block, ...op.get(XP), ...op.get(XLAST), ...op.geU, ...op.brIf(0), ...op.loop],
    ...[...op.get(XP), ...op.splat(0), ...op.set(S)],
    ...Array.from({ length: n }, (_, i) => Array.from({ length: 8 }, (_, j) => fma(S + 1 + 8 * i + j, ptr(i), 16 * j)).flat()).flat(),
    ...Array.from({ length: n }, (_, i) => [...op.get(ptr(i)), ...op.i32(128), ...op.add, ...op.set(ptr(i))]).flat(),
    ...[...op.get(XP), ...op.i32(4), ...op.add, ...op.tee(XP), ...op.get(XLAST), ...op.ltU, ...op.brIf(0), ...op.end, ...op.end],
    ...Array.from({ length: 8 * n }, (_, j) => [...op.get(Y), ...op.get(S + 1 + j), ...op.store(16 * j)]).flat(),
    ...[...op.get(Y), ...op.i32(128 * n), ...op.add, ...op.set(Y)],
    ...[...op.get(W), ...op.get(STRIDE), ...op.i32(n), ...op.mul, ...op.add, ...op.set(W)],
    ...[...op.get(P), ...op.i32(n), ...op.sub, ...op.tee(P), ...op.i32(n), ...op.geU, ...op.brIf(0)],
    ...op.end,
    ...op.end,
  ];
  // The row loop runs at least once (K = 0 is answered before any panel loop): with a guard block around it V8
  // hoists all 8 weight loads of a row above the arithmetic, spills, and streams 1.2-1.4x slower.
  const rowLoop = [
    ...op.loop,
    ...Array.from({ length: unroll }, (_, u) => row(u, u % sets)).flat(),
    ...[...op.get(WP), ...op.i32(128 * unroll), ...op.add, ...op.set(WP)],
    ...[...op.get(XP), ...op.i32(4 * unroll), ...op.add, ...op.tee(XP), ...op.get(XEND), ...op.ltU, ...op.brIf(0)],
    ...op.end,
  ];
  const zeroPanels = [
    ...[...op.block, ...op.get(K), ...op.brIf(0), ...op.loop],
    ...Array.from({ length: 8 }, (_, j) => [...op.get(Y), ...op.zero, ...op.store(16 * j)]).flat(),
    ...[...op.get(Y), ...op.i32(128), ...op.add, ...op.set(Y)],
    ...[...op.get(P), ...op.i32(1), ...op.sub, ...op.tee(P), ...op.brIf(0), ...op.end, ...op.br(1), ...op.end],
  ];
  const body = [
    ...op.block,
    ...[...op.get(P), ...op.eqz, ...op.brIf(0)],
    ...zeroPanels,
    ...[...op.get(X), ...op.get(K), ...op.i32(2), ...op.shl, ...op.add, ...op.set(XLAST)],
    // The most panels at once first, what is left in fewer (the last one alone below).
    ...Array.from({ length: streams - 1 }, (_, i) => several(streams - i)).flat(),
    ...op.block,
    ...[...op.get(P), ...op.eqz, ...op.brIf(0)],
    ...[...op.get(X), ...op.get(K), ...op.i32(-unroll), ...op.and, ...op.i32(2), ...op.shl, ...op.add, ...op.set(XEND)],
    ...op.loop,
    ...Array.from({ length: accs }, (_, i) => [...op.zero, ...op.set(S + 1 + i)]).flat(),
    ...[...op.get(W), ...op.set(WP), ...op.get(X), ...op.set(XP)],
    // K < unroll leaves no whole group of rows: only then can the unrolled loop be empty.
    ...(unroll === 1 ? rowLoop : [...op.block, ...op.get(XP), ...op.get(XEND), ...op.geU, ...op.brIf(0), ...rowLoop, ...op.end]),
    // The last K mod unroll rows, one at a time.
    ...(unroll > 1
      ? [
          ...[...op.block, ...op.get(XP), ...op.get(XLAST), ...op.geU, ...op.brIf(0), ...op.loop, ...row(0, 0)],
          ...[...op.get(WP), ...op.i32(128), ...op.add, ...op.set(WP)],
          ...[...op.get(XP), ...op.i32(4), ...op.add, ...op.tee(XP), ...op.get(XLAST), ...op.ltU, ...op.brIf(0), ...op.end, ...op.end],
        ]
      : []),
    ...(sets === 2
      ? Array.from({ length: 8 }, (_, j) => [...op.get(acc(0, j)), ...op.get(acc(1, j)), ...op.f32x4Add, ...op.set(acc(0, j))]).flat()
      : []),
    ...Array.from({ length: 8 }, (_, j) => [...op.get(Y), ...op.get(acc(0, j)), ...op.store(16 * j)]).flat(),
    ...[...op.get(Y), ...op.i32(128), ...op.add, ...op.set(Y)],
    ...[...op.get(W), ...op.get(STRIDE), ...op.add, ...op.set(W)],
    ...[...op.get(P), ...op.i32(1), ...op.sub, ...op.tee(P), ...op.brIf(0)],
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  return {
    name,
    params: 6,
    result: null,
    // i32 XP, XEND, WP, XLAST, WP2; v128 S and the accumulators
    locals: [[5, I32], [vLocals, V128], ...(streams > 2 ? [[streams - 2, I32] as [number, number]] : [])],
    body,
  };
}

/**
 * sum(ptr, bytes): the f32 sum of `bytes` (a multiple of 64), a pure read-bandwidth probe. Four quarters are read at
 * once (two accumulators each), the last bytes mod 256 after them: one sequential stream per thread reads less than
 * the memory gives on hosts where a thread's bandwidth is bounded by the misses it keeps in flight.
 */
function sum(): WasmFunction {
  const [PTR, BYTES, END, P1, P2, P3] = [0, 1, 2, 3, 4, 5];
  const ptr = (q: number) => [PTR, P1, P2, P3][q] as number; // quarter q's pointer
  const acc = (k: number) => 6 + k;
  const quarters = [0, 1, 2, 3];
  const body = [
    // P1 = PTR + a quarter (bytes ÷ 256 · 64), P2, P3 a quarter apart; the first quarter ends at END.
    ...[...op.get(PTR), ...op.get(BYTES), ...op.i32(8), ...op.shrU, ...op.i32(6), ...op.shl, ...op.add, ...op.tee(END)],
    ...[...op.tee(P1), ...op.get(END), ...op.get(PTR), ...op.sub, ...op.tee(P3), ...op.add, ...op.set(P2)],
    ...[...op.get(P2), ...op.get(P3), ...op.add, ...op.set(P3)],
    ...op.block,
    ...[...op.get(PTR), ...op.get(END), ...op.geU, ...op.brIf(0)],
    ...op.loop,
    ...quarters.flatMap((q) =>
      [0, 1, 2, 3].flatMap((k) => [
        ...op.get(acc(2 * q + (k & 1))),
        ...op.get(ptr(q)),
        ...op.load(16 * k),
        ...op.f32x4Add,
        ...op.set(acc(2 * q + (k & 1))),
      ]),
    ),
    ...quarters.slice(1).flatMap((q) => [...op.get(ptr(q)), ...op.i32(64), ...op.add, ...op.set(ptr(q))]),
    ...[...op.get(PTR), ...op.i32(64), ...op.add, ...op.tee(PTR), ...op.get(END), ...op.ltU, ...op.brIf(0)],
    ...op.end,
    ...op.end,
    // The last quarter's pointer has reached its end: the bytes mod 256 follow.
    ...[...op.get(P3), ...op.tee(PTR), ...op.get(BYTES), ...op.i32(255), ...op.and, ...op.add, ...op.set(END)],
    ...op.block,
    ...[...op.get(PTR), ...op.get(END), ...op.geU, ...op.brIf(0)],
    ...op.loop,
    ...[0, 1, 2, 3].flatMap((k) => [...op.get(acc(k & 1)), ...op.get(PTR), ...op.load(16 * k), ...op.f32x4Add, ...op.set(acc(k & 1))]),
    ...[...op.get(PTR), ...op.i32(64), ...op.add, ...op.tee(PTR), ...op.get(END), ...op.ltU, ...op.brIf(0)],
    ...op.end,
    ...op.end,
    ...[1, 2, 3, 4, 5, 6, 7].flatMap((k) => [...op.get(acc(0)), ...op.get(acc(k)), ...op.f32x4Add, ...op.set(acc(0))]),
    ...[0, 1, 2, 3].flatMap((lane) => [...op.get(acc(0)), ...op.lane(lane), ...(lane > 0 ? op.f32Add : [])]),
  ];
  return {
    name: 'sum',
    params: 2,
    result: F32,
    locals: [
      [4, I32],
      [8, V128],
    ],
    body,
  };
}

/**
 * The kernel module's bytes: exports `gemv`, `sum`, `gemvQ8` and `quantQ8` (kernel-q8.ts), `swiglu`, `softmax`,
 * `rmsnorm` and `addto` (kernel-vector.ts), `attend` and `rope` (kernel-attention.ts), `gemm4` (kernel-gemm.ts), and
 * `gemvAlt` (gemv reading its panels another way: alternativeStreams) over the imported memory `env.mem`.
 */
export function kernelModuleBytes(memory: { shared: boolean; maxPages: number }, variant: KernelVariant = DEFAULT_VARIANT): Uint8Array {
  const functions = [gemv(variant), sum(), gemvQ8(variant.q8Streams, variant.q8Unroll), quantQ8(), ...vectorKernels()];
  const index = (name: string) => functions.findIndex((f) => f.name === name);
  const alternative = gemv({ ...variant, streams: alternativeStreams(variant) }, 'gemvAlt');
  return moduleBytes([...functions, attend(index('gemv'), index('softmax')), rope(), gemm4(), alternative], memory);
}

/**
 * The panel streams of `gemvAlt`, the way the kernels' gate tries against `gemv`'s (kernels.ts): one panel at a time
 * against several, since which is faster depends on the host. The same sums in the same order: the same floats.
 */
export function alternativeStreams(variant: KernelVariant): 1 | 3 {
  return (variant.streams ?? 1) > 1 ? 1 : 3;
}
