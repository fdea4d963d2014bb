import { op, type WasmFunction } from './assemble.js';

/** Outputs per interleaved group: 4 share every x load (4 int32 + 4 float accumulators fit the 16 x64 vector registers). */
export const Q8_GROUP = 4;
const V128 = 0x7b;
const I32 = 0x7f;

/**
 * gemvQ8(xq, w, y, nb, ch, groups), byte offsets: int8 matrix-vector product over `groups` groups of 4 outputs.
 * x: `nb` blocks of `ch`·16 int8 values at xq, followed by their nb f32 scales. Weights, one group after another,
 * block by block: for each 16-value chunk of the block, 16 int8 of output 0, 1, 2, 3 (64 bytes), then the block's 4
 * f32 scales (16 bytes): one sequential stream. Per block each output sums Σ x_q·w_q in i32 (i16 products paired by
 * i32x4.dot_i16x8_s; |x_q|, |w_q| ≤ 128 so no overflow below 2^17 values per block), then adds
 * float(sum) · (w_scale · x_scale) to a float accumulator. y gets 4 floats per group.
 */
export function gemvQ8(widen: 'load8x8' | 'extend' = 'load8x8'): WasmFunction {
  const [XQ, W, Y, NB, CH, G, XS0, XP, XS, B, C] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [XL, XH, T, SC] = [11, 12, 13, 14];
  const ia = (j: number) => 15 + j;
  const fa = (j: number) => 19 + j;
  const j4 = [0, 1, 2, 3];
  // v128.load8x8_s loads and widens 8 int8 in one instruction: no separate extend of the high half.
  const extendChunk = [
    ...[...op.get(XP), ...op.load(0), ...op.tee(T), ...op.i16x8ExtendLowI8x16S, ...op.set(XL)],
    ...[...op.get(T), ...op.i16x8ExtendHighI8x16S, ...op.set(XH)],
    ...j4.flatMap((j) => [
      ...[...op.get(ia(j)), ...op.get(XL), ...op.get(W), ...op.load(16 * j), ...op.tee(T), ...op.i16x8ExtendLowI8x16S],
      ...[...op.i32x4DotI16x8S, ...op.i32x4Add, ...op.get(XH), ...op.get(T), ...op.i16x8ExtendHighI8x16S, ...op.i32x4DotI16x8S],
      ...[...op.i32x4Add, ...op.set(ia(j))],
    ]),
    ...[...op.get(W), ...op.i32(64), ...op.add, ...op.set(W), ...op.get(XP), ...op.i32(16), ...op.add, ...op.set(XP)],
  ];
  const loadChunk = [
    ...[...op.get(XP), ...op.load8x8S(0), ...op.set(XL), ...op.get(XP), ...op.load8x8S(8), ...op.set(XH)],
    ...j4.flatMap((j) => [
      ...[...op.get(ia(j)), ...op.get(XL), ...op.get(W), ...op.load8x8S(16 * j), ...op.i32x4DotI16x8S, ...op.i32x4Add],
      ...[...op.get(XH), ...op.get(W), ...op.load8x8S(16 * j + 8), ...op.i32x4DotI16x8S, ...op.i32x4Add, ...op.set(ia(j))],
    ]),
    ...[...op.get(W), ...op.i32(64), ...op.add, ...op.set(W), ...op.get(XP), ...op.i32(16), ...op.add, ...op.set(XP)],
  ];
  const blockEnd = [
    ...[...op.get(XS), ...op.splat(0), ...op.set(SC)],
    ...j4.flatMap((j) => [
      ...[...op.get(fa(j)), ...op.get(ia(j)), ...op.f32x4ConvertI32x4S, ...op.get(W), ...op.splat(4 * j), ...op.get(SC)],
      ...[...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Add, ...op.set(fa(j))],
    ]),
    ...[...op.get(W), ...op.i32(16), ...op.add, ...op.set(W), ...op.get(XS), ...op.i32(4), ...op.add, ...op.set(XS)],
  ];
  const body = [
    ...[...op.get(XQ), ...op.get(NB), ...op.get(CH), ...op.mul, ...op.i32(4), ...op.shl, ...op.add, ...op.set(XS0)],
    ...[...op.block, ...op.get(G), ...op.eqz, ...op.brIf(0), ...op.loop],
    ...j4.flatMap((j) => [...op.zero, ...op.set(fa(j))]),
    ...[...op.get(XQ), ...op.set(XP), ...op.get(XS0), ...op.set(XS), ...op.get(NB), ...op.set(B)],
    ...op.loop,
    ...j4.flatMap((j) => [...op.zero, ...op.set(ia(j))]),
    ...[...op.get(CH), ...op.set(C), ...op.loop, ...(widen === 'extend' ? extendChunk : loadChunk)],
    ...[...op.get(C), ...op.i32(1), ...op.sub, ...op.tee(C), ...op.brIf(0), ...op.end],
    ...blockEnd,
    ...[...op.get(B), ...op.i32(1), ...op.sub, ...op.tee(B), ...op.brIf(0), ...op.end],
    ...j4.flatMap((j) => [
      ...op.get(Y),
      ...[0, 1, 2, 3].flatMap((lane) => [...op.get(fa(j)), ...op.lane(lane), ...(lane > 0 ? op.f32Add : [])]),
      ...op.f32Store(4 * j),
    ]),
    ...[...op.get(Y), ...op.i32(16), ...op.add, ...op.set(Y)],
    ...[...op.get(G), ...op.i32(1), ...op.sub, ...op.tee(G), ...op.brIf(0), ...op.end, ...op.end],
  ];
  return {
    name: 'gemvQ8',
    params: 6,
    result: null,
    locals: [
      [5, I32],
      [12, V128],
    ],
    body,
  };
}

/**
 * quantQ8(x, xq, nb, bs), byte offsets: the activation quantization of gemvQ8 (q8.ts quantizeRowQ8, in SIMD): for
 * each of nb blocks of bs floats (bs a multiple of 16) at x, amax = max|x|, scale = amax / 127 (stored after the
 * nb·bs int8 at xq), q = nearest-even(x · (127 / amax)) (0 when amax is 0) narrowed to int8 at xq.
 */
export function quantQ8(): WasmFunction {
  const [X, XQ, NB, BS, XS, P, END] = [0, 1, 2, 3, 4, 5, 6];
  const [A, INV] = [7, 8];
  const [M, IV] = [9, 10];
  const F32 = 0x7d;
  const scaled = (offset: number) => [
    ...[...op.get(P), ...op.load(offset), ...op.get(IV), ...op.f32x4Mul, ...op.f32x4Nearest, ...op.i32x4TruncSatF32x4S],
  ];
  const body = [
    ...[...op.get(XQ), ...op.get(NB), ...op.get(BS), ...op.mul, ...op.add, ...op.set(XS)],
    ...op.loop,
    ...[...op.zero, ...op.set(M), ...op.get(X), ...op.tee(P), ...op.get(BS), ...op.i32(2), ...op.shl, ...op.add, ...op.set(END)],
    ...[...op.loop, ...op.get(M), ...op.get(P), ...op.load(0), ...op.f32x4Abs, ...op.f32x4Max, ...op.set(M)],
    ...[...op.get(P), ...op.i32(16), ...op.add, ...op.tee(P), ...op.get(END), ...op.ltU, ...op.brIf(0), ...op.end],
    ...[...op.get(M), ...op.lane(0), ...op.get(M), ...op.lane(1), ...op.f32Max],
    ...[...op.get(M), ...op.lane(2), ...op.get(M), ...op.lane(3), ...op.f32Max, ...op.f32Max, ...op.set(A)],
    ...[...op.get(XS), ...op.get(A), ...op.f32Const(127), ...op.f32Div, ...op.f32Store(0)],
    ...[...op.f32Const(127), ...op.get(A), ...op.f32Div, ...op.f32Const(0), ...op.get(A), ...op.f32Const(0), ...op.f32Ne, ...op.select],
    ...[...op.tee(INV), ...op.f32x4Splat, ...op.set(IV), ...op.get(X), ...op.set(P)],
    ...[...op.loop, ...op.get(XQ)],
    ...[...scaled(0), ...scaled(16), ...op.i16x8NarrowI32x4S, ...scaled(32), ...scaled(48), ...op.i16x8NarrowI32x4S],
    ...[...op.i8x16NarrowI16x8S, ...op.store(0)],
    ...[...op.get(XQ), ...op.i32(16), ...op.add, ...op.set(XQ)],
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
