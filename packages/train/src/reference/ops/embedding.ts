import type { Arr } from './types.js';

/** out[n, :] = table[tokens[n], :]   (table: [V, C], out: [N, C]). */
export function embeddingForward(out: Arr, tokens: Int32Array, table: Arr, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const row = tokens[n]! * C;
    const o = n * C;
    for (let c = 0; c < C; c++) out[o + c] = table[row + c]!;
  }
}

/** dtable[tokens[n], :] += dout[n, :]. */
export function embeddingBackward(dtable: Arr, dout: Arr, tokens: Int32Array, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const row = tokens[n]! * C;
    const o = n * C;
    for (let c = 0; c < C; c++) dtable[row + c] = dtable[row + c]! + dout[o + c]!;
  }
}
