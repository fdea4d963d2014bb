import type { Arr } from './types.js';

/** y[n, o] for o in [o0, O) and one row n: plain dot products (the tails the 2×4 tiles leave). */
function rowTail(y: Arr, x: Arr, w: Arr, n: number, I: number, O: number, o0: number): void {
  const xn = n * I;
  for (let o = o0; o < O; o++) {
    const wo = o * I;
    let s = 0;
    for (let i = 0; i < I; i++) s += x[xn + i]! * w[wo + i]!;
    y[n * O + o] = s;
  }
}

/**
 * y[n, o] = Σ_i x[n, i] · w[o, i]   (x: [N, I], w: [O, I] in PyTorch layout, y: [N, O]); overwrites y.
 * Register tiles of 2 rows of x × 4 rows of w: 6 loads feed 8 multiply-adds. Every output is one sequential
 * sum over i, so the result does not depend on the tiling.
 */
export function matmulForward(y: Arr, x: Arr, w: Arr, N: number, I: number, O: number): void {
  const O4 = O - (O % 4);
  let n = 0;
  for (; n + 2 <= N; n += 2) {
    const x0 = n * I,
      x1 = x0 + I;
    for (let o = 0; o < O4; o += 4) {
      const w0 = o * I,
        w1 = w0 + I,
        w2 = w1 + I,
        w3 = w2 + I;
      let a00 = 0,
        a01 = 0,
        a02 = 0,
        a03 = 0,
        a10 = 0,
        a11 = 0,
        a12 = 0,
        a13 = 0;
      for (let i = 0; i < I; i++) {
        const p = x[x0 + i]!,
          q = x[x1 + i]!;
        const b0 = w[w0 + i]!,
          b1 = w[w1 + i]!,
          b2 = w[w2 + i]!,
          b3 = w[w3 + i]!;
        a00 += p * b0;
        a01 += p * b1;
        a02 += p * b2;
        a03 += p * b3;
        a10 += q * b0;
        a11 += q * b1;
        a12 += q * b2;
        a13 += q * b3;
      }
      const y0 = n * O + o,
        y1 = y0 + O;
      y[y0] = a00;
      y[y0 + 1] = a01;
      y[y0 + 2] = a02;
      y[y0 + 3] = a03;
      y[y1] = a10;
      y[y1 + 1] = a11;
      y[y1 + 2] = a12;
      y[y1 + 3] = a13;
    }
    rowTail(y, x, w, n, I, O, O4);
    rowTail(y, x, w, n + 1, I, O, O4);
  }
  if (n < N) rowTail(y, x, w, n, I, O, 0);
}

/**
 * Backward of `matmulForward`, accumulating:
 *   dx[n, i] += Σ_o dy[n, o] · w[o, i]      (skipped when dx is null)
 *   dw[o, i] += Σ_n dy[n, o] · x[n, i]
 * Both stream contiguous rows. Tiles of 2 output rows × 4 input rows: each pass over i loads 4 rows and
 * updates 2, i.e. 8 multiply-adds per 6 loads and 2 stores.
 */
export function matmulBackward(dx: Arr | null, dw: Arr, dy: Arr, x: Arr, w: Arr, N: number, I: number, O: number): void {
  if (dx) {
    const O4 = O - (O % 4);
    let n = 0;
    for (; n + 2 <= N; n += 2) {
      const d0 = n * I,
        d1 = d0 + I,
        g0 = n * O,
        g1 = g0 + O;
      for (let o = 0; o < O4; o += 4) {
        const a0 = dy[g0 + o]!,
          a1 = dy[g0 + o + 1]!,
          a2 = dy[g0 + o + 2]!,
          a3 = dy[g0 + o + 3]!;
        const b0 = dy[g1 + o]!,
          b1 = dy[g1 + o + 1]!,
          b2 = dy[g1 + o + 2]!,
          b3 = dy[g1 + o + 3]!;
        const w0 = o * I,
          w1 = w0 + I,
          w2 = w1 + I,
          w3 = w2 + I;
        for (let i = 0; i < I; i++) {
          const p0 = w[w0 + i]!,
            p1 = w[w1 + i]!,
            p2 = w[w2 + i]!,
            p3 = w[w3 + i]!;
          dx[d0 + i] = dx[d0 + i]! + (a0 * p0 + a1 * p1 + a2 * p2 + a3 * p3);
          dx[d1 + i] = dx[d1 + i]! + (b0 * p0 + b1 * p1 + b2 * p2 + b3 * p3);
        }
      }
      for (let o = O4; o < O; o++) axpy(dx, d0, dy[g0 + o]!, w, o * I, I);
      for (let o = O4; o < O; o++) axpy(dx, d1, dy[g1 + o]!, w, o * I, I);
    }
    if (n < N) for (let o = 0; o < O; o++) axpy(dx, n * I, dy[n * O + o]!, w, o * I, I);
  }
  const N4 = N - (N % 4);
  let o = 0;
  for (; o + 2 <= O; o += 2) {
    const e0 = o * I,
      e1 = e0 + I;
    for (let n = 0; n < N4; n += 4) {
      const r0 = n * O + o,
        r1 = r0 + O,
        r2 = r1 + O,
        r3 = r2 + O;
      const a0 = dy[r0]!,
        a1 = dy[r1]!,
        a2 = dy[r2]!,
        a3 = dy[r3]!;
      const b0 = dy[r0 + 1]!,
        b1 = dy[r1 + 1]!,
        b2 = dy[r2 + 1]!,
        b3 = dy[r3 + 1]!;
      const x0 = n * I,
        x1 = x0 + I,
        x2 = x1 + I,
        x3 = x2 + I;
      for (let i = 0; i < I; i++) {
        const p0 = x[x0 + i]!,
          p1 = x[x1 + i]!,
          p2 = x[x2 + i]!,
          p3 = x[x3 + i]!;
        dw[e0 + i] = dw[e0 + i]! + (a0 * p0 + a1 * p1 + a2 * p2 + a3 * p3);
        dw[e1 + i] = dw[e1 + i]! + (b0 * p0 + b1 * p1 + b2 * p2 + b3 * p3);
      }
    }
    for (let n = N4; n < N; n++) axpy(dw, e0, dy[n * O + o]!, x, n * I, I);
    for (let n = N4; n < N; n++) axpy(dw, e1, dy[n * O + o + 1]!, x, n * I, I);
  }
  if (o < O) for (let n = 0; n < N; n++) axpy(dw, o * I, dy[n * O + o]!, x, n * I, I);
}

/** out[oo + i] += a · src[so + i] for i < len. */
function axpy(out: Arr, oo: number, a: number, src: Arr, so: number, len: number): void {
  for (let i = 0; i < len; i++) out[oo + i] = out[oo + i]! + a * src[so + i]!;
}
