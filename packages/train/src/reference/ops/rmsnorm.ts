import type { Arr } from './types.js';

/** y[n, :] = x[n, :] · rstd[n] · w,  rstd[n] = 1 / sqrt(mean(x[n, :]²) + eps)   (x, y: [N, C], w: [C], rstd: [N]). */
export function rmsnormForward(y: Arr, rstd: Arr, x: Arr, w: Arr, N: number, C: number, eps: number): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[o + c]! * x[o + c]!;
    const r = 1 / Math.sqrt(ss / C + eps);
    rstd[n] = r;
    for (let c = 0; c < C; c++) y[o + c] = x[o + c]! * r * w[c]!;
  }
}

/**
 * Backward of `rmsnormForward`, accumulating into dx and dw:
 *   dw[c] += Σ_n dy[n, c] · x[n, c] · r
 *   dx[n, c] += r · w[c] · dy[n, c] − x[n, c] · r³ / C · Σ_c' dy[n, c'] · w[c'] · x[n, c']
 */
export function rmsnormBackward(dx: Arr, dw: Arr, dy: Arr, x: Arr, w: Arr, rstd: Arr, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const r = rstd[n]!;
    let dot = 0;
    for (let c = 0; c < C; c++) {
      const g = dy[o + c]!;
      dot += g * w[c]! * x[o + c]!;
      dw[c] = dw[c]! + g * x[o + c]! * r;
    }
    const k = (dot * r * r * r) / C;
    for (let c = 0; c < C; c++) dx[o + c] = dx[o + c]! + r * w[c]! * dy[o + c]! - x[o + c]! * k;
  }
}
