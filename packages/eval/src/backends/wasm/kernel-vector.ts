import { F32, I32, op, V128, type WasmFunction } from '@scalewise/core/wasm';

/*
 * The decoder's vector work in WebAssembly SIMD (RMSNorm, residual add, SwiGLU, softmax): run by the calling thread
 * between matrix-vector products. In JavaScript it took ~16% of a MobileLLM-125M token at 2 threads, most of it in
 * Math.exp (46K SwiGLU gates per token). Every function walks `bytes` (a multiple of 16) four floats at a time; the
 * caller (kernels.ts) handles lengths that are not multiples of 4.
 */

// exp: x = n·ln2 + r with n = nearest(x·log2 e), r from a two-part ln2 (Cody–Waite), e^r by Cephes' expf polynomial
// (relative error ~1e-7 on |r| ≤ ln2/2), 2^n assembled in the exponent bits. x is clamped to [EXP_LO, EXP_HI] so n
// stays in [-126, 127]; below EXP_LO (where float32 e^x is denormal or 0) the result is 0.
export const EXP_LO = -87.3;
const EXP_HI = 88;
const LOG2E = 1.4426950408889634;
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
const POLY = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** Local `x` = e^x lane-wise; `n` and `r` are scratch v128 locals. */
function expInPlace(x: number, n: number, r: number): number[] {
  const horner = POLY.slice(1).flatMap((c) => [...op.get(r), ...op.f32x4Mul, ...op.f32x4Const(c), ...op.f32x4Add]);
  return [
    ...[...op.get(x), ...op.f32x4Const(EXP_LO), ...op.f32x4Max, ...op.f32x4Const(EXP_HI), ...op.f32x4Min, ...op.set(r)],
    ...[...op.get(r), ...op.f32x4Const(LOG2E), ...op.f32x4Mul, ...op.f32x4Nearest, ...op.set(n)],
    ...[...op.get(r), ...op.get(n), ...op.f32x4Const(LN2_HI), ...op.f32x4Mul, ...op.f32x4Sub],
    ...[...op.get(n), ...op.f32x4Const(LN2_LO), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(r)],
    // p(r) = ((((c0·r + c1)·r + c2)·r + c3)·r + c4)·r + c5;  e^r ≈ p(r)·r² + r + 1
    ...[...op.f32x4Const(POLY[0] as number), ...horner],
    ...[...op.get(r), ...op.get(r), ...op.f32x4Mul, ...op.f32x4Mul, ...op.get(r), ...op.f32x4Add, ...op.f32x4Const(1), ...op.f32x4Add],
    ...[...op.get(n), ...op.i32x4TruncSatF32x4S, ...op.i32x4Const(127), ...op.i32x4Add, ...op.i32(23), ...op.i32x4Shl],
    ...op.f32x4Mul,
    ...[...op.get(x), ...op.f32x4Const(EXP_LO), ...op.f32x4Ge, ...op.v128And, ...op.set(x)],
  ];
}

/** for (i = 0; i < bytes; i += 16) body — `i` and `bytes` are i32 locals. */
function each16(i: number, bytes: number, body: number[]): number[] {
  return [
    ...[...op.i32(0), ...op.set(i), ...op.block, ...op.get(i), ...op.get(bytes), ...op.geU, ...op.brIf(0), ...op.loop],
    ...body,
    ...[...op.get(i), ...op.i32(16), ...op.add, ...op.tee(i), ...op.get(bytes), ...op.ltU, ...op.brIf(0), ...op.end, ...op.end],
  ];
}

/** Load 16 bytes at local `base` + local `i`. */
const at = (base: number, i: number) => [...op.get(base), ...op.get(i), ...op.add];

/** The lanes of v128 local `v` combined by a binary f32 op (f32.add or f32.max). */
const across = (v: number, combine: number[]) => [0, 1, 2, 3].flatMap((l) => [...op.get(v), ...op.lane(l), ...(l > 0 ? combine : [])]);

/** swiglu(g, u, out, bytes): out = g / (1 + e^-g) · u (SiLU(gate) ⊙ up). */
function swiglu(): WasmFunction {
  const [G, U, OUT, BYTES, I] = [0, 1, 2, 3, 4];
  const [GV, E, N, R] = [5, 6, 7, 8];
  const body = each16(I, BYTES, [
    ...[...at(G, I), ...op.load(0), ...op.tee(GV), ...op.f32x4Neg, ...op.set(E), ...expInPlace(E, N, R)],
    ...[...at(OUT, I), ...op.get(GV), ...op.f32x4Const(1), ...op.get(E), ...op.f32x4Add, ...op.f32x4Div],
    ...[...at(U, I), ...op.load(0), ...op.f32x4Mul, ...op.store(0)],
  ]);
  return {
    name: 'swiglu',
    params: 4,
    result: null,
    locals: [
      [1, I32],
      [4, V128],
    ],
    body,
  };
}

/** softmax(p, bytes, scale): p = e^(p·scale − max) / Σ, in place. */
function softmax(): WasmFunction {
  const [P, BYTES, SCALE, I] = [0, 1, 2, 3];
  const [SV, M, X, N, R, SUM] = [4, 5, 6, 7, 8, 9];
  const body = [
    ...[...op.get(SCALE), ...op.f32x4Splat, ...op.set(SV), ...op.f32x4Const(-Infinity), ...op.set(M)],
    ...each16(I, BYTES, [...op.get(M), ...at(P, I), ...op.load(0), ...op.get(SV), ...op.f32x4Mul, ...op.f32x4Max, ...op.set(M)]),
    ...[...across(M, op.f32Max), ...op.f32x4Splat, ...op.set(M), ...op.zero, ...op.set(SUM)],
    ...each16(I, BYTES, [
      ...[...at(P, I), ...op.load(0), ...op.get(SV), ...op.f32x4Mul, ...op.get(M), ...op.f32x4Sub, ...op.set(X), ...expInPlace(X, N, R)],
      ...[...at(P, I), ...op.get(X), ...op.store(0), ...op.get(SUM), ...op.get(X), ...op.f32x4Add, ...op.set(SUM)],
    ]),
    ...[...op.f32Const(1), ...across(SUM, op.f32Add), ...op.f32Div, ...op.f32x4Splat, ...op.set(SUM)],
    ...each16(I, BYTES, [...at(P, I), ...at(P, I), ...op.load(0), ...op.get(SUM), ...op.f32x4Mul, ...op.store(0)]),
  ];
  return {
    name: 'softmax',
    params: 3,
    paramTypes: [I32, I32, F32],
    result: null,
    locals: [
      [1, I32],
      [6, V128],
    ],
    body,
  };
}

/** rmsnorm(x, w, out, bytes, invCount, eps): out = x / √(Σx² · invCount + eps) · w. */
function rmsnorm(): WasmFunction {
  const [X, W, OUT, BYTES, INV_N, EPS, I] = [0, 1, 2, 3, 4, 5, 6];
  const [ACC, V] = [7, 8];
  const body = [
    ...each16(I, BYTES, [
      ...op.get(ACC),
      ...at(X, I),
      ...op.load(0),
      ...op.tee(V),
      ...op.get(V),
      ...op.f32x4Mul,
      ...op.f32x4Add,
      ...op.set(ACC),
    ]),
    ...[...op.f32Const(1), ...across(ACC, op.f32Add), ...op.get(INV_N), ...op.f32Mul, ...op.get(EPS), ...op.f32Add, ...op.f32Sqrt],
    ...[...op.f32Div, ...op.f32x4Splat, ...op.set(ACC)],
    ...each16(I, BYTES, [
      ...[...at(OUT, I), ...at(X, I), ...op.load(0), ...op.get(ACC), ...op.f32x4Mul, ...at(W, I), ...op.load(0), ...op.f32x4Mul],
      ...op.store(0),
    ]),
  ];
  return {
    name: 'rmsnorm',
    params: 6,
    paramTypes: [I32, I32, I32, I32, F32, F32],
    result: null,
    locals: [
      [1, I32],
      [2, V128],
    ],
    body,
  };
}

/** addto(x, y, bytes): x += y. */
function addto(): WasmFunction {
  const [X, Y, BYTES, I] = [0, 1, 2, 3];
  const body = each16(I, BYTES, [...at(X, I), ...at(X, I), ...op.load(0), ...at(Y, I), ...op.load(0), ...op.f32x4Add, ...op.store(0)]);
  return { name: 'addto', params: 3, result: null, locals: [[1, I32]], body };
}

export const vectorKernels = (): WasmFunction[] => [swiglu(), softmax(), rmsnorm(), addto()];
