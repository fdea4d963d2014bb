import { I32, op, V128, type WasmFunction } from '@scalewise/core/wasm';

/**
 * gemm4(x, w, y, K, P, stride, ldx, ldy, G), byte offsets: the prefill product Y = X · W for G groups of 4 rows of X
 * (row r at x + r·ldx) over P panels of a panel matrix (as gemv reads it), row r of Y at y + r·ldy. Per panel, per
 * group, per quarter of the panel (8 columns): 4 rows × 2 f32x4 accumulators, each weight load shared by the 4 rows,
 * while the panel (K × 128 bytes) stays in cache across the groups. Every output sums x[k]·w[k] in k order exactly as
 * gemv does (a multiply, then an add into the lane's accumulator), so a row of Y equals gemv of that row bit for bit.
 */
export function gemm4(): WasmFunction {
  const [X, W, Y, K, P, STRIDE, LDX, LDY, G] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [GI, Q, KI, KEND, WP, YR] = [9, 10, 11, 12, 13, 14];
  const xr = (t: number) => 15 + t; // row t of the group
  const b = (t: number) => 19 + t; // x[k] of row t, broadcast
  const acc = (t: number, h: number) => 23 + 2 * t + h;
  const [W0, W1] = [31, 32];
  const rows = [0, 1, 2, 3];
  const kLoop = [
    ...rows.flatMap((t) => [...op.get(xr(t)), ...op.get(KI), ...op.add, ...op.splat(0), ...op.set(b(t))]),
    ...[...op.get(WP), ...op.load(0), ...op.set(W0), ...op.get(WP), ...op.load(16), ...op.set(W1)],
    ...rows.flatMap((t) =>
      [W0, W1].flatMap((w, h) => [
        ...op.get(acc(t, h)),
        ...op.get(b(t)),
        ...op.get(w),
        ...op.f32x4Mul,
        ...op.f32x4Add,
        ...op.set(acc(t, h)),
      ]),
    ),
    ...[...op.get(WP), ...op.i32(128), ...op.add, ...op.set(WP)],
    ...[...op.get(KI), ...op.i32(4), ...op.add, ...op.tee(KI), ...op.get(KEND), ...op.ltU, ...op.brIf(0)],
  ];
  const store = rows.flatMap((t) => [
    ...[...op.get(YR), ...op.get(acc(t, 0)), ...op.store(0), ...op.get(YR), ...op.get(acc(t, 1)), ...op.store(16)],
    ...[...op.get(YR), ...op.get(LDY), ...op.add, ...op.set(YR)],
  ]);
  const quarter = [
    ...rows.flatMap((t) => [0, 1].flatMap((h) => [...op.zero, ...op.set(acc(t, h))])),
    ...[...op.get(W), ...op.get(Q), ...op.i32(5), ...op.shl, ...op.add, ...op.set(WP), ...op.i32(0), ...op.set(KI)],
    ...[...op.block, ...op.get(KEND), ...op.eqz, ...op.brIf(0), ...op.loop, ...kLoop, ...op.end, ...op.end],
    // YR = y + 4·GI·ldy + 32·Q
    ...[...op.get(Y), ...op.get(GI), ...op.i32(2), ...op.shl, ...op.get(LDY), ...op.mul, ...op.add],
    ...[...op.get(Q), ...op.i32(5), ...op.shl, ...op.add, ...op.set(YR)],
    ...store,
  ];
  const group = [
    ...[...op.get(X), ...op.get(GI), ...op.i32(2), ...op.shl, ...op.get(LDX), ...op.mul, ...op.add, ...op.set(xr(0))],
    ...[1, 2, 3].flatMap((t) => [...op.get(xr(t - 1)), ...op.get(LDX), ...op.add, ...op.set(xr(t))]),
    ...[...op.i32(0), ...op.set(Q), ...op.loop, ...quarter],
    ...[...op.get(Q), ...op.i32(1), ...op.add, ...op.tee(Q), ...op.i32(4), ...op.ltU, ...op.brIf(0), ...op.end],
  ];
  const body = [
    ...[...op.get(K), ...op.i32(2), ...op.shl, ...op.set(KEND)],
    ...[...op.block, ...op.get(P), ...op.eqz, ...op.get(G), ...op.eqz, ...op.or, ...op.brIf(0), ...op.loop],
    ...[...op.i32(0), ...op.set(GI), ...op.loop, ...group],
    ...[...op.get(GI), ...op.i32(1), ...op.add, ...op.tee(GI), ...op.get(G), ...op.ltU, ...op.brIf(0), ...op.end],
    ...[...op.get(W), ...op.get(STRIDE), ...op.add, ...op.set(W), ...op.get(Y), ...op.i32(128), ...op.add, ...op.set(Y)],
    ...[...op.get(P), ...op.i32(1), ...op.sub, ...op.tee(P), ...op.brIf(0), ...op.end, ...op.end],
  ];
  return {
    name: 'gemm4',
    params: 9,
    result: null,
    locals: [
      [10, I32],
      [14, V128],
    ],
    body,
  };
}
