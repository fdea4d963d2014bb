import { F32, I32, op, type WasmFunction } from '@scalewise/core/wasm';

/*
 * Decode attention and RoPE in WebAssembly, so that a layer's attention is one call from JavaScript instead of three
 * per head (the calls cost ~0.4 ms of a 9 ms int8 MobileLLM-125M token). `attend` calls the module's own `gemv` and
 * `softmax` by function index: kernel-module.ts passes them in.
 */

/**
 * attend(q, k0, v0, kvStride, att, ctx, first, count, group, hd, n, kStride, vStride, scale), byte offsets: for each
 * query head h in [first, first + count) (kv head j = h ÷ group, whose K panel matrix [hd, P] starts at k0 + j·kvStride
 * and V [P, hd] at v0 + j·kvStride; the worker pool gives each claim of heads the score buffer of its first head):
 * att = q_h · K[:, 0..n) (⌈n/32⌉ panels), lanes n..⌈n/4⌉·4 set to −∞, att = softmax(att · scale),
 * ctx_h = att · V[0..n, :) written at ctx + h·hd·4 (whole panels: the next head's slot, or the padding after the last,
 * takes the overflow before it is written). kStride / vStride: bytes between the matrices' panels.
 */
export function attend(gemvIndex: number, softmaxIndex: number): WasmFunction {
  const [Q, K0, V0, KVS, ATT, CTX, FIRST, COUNT, GROUP, HD, N, KST, VST, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [H, J, I, N4, END] = [14, 15, 16, 17, 18];
  const ceil32 = (local: number) => [...op.get(local), ...op.i32(31), ...op.add, ...op.i32(5), ...op.shrU];
  const body = [
    ...[...op.get(N), ...op.i32(3), ...op.add, ...op.i32(-4), ...op.and, ...op.set(N4)],
    ...[...op.get(FIRST), ...op.tee(H), ...op.get(COUNT), ...op.add, ...op.set(END)],
    ...[...op.block, ...op.get(COUNT), ...op.eqz, ...op.brIf(0), ...op.loop],
    ...[...op.get(H), ...op.get(GROUP), ...op.divU, ...op.get(KVS), ...op.mul, ...op.set(J)],
    // scores: gemv(q_h, K_j, att, hd rows, ⌈n/32⌉ panels)
    ...[...op.get(Q), ...op.get(H), ...op.get(HD), ...op.mul, ...op.i32(2), ...op.shl, ...op.add],
    ...[...op.get(K0), ...op.get(J), ...op.add, ...op.get(ATT), ...op.get(HD), ...ceil32(N), ...op.get(KST), ...op.call(gemvIndex)],
    // the padding lanes of the last f32x4 add nothing to the softmax
    ...[...op.get(N), ...op.set(I), ...op.block, ...op.get(I), ...op.get(N4), ...op.geU, ...op.brIf(0), ...op.loop],
    ...[...op.get(ATT), ...op.get(I), ...op.i32(2), ...op.shl, ...op.add, ...op.f32Const(-Infinity), ...op.f32Store(0)],
    ...[...op.get(I), ...op.i32(1), ...op.add, ...op.tee(I), ...op.get(N4), ...op.ltU, ...op.brIf(0), ...op.end, ...op.end],
    ...[...op.get(ATT), ...op.get(N4), ...op.i32(2), ...op.shl, ...op.get(SCALE), ...op.call(softmaxIndex)],
    // context: gemv(p, V_j, ctx_h, n rows, ⌈hd/32⌉ panels)
    ...[...op.get(ATT), ...op.get(V0), ...op.get(J), ...op.add],
    ...[...op.get(CTX), ...op.get(H), ...op.get(HD), ...op.mul, ...op.i32(2), ...op.shl, ...op.add],
    ...[...op.get(N), ...ceil32(HD), ...op.get(VST), ...op.call(gemvIndex)],
    ...[...op.get(H), ...op.i32(1), ...op.add, ...op.tee(H), ...op.get(END), ...op.ltU, ...op.brIf(0), ...op.end, ...op.end],
  ];
  return {
    name: 'attend',
    params: 14,
    paramTypes: [...new Array<number>(13).fill(I32), F32],
    result: null,
    locals: [[5, I32]],
    body,
  };
}

/**
 * rope(x, cos, sin, heads, half), byte offsets: rotate_half RoPE in place on `heads` vectors of 2·half floats at x:
 * (a, b) = (x[i], x[i + half]) → (a·cos_i − b·sin_i, b·cos_i + a·sin_i), with the position's cos/sin rows (half floats).
 */
export function rope(): WasmFunction {
  const [X, COS, SIN, HEADS, HALF] = [0, 1, 2, 3, 4];
  const [P, END, C, S, A, B, HB] = [5, 6, 7, 8, 9, 10, 11];
  const at = (base: number, i: number) => [...op.get(base), ...op.get(i), ...op.add];
  const body = [
    ...[...op.get(HALF), ...op.i32(2), ...op.shl, ...op.set(HB)],
    ...[...op.get(X), ...op.get(HEADS), ...op.get(HB), ...op.mul, ...op.i32(1), ...op.shl, ...op.add, ...op.set(END)],
    ...[...op.block, ...op.get(HEADS), ...op.eqz, ...op.get(HALF), ...op.eqz, ...op.or, ...op.brIf(0), ...op.loop],
    ...[...op.i32(0), ...op.set(P), ...op.loop],
    ...[...at(COS, P), ...op.f32Load(0), ...op.set(C), ...at(SIN, P), ...op.f32Load(0), ...op.set(S)],
    ...[...at(X, P), ...op.f32Load(0), ...op.set(A), ...at(X, P), ...op.get(HB), ...op.add, ...op.f32Load(0), ...op.set(B)],
    ...[...at(X, P), ...op.get(A), ...op.get(C), ...op.f32Mul, ...op.get(B), ...op.get(S), ...op.f32Mul, ...op.f32Sub, ...op.f32Store(0)],
    ...[...at(X, P), ...op.get(HB), ...op.add, ...op.get(B), ...op.get(C), ...op.f32Mul, ...op.get(A), ...op.get(S), ...op.f32Mul],
    ...[...op.f32Add, ...op.f32Store(0)],
    ...[...op.get(P), ...op.i32(4), ...op.add, ...op.tee(P), ...op.get(HB), ...op.ltU, ...op.brIf(0), ...op.end],
    ...[...op.get(X), ...op.get(HB), ...op.i32(1), ...op.shl, ...op.add, ...op.tee(X), ...op.get(END), ...op.ltU, ...op.brIf(0)],
    ...[...op.end, ...op.end],
  ];
  return {
    name: 'rope',
    params: 5,
    result: null,
    locals: [
      [2, I32],
      [4, F32],
      [1, I32],
    ],
    body,
  };
}
