import { F32, I32, op, V128, type WasmFunction } from '@scalewise/core/wasm';

/** Outputs per group: one i32x4 accumulator holds a group's 4 outputs, so several groups fit x64's 16 vector registers. */
export const Q8_GROUP = 4;
/** Groups read at once by default: four memory streams per thread (see gemvQ8). */
export const Q8_STREAMS = 4;
export type Q8Streams = 1 | 2 | 3 | 4;
/**
 * Input pairs per loop iteration by default. The loop is bound by instructions, not memory (an EPYC read the same GB/s
 * from L2 as from RAM): two pairs share the pointer and loop updates. EPYC, same process, alternated: bench/wasm-gemv.ts
 * (25 passes) 15.6 vs 15.0 GB/s median at 1 thread, 22.4 vs 19.1 at 2 (a 13-pass run: 16.0 vs 14.5 and 19.2 vs 22.3;
 * medians move ±15% between runs there); whole int8 decodes +7% at 1 thread, +8% at 2. Four pairs spill (slower than one).
 */
export const Q8_UNROLL = 2;
export type Q8Unroll = 1 | 2 | 4;

/**
 * gemvQ8(xq, w, y, nb, ch, groups), byte offsets: int8 matrix-vector product over `groups` groups of 4 outputs.
 * x (quantQ8): nb blocks of ch·16 values as int16 at xq, followed by their nb f32 scales. Weights (q8.ts writeQ8), one
 * group after another, block by block: for each pair of inputs (2i, 2i+1) of the block, 8 int8 (outputs 0, 1, 2, 3,
 * two inputs each), then the block's 4 f32 output scales (16 bytes). So one i32x4.dot_i16x8_s of the x pair splat to
 * four lanes with the 8 weights widened to int16 adds both inputs' products to all four outputs at once, lane j =
 * output j: no per-output accumulators to sum across lanes at the block end. Per block each output sums Σ x_q·w_q in
 * i32 (exact: |x_q| ≤ 127, |w_q| ≤ 128, below 2^17 values per block), then adds float(sum) · w_scale · x_scale to its
 * lane of the group's float accumulator.
 *
 * `streams` n: group i is computed beside groups i + H, i + 2H, … (H = ⌊groups/n⌋), sharing every x load; what is
 * left runs one group at a time. Where one thread's bandwidth is bounded by the misses it keeps in flight (a Xeon: one
 * stream read 8 GB/s, four 12.5) each group is a memory stream of its own. The integer sums are exact and each
 * output's float accumulation runs block by block whatever n is, so every n gives the same floats; so does every
 * `unroll` (input pairs per iteration; a block's ch·8 pairs divide by 1, 2 and 4).
 */
export function gemvQ8(streams: Q8Streams = Q8_STREAMS, unroll: Q8Unroll = Q8_UNROLL): WasmFunction {
  const [XQ, W, Y, NB, CH, G, XS0, XP, XS, B, XE, H, GS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const ptr = (s: number) => 13 + s; // group s's weight pointer, moved on as it is read
  const yp = (s: number) => 13 + streams + s; // where group s's 4 outputs go
  const [XV, SC] = [13 + 2 * streams, 14 + 2 * streams];
  const ia = (s: number) => 15 + 2 * streams + s; // i32x4: lane j = output j's integer sum in this block
  const fa = (s: number) => 15 + 3 * streams + s; // f32x4: lane j = output j
  const each = (n: number, f: (s: number) => number[]) => Array.from({ length: n }, (_, s) => f(s)).flat();
  // `unroll` input pairs per iteration: TurboFan issues a loop body's loads first and its arithmetic after them, so
  // every widened weight is live at once: two pairs of four groups keep 8 + 2 splats + 4 sums in x64's 16 vector
  // registers, four spill (seen in --print-wasm-code).
  const pairs = (n: number) => [
    ...op.loop,
    ...Array.from({ length: unroll }, (_, u) => [
      ...[...op.get(XP), ...op.splat(4 * u), ...op.set(XV)],
      ...each(n, (s) => [...op.get(ia(s)), ...op.get(XV), ...op.get(ptr(s)), ...op.load8x8S(8 * u), ...op.i32x4DotI16x8S]),
      ...each(n, (s) => [...op.i32x4Add, ...op.set(ia(n - 1 - s))]),
    ]).flat(),
    ...each(n, (s) => [...op.get(ptr(s)), ...op.i32(8 * unroll), ...op.add, ...op.set(ptr(s))]),
    ...[...op.get(XP), ...op.i32(4 * unroll), ...op.add, ...op.tee(XP), ...op.get(XE), ...op.ltU, ...op.brIf(0), ...op.end],
  ];
  const blockEnd = (s: number) => [
    ...[...op.get(fa(s)), ...op.get(ia(s)), ...op.f32x4ConvertI32x4S, ...op.get(ptr(s)), ...op.load(0)],
    ...[...op.f32x4Mul, ...op.get(SC), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(fa(s))],
    ...[...op.get(ptr(s)), ...op.i32(16), ...op.add, ...op.set(ptr(s))],
  ];
  // One pass over the blocks for n groups at once.
  const groups = (n: number) => [
    ...each(n, (s) => [...op.zero, ...op.set(fa(s))]),
    ...[...op.get(XQ), ...op.set(XP), ...op.get(XS0), ...op.set(XS), ...op.get(NB), ...op.set(B)],
    ...op.loop,
    ...each(n, (s) => [...op.zero, ...op.set(ia(s))]),
    ...[...op.get(XP), ...op.get(CH), ...op.i32(5), ...op.shl, ...op.add, ...op.set(XE), ...pairs(n)],
    ...[...op.get(XS), ...op.splat(0), ...op.set(SC)],
    ...each(n, blockEnd),
    ...[...op.get(XS), ...op.i32(4), ...op.add, ...op.set(XS)],
    ...[...op.get(B), ...op.i32(1), ...op.sub, ...op.tee(B), ...op.brIf(0), ...op.end],
    ...each(n, (s) => [...op.get(yp(s)), ...op.get(fa(s)), ...op.store(0), ...op.get(yp(s)), ...op.i32(16), ...op.add, ...op.set(yp(s))]),
  ];
  // H = ⌊G/n⌋ passes of n groups (group i beside i + H, …), then W, Y and G describe the groups left.
  const several = (n: number) => [
    ...op.block,
    ...[...op.get(G), ...op.i32(n), ...op.divU, ...op.tee(H), ...op.eqz, ...op.brIf(0)],
    ...each(n, (s) => [...op.get(W), ...op.get(H), ...op.get(GS), ...op.mul, ...op.i32(s), ...op.mul, ...op.add, ...op.set(ptr(s))]),
    ...each(n, (s) => [...op.get(Y), ...op.get(H), ...op.i32(16 * s), ...op.mul, ...op.add, ...op.set(yp(s))]),
    ...[...op.loop, ...groups(n), ...op.get(H), ...op.i32(1), ...op.sub, ...op.tee(H), ...op.brIf(0), ...op.end],
    // The last of the n runs ends where the groups left start.
    ...[...op.get(ptr(n - 1)), ...op.set(W), ...op.get(yp(n - 1)), ...op.set(Y)],
    ...[...op.get(G), ...op.get(G), ...op.i32(n), ...op.divU, ...op.i32(n), ...op.mul, ...op.sub, ...op.set(G)],
    ...op.end,
  ];
  const body = [
    // x scales after nb·ch·16 int16; a group's stride: nb blocks of ch·64 weight bytes and 16 bytes of scales.
    ...[...op.get(XQ), ...op.get(NB), ...op.get(CH), ...op.mul, ...op.i32(5), ...op.shl, ...op.add, ...op.set(XS0)],
    ...[...op.get(NB), ...op.get(CH), ...op.i32(6), ...op.shl, ...op.i32(16), ...op.add, ...op.mul, ...op.set(GS)],
    ...(streams > 1 ? several(streams) : []),
    ...[...op.block, ...op.get(G), ...op.eqz, ...op.brIf(0), ...op.get(W), ...op.set(ptr(0)), ...op.get(Y), ...op.set(yp(0))],
    ...[...op.loop, ...groups(1), ...op.get(G), ...op.i32(1), ...op.sub, ...op.tee(G), ...op.brIf(0), ...op.end, ...op.end],
  ];
  return {
    name: 'gemvQ8',
    params: 6,
    result: null,
    locals: [
      [7 + 2 * streams, I32],
      [2 + 2 * streams, V128],
    ],
    body,
  };
}

/**
 * quantQ8(x, xq, nb, bs), byte offsets: the activation quantization of gemvQ8 (q8.ts quantizeRowQ8, in SIMD): for
 * each of nb blocks of bs floats (bs a multiple of 16) at x, amax = max|x|, scale = amax / 127 (stored after the
 * nb·bs int16 at xq), q = nearest-even(x · (127 / amax)) (0 when amax is 0) as int16 at xq: gemvQ8 splats pairs of
 * them, and int8 values kept as int16 save it widening x.
 */
export function quantQ8(): WasmFunction {
  const [X, XQ, NB, BS, XS, P, END] = [0, 1, 2, 3, 4, 5, 6];
  const [A, INV] = [7, 8];
  const [M, IV] = [9, 10];
  const scaled = (offset: number) => [
    ...[...op.get(P), ...op.load(offset), ...op.get(IV), ...op.f32x4Mul, ...op.f32x4Nearest, ...op.i32x4TruncSatF32x4S],
  ];
  const body = [
    ...[...op.get(XQ), ...op.get(NB), ...op.get(BS), ...op.mul, ...op.i32(1), ...op.shl, ...op.add, ...op.set(XS)],
    ...op.loop,
    ...[...op.zero, ...op.set(M), ...op.get(X), ...op.tee(P), ...op.get(BS), ...op.i32(2), ...op.shl, ...op.add, ...op.set(END)],
    ...[...op.loop, ...op.get(M), ...op.get(P), ...op.load(0), ...op.f32x4Abs, ...op.f32x4Max, ...op.set(M)],
    ...[...op.get(P), ...op.i32(16), ...op.add, ...op.tee(P), ...op.get(END), ...op.ltU, ...op.brIf(0), ...op.end],
    ...[...op.get(M), ...op.lane(0), ...op.get(M), ...op.lane(1), ...op.f32Max],
    ...[...op.get(M), ...op.lane(2), ...op.get(M), ...op.lane(3), ...op.f32Max, ...op.f32Max, ...op.set(A)],
    ...[...op.get(XS), ...op.get(A), ...op.f32Const(127), ...op.f32Div, ...op.f32Store(0)],
    ...[...op.f32Const(127), ...op.get(A), ...op.f32Div, ...op.f32Const(0), ...op.get(A), ...op.f32Const(0), ...op.f32Ne, ...op.select],
    ...[...op.tee(INV), ...op.f32x4Splat, ...op.set(IV), ...op.get(X), ...op.set(P)],
    ...[...op.loop, ...op.get(XQ), ...scaled(0), ...scaled(16), ...op.i16x8NarrowI32x4S, ...op.store(0)],
    ...[...op.get(XQ), ...scaled(32), ...scaled(48), ...op.i16x8NarrowI32x4S, ...op.store(16)],
    ...[...op.get(XQ), ...op.i32(32), ...op.add, ...op.set(XQ)],
    ...[...op.get(P), ...op.i32(64), ...op.add, ...op.tee(P), ...op.get(END), ...op.ltU, ...op.brIf(0), ...op.end],
    ...[...op.get(END), ...op.set(X), ...op.get(XS), ...op.i32(4), ...op.add, ...op.set(XS)],
    ...[...op.get(NB), ...op.i32(1), ...op.sub, ...op.tee(NB), ...op.brIf(0), ...op.end],
  ];
  return {
    name: 'quantQ8',
    params: 4,
    result: null,
    locals: [
      [3, I32],
      [2, F32],
      [2, V128],
    ],
    body,
  };
}
