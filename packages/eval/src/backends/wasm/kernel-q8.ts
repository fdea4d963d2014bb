import { op, type WasmFunction } from './assemble.js';

/** Outputs per interleaved group: 4 share every x load (two groups' 8 int32 + 2 float accumulators fit x64's 16 vector registers). */
export const Q8_GROUP = 4;
const V128 = 0x7b;
const I32 = 0x7f;

/**
 * gemvQ8(xq, w, y, nb, ch, groups), byte offsets: int8 matrix-vector product over `groups` groups of 4 outputs.
 * x: `nb` blocks of `ch`·16 int8 values at xq, followed by their nb f32 scales. Weights, one group after another,
 * block by block: for each 16-value chunk of the block, 16 int8 of output 0, 1, 2, 3 (64 bytes), then the block's 4
 * f32 scales (16 bytes): one sequential stream per group. Per block each output sums Σ x_q·w_q in i32 (i16 products
 * paired by i32x4.dot_i16x8_s; |x_q|, |w_q| ≤ 128 so no overflow below 2^17 values per block), then adds
 * float(sum) · w_scale · x_scale to its lane of the group's float accumulator. y gets 4 floats per group.
 *
 * With `streams` 2 group i is computed beside group i + ⌊groups/2⌋ (an odd last group alone): two memory streams
 * share every x load. Where one thread's bandwidth is bounded by the misses it keeps in flight (seen on a Xeon host:
 * 4.4 GB/s at 1 thread) a second stream reads more.
 */
export function gemvQ8(streams: 1 | 2 = 2): WasmFunction {
  const [XQ, W, Y, NB, CH, G, XS0, XP, XS, B, C, H, P1, Y1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [XL, XH, SC] = [14, 15, 16];
  const ptr = (s: number) => (s === 0 ? W : P1); // group s's weight pointer, moved on as it is read
  const ia = (s: number, j: number) => 17 + 4 * s + j; // i32x4 partial sums of output j in this block
  const fa = (s: number) => 25 + s; // f32x4: lane j = output j
  const j4 = [0, 1, 2, 3];
  // v128.load8x8_s loads and widens 8 int8 in one instruction (vpmovsxbw with a memory operand).
  const chunk = (n: number) => [
    ...[...op.get(XP), ...op.load8x8S(0), ...op.set(XL), ...op.get(XP), ...op.load8x8S(8), ...op.set(XH)],
    ...Array.from({ length: n }, (_, s) =>
      j4.flatMap((j) => [
        ...[...op.get(ia(s, j)), ...op.get(XL), ...op.get(ptr(s)), ...op.load8x8S(16 * j), ...op.i32x4DotI16x8S, ...op.i32x4Add],
        ...[...op.get(XH), ...op.get(ptr(s)), ...op.load8x8S(16 * j + 8), ...op.i32x4DotI16x8S, ...op.i32x4Add, ...op.set(ia(s, j))],
      ]),
    ).flat(),
    ...Array.from({ length: n }, (_, s) => [...op.get(ptr(s)), ...op.i32(64), ...op.add, ...op.set(ptr(s))]).flat(),
    ...[...op.get(XP), ...op.i32(16), ...op.add, ...op.set(XP)],
  ];
  // Lane j of the result = the sum of ia(s, j)'s lanes: pairs of i32 lanes added, then the pairs.
  const pairSums = (a: number, b: number) => [
    ...[...op.get(a), ...op.get(b), ...op.shuffle32([0, 2, 4, 6]), ...op.get(a), ...op.get(b), ...op.shuffle32([1, 3, 5, 7])],
    ...op.i32x4Add,
  ];
  const blockEnd = (s: number) => [
    ...[...pairSums(ia(s, 0), ia(s, 1)), ...op.set(ia(s, 0)), ...pairSums(ia(s, 2), ia(s, 3)), ...op.set(ia(s, 2))],
    ...[...op.get(fa(s)), ...pairSums(ia(s, 0), ia(s, 2)), ...op.f32x4ConvertI32x4S, ...op.get(ptr(s)), ...op.load(0)],
    ...[...op.f32x4Mul, ...op.get(SC), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(fa(s))],
    ...[...op.get(ptr(s)), ...op.i32(16), ...op.add, ...op.set(ptr(s))],
  ];
  // One pass over the blocks for n groups at once; y of group s at Y (s = 0) or Y1 (s = 1).
  const groups = (n: number) => [
    ...Array.from({ length: n }, (_, s) => [...op.zero, ...op.set(fa(s))]).flat(),
    ...[...op.get(XQ), ...op.set(XP), ...op.get(XS0), ...op.set(XS), ...op.get(NB), ...op.set(B)],
    ...op.loop,
    ...Array.from({ length: n }, (_, s) => j4.flatMap((j) => [...op.zero, ...op.set(ia(s, j))])).flat(),
    ...[...op.get(CH), ...op.set(C), ...op.loop, ...chunk(n)],
    ...[...op.get(C), ...op.i32(1), ...op.sub, ...op.tee(C), ...op.brIf(0), ...op.end],
    ...[...op.get(XS), ...op.splat(0), ...op.set(SC)],
    ...Array.from({ length: n }, (_, s) => blockEnd(s)).flat(),
    ...[...op.get(XS), ...op.i32(4), ...op.add, ...op.set(XS)],
    ...[...op.get(B), ...op.i32(1), ...op.sub, ...op.tee(B), ...op.brIf(0), ...op.end],
    ...[...op.get(Y), ...op.get(fa(0)), ...op.store(0), ...op.get(Y), ...op.i32(16), ...op.add, ...op.set(Y)],
    ...(n === 2 ? [...op.get(Y1), ...op.get(fa(1)), ...op.store(0), ...op.get(Y1), ...op.i32(16), ...op.add, ...op.set(Y1)] : []),
  ];
  const pairs = [
    ...[...op.get(G), ...op.i32(1), ...op.shrU, ...op.tee(H), ...op.eqz, ...op.brIf(0)],
    // Group i + H starts H group strides (nb · (ch·64 + 16) bytes) after group i.
    ...[
      ...op.get(W),
      ...op.get(H),
      ...op.get(NB),
      ...op.get(CH),
      ...op.i32(6),
      ...op.shl,
      ...op.i32(16),
      ...op.add,
      ...op.mul,
      ...op.mul,
      ...op.add,
      ...op.set(P1),
    ],
    ...[...op.get(Y), ...op.get(H), ...op.i32(4), ...op.shl, ...op.add, ...op.set(Y1), ...op.loop, ...groups(2)],
    ...[...op.get(H), ...op.i32(1), ...op.sub, ...op.tee(H), ...op.brIf(0), ...op.end],
    // The second half ends where the odd last group starts.
    ...[...op.get(P1), ...op.set(W), ...op.get(Y1), ...op.set(Y), ...op.get(G), ...op.i32(1), ...op.and, ...op.set(G)],
  ];
  const body = [
    ...[...op.get(XQ), ...op.get(NB), ...op.get(CH), ...op.mul, ...op.i32(4), ...op.shl, ...op.add, ...op.set(XS0)],
    ...(streams === 2 ? [...op.block, ...pairs, ...op.end] : []),
    ...[...op.block, ...op.get(G), ...op.eqz, ...op.brIf(0), ...op.loop, ...groups(1)],
    ...[...op.get(G), ...op.i32(1), ...op.sub, ...op.tee(G), ...op.brIf(0), ...op.end, ...op.end],
  ];
  return {
    name: 'gemvQ8',
    params: 6,
    result: null,
    locals: [
      [8, I32],
      [13, V128],
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
