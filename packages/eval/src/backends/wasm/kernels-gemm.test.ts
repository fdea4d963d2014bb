import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { createWasmKernels, type WasmKernelOptions } from './kernels.js';

const randomArray = (n: number, seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() - 0.5);
};

describe('wasm gemm (prefill rows)', () => {
  // minParallelWork 0 sends every product through the worker pool; callerClaims false makes the worker do all of it.
  const setups: Array<[string, WasmKernelOptions]> = [
    ['1 thread', { threads: 1 }],
    ['2 threads, split', { threads: 2, minParallelWork: 0 }],
    ['2 threads, worker only', { threads: 2, minParallelWork: 0, callerClaims: false }],
  ];
  it.each(setups)('every row equals gemv of that row bit for bit (%s)', async (_, options) => {
    const k = await createWasmKernels(options);
    for (const [K, N, rows] of [
      [40, 70, 3],
      [576, 200, 13],
      [96, 64, 8],
      [33, 1, 1],
    ] as const) {
      const m = k.packMatrix(randomArray(K * N, K + N), K, N);
      const groups = Math.ceil(rows / 4);
      const [ldx, ldy] = [K + 5, m.Npad + 32];
      const x = k.alloc(4 * groups * ldx);
      const y = k.alloc(4 * groups * ldy);
      const one = k.alloc(m.Npad);
      k.f32().set(randomArray(4 * groups * ldx, rows), x);
      k.f32().fill(NaN, y, y + 4 * groups * ldy); // a row or column nobody wrote stays NaN and fails
      k.gemm(x, ldx, m, y, ldy, rows);
      for (let r = 0; r < rows; r++) {
        k.gemv(x + r * ldx, m, one);
        const want = Array.from(k.f32().subarray(one, one + m.Npad));
        expect(Array.from(k.f32().subarray(y + r * ldy, y + r * ldy + m.Npad))).toEqual(want);
      }
    }
    await k.dispose();
  });

  it('refuses rows narrower than the matrix and ranges outside the memory', async () => {
    const k = await createWasmKernels({ threads: 1 });
    const m = k.allocMatrix(64, 32);
    const x = k.alloc(64 * 4);
    expect(() => k.gemm(x, 63, m, x, 32, 1)).toThrow(/gemm rows of 63/);
    expect(() => k.gemm(x, 64, m, k.f32().length - 8, 32, 1)).toThrow(RangeError);
    expect(() => k.gemm(x, 64, m, x, 32, -1)).toThrow(RangeError);
    await k.dispose();
  });
});
