import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { alternativeStreams, DEFAULT_VARIANT } from './kernel-module.js';
import { createWasmKernels, type PanelMatrix, type WasmKernelOptions, type WasmKernelsWithSum } from './kernels.js';

// gemv's two panel-stream ways (gemv and gemvAlt) and the gate that chooses between them (kernels.ts STREAMS_MARGIN).

/** Epochs of one product and a probe after each: the ways alternate product by product. */
const everyOther = { epochJobs: 1, probeJobs: 1, probeAfter: 1, maxProbeAfter: 1, graceJobs: 0 };

function matrix(kr: WasmKernelsWithSum, K: number, N: number, seed: number): { m: PanelMatrix; w: Float32Array; x: Float32Array } {
  const rng = createRng(seed);
  const w = Float32Array.from({ length: K * N }, () => rng.next() - 0.5);
  const x = Float32Array.from({ length: K }, () => rng.next() - 0.5);
  return { m: kr.packMatrix(w, K, N), w, x };
}

/** gemv into a NaN-filled y (a column nobody wrote stays NaN); returns its N outputs. */
function gemv(kr: WasmKernelsWithSum, m: PanelMatrix, x: Float32Array): Float32Array {
  const xOff = kr.alloc(x.length);
  const yOff = kr.alloc(m.Npad);
  kr.f32().set(x, xOff);
  kr.f32().fill(NaN, yOff, yOff + m.Npad);
  kr.gemv(xOff, m, yOff);
  return kr.f32().slice(yOff, yOff + m.N);
}

/** The float64 product, for a check that both ways compute it at all (not only that they agree). */
function exact(w: Float32Array, x: Float32Array, K: number, N: number): Float64Array {
  const y = new Float64Array(N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) y[n] = (y[n] as number) + (x[k] as number) * (w[k * N + n] as number);
  return y;
}

async function withKernels(options: WasmKernelOptions, f: (kr: WasmKernelsWithSum) => void) {
  const kr = await createWasmKernels({ maxBytes: 64 * 2 ** 20, ...options });
  try {
    f(kr);
  } finally {
    await kr.dispose();
  }
}

describe('wasm gemv: panel streams chosen by measuring', () => {
  it('pairs each variant with the other reading: several panels against one', () => {
    expect(alternativeStreams(DEFAULT_VARIANT)).toBe(1);
    expect(alternativeStreams({ unroll: 1, sets: 1, streams: 1 })).toBe(3);
    expect(alternativeStreams({ unroll: 1, sets: 1 })).toBe(3);
    expect(alternativeStreams({ unroll: 1, sets: 1, streams: 2 })).toBe(1);
  });

  // 7 panels: 3 + 3 + 1 at three at once, so the leftover path runs too; 2 threads: the workers take pieces of both ways.
  it.each([
    [1, true],
    [2, true],
    [2, false],
  ])('%i thread(s), caller claims %s: both ways give the same floats, and the product', async (threads, callerClaims) => {
    await withKernels({ threads, callerClaims, minParallelWork: 0, streamsGate: everyOther }, (kr) => {
      expect(kr.gemvStreams).toEqual([DEFAULT_VARIANT.streams, 1]);
      const [K, N] = [200, 7 * 32 - 5];
      const { m, w, x } = matrix(kr, K, N, 11);
      const first = gemv(kr, m, x);
      const want = exact(w, x, K, N);
      first.forEach((y, n) => expect(Math.abs(y - (want[n] as number))).toBeLessThan(1e-4));
      for (let i = 0; i < 5; i++) expect(Array.from(gemv(kr, m, x))).toEqual(Array.from(first));
      expect(kr.alternativeGemvs()).toBeGreaterThanOrEqual(2);
    });
  });

  it('keeps a given variant unless the gate is asked for; never switches when disabled', async () => {
    const variant = { unroll: 1 as const, sets: 1 as const, streams: 1 as const };
    await withKernels({ threads: 1, variant }, (kr) => {
      const { m, x } = matrix(kr, 64, 96, 12);
      for (let i = 0; i < 2000; i++) gemv(kr, m, x);
      expect(kr.gemvStreams).toEqual([1, 3]);
      expect(kr.alternativeGemvs()).toBe(0);
    });
    await withKernels({ threads: 1, variant, streamsGate: { ...everyOther, enabled: true } }, (kr) => {
      const { m, x } = matrix(kr, 64, 96, 13);
      for (let i = 0; i < 4; i++) gemv(kr, m, x);
      expect(kr.alternativeGemvs()).toBeGreaterThanOrEqual(1);
    });
    await withKernels({ threads: 1, streamsGate: { ...everyOther, enabled: false } }, (kr) => {
      const { m, x } = matrix(kr, 64, 96, 14);
      for (let i = 0; i < 20; i++) gemv(kr, m, x);
      expect(kr.alternativeGemvs()).toBe(0);
    });
  });
});
