import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { createWasmKernels, type Q8Matrix, type WasmKernelsWithSum } from './kernels.js';
import { wasmApi } from '@scalewise/core/wasm';
import { DEFAULT_VARIANT, kernelModuleBytes } from './kernel-module.js';
import type { KernelExports } from './pool.js';
import { quantizeRowQ8 } from './q8.js';

/** Deterministic values in [-0.5, 0.5) from the project's seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next() - 0.5;
}

/** Weights as MatMulNBits stores them: uint8 q + 128 [N, K/bs, bs], q in [-127, 127]; scales spread over 3 decades. */
function q8Weights(N: number, K: number, bs: number, seed: number) {
  const r = random(seed);
  const q = Uint8Array.from({ length: N * K }, () => 128 + Math.round(r() * 254));
  const scales = Float32Array.from({ length: (N * K) / bs }, () => 10 ** (3 * r()));
  return { q, scales };
}

/**
 * The worst error of y[0..N) against the float64 sum over blocks of x_scale · w_scale(n, block(b)) · Σ x_q · w_q, relative
 * to the same sum of absolute values. `block` maps a block to the weight scale read (identity; tests shift it).
 */
function worstError(y: Float32Array, x: Float32Array, w: { q: Uint8Array; scales: Float32Array }, N: number, K: number, bs: number) {
  return (block: (b: number) => number) => {
    const blocks = K / bs;
    const xq = new Int8Array(K);
    const xs = new Float32Array(blocks);
    quantizeRowQ8(x, 0, K, bs, xq, 0, xs, 0);
    let worst = 0;
    for (let n = 0; n < N; n++) {
      let exact = 0;
      let scale = 0;
      for (let b = 0; b < blocks; b++) {
        let dot = 0;
        let abs = 0;
        for (let i = b * bs; i < (b + 1) * bs; i++) {
          const p = (xq[i] as number) * ((w.q[n * K + i] as number) - 128);
          dot += p;
          abs += Math.abs(p);
        }
        const s = (xs[b] as number) * (w.scales[n * blocks + block(b)] as number);
        exact += s * dot;
        scale += s * abs;
      }
      const err = Math.abs((y[n] as number) - exact) / Math.max(scale, 1e-30);
      if (!(err <= worst)) worst = err; // NaN (an output nobody wrote) stays the worst
    }
    return worst;
  };
}

function run(kr: WasmKernelsWithSum, x: Float32Array, m: Q8Matrix): Float32Array {
  const xOff = kr.alloc(x.length);
  const yOff = kr.alloc(m.Npad);
  const f = kr.f32();
  f.set(x, xOff);
  f.fill(NaN, yOff, yOff + m.Npad);
  kr.gemvQ8(xOff, m, yOff);
  return kr.f32().slice(yOff, yOff + m.Npad);
}

describe('quantizeRowQ8 (onnxruntime CompInt8 activations)', () => {
  it('scales each block by amax/127, rounds ties to even, and leaves an all-zero block at scale 0', () => {
    const x = new Float32Array(32);
    x.set([127, 2.5, 3.5, -2.5, -3.5, 0.5, -0.5, 1.5, -127, 0.49]);
    const q = new Int8Array(32);
    const s = new Float32Array(2);
    quantizeRowQ8(x, 0, 32, 16, q, 0, s, 0);
    expect(Array.from(q.subarray(0, 10))).toEqual([127, 2, 4, -2, -4, 0, 0, 2, -127, 0]);
    expect(Array.from(s)).toEqual([1, 0]);
    expect(Array.from(q.subarray(16))).toEqual(new Array(16).fill(0));
  });

  it('the SIMD quantQ8 the kernels run gives the same int8 values (kept as int16) and scales bit for bit', () => {
    const memory = new wasmApi.Memory({ initial: 2 });
    const ex = new wasmApi.Instance(new wasmApi.Module(kernelModuleBytes({ shared: false, maxPages: 2 })), { env: { mem: memory } })
      .exports as unknown as KernelExports;
    for (const [K, bs] of [
      [512, 128],
      [96, 32],
      [64, 16],
    ] as const) {
      const r = random(K);
      const x = Float32Array.from({ length: K }, () => r() * 3);
      x.set([127, 2.5, 3.5, -2.5, -3.5, 0.5, -0.5, 1.5, -127, 0.49]); // ties in the first block (amax 127: x · 1)
      x.fill(0, bs, 2 * bs); // an all-zero block
      const f = new Float32Array(memory.buffer);
      f.set(x, 0);
      ex.quantQ8(0, 4 * K, K / bs, bs);
      const q = new Int8Array(K);
      const s = new Float32Array(K / bs);
      quantizeRowQ8(x, 0, K, bs, q, 0, s, 0);
      expect(Array.from(new Int16Array(memory.buffer, 4 * K, K))).toEqual(Array.from(q));
      expect(Array.from(new Float32Array(memory.buffer, 6 * K, K / bs))).toEqual(Array.from(s));
      expect(Array.from(q.subarray(0, 10))).toEqual([127, 2, 4, -2, -4, 0, 0, 2, -127, 0]);
    }
  });
});

describe.each([
  [1, true],
  [2, true],
  [2, false],
])('wasm gemvQ8, %i thread(s), caller claims %s', (threads, callerClaims) => {
  let kr: WasmKernelsWithSum;
  beforeAll(async () => {
    kr = await createWasmKernels({ threads, maxBytes: 256 * 2 ** 20, callerClaims });
  });
  afterAll(async () => kr.dispose());

  const shapes: Array<[string, number, number, number]> = [
    ['below the parallel threshold, N = 7', 64, 7, 32],
    ['above the parallel threshold, N = 1001 (not a multiple of 4), block 128', 512, 1001, 128],
    ['block 16, N = 130', 256, 130, 16],
    ['MobileLLM qkv-like [576, 1152], block 64', 576, 1154, 64],
  ];
  for (const [label, K, N, bs] of shapes) {
    it(`equals the float64 sum of the same quantized x and weights (${label})`, () => {
      const w = q8Weights(N, K, bs, K + N);
      const r = random(N);
      const x = Float32Array.from({ length: K }, () => r() * 4);
      const m = kr.packQ8Matrix(w.q, w.scales, K, N, bs);
      expect(m.Npad).toBe(Math.ceil(N / 4) * 4);
      const y = run(kr, x, m);
      const error = worstError(y, x, w, N, K, bs);
      expect(error((b) => b)).toBeLessThanOrEqual(1e-5);
      // The check can fail: reading the next block's scale (a wrong index) is far outside the tolerance.
      if (K > bs) expect(error((b) => (b + 1) % (K / bs))).toBeGreaterThan(1e-3);
      expect(Array.from(y.subarray(N))).toEqual(new Array(m.Npad - N).fill(0));
    });
  }

  it('takes signed Int8Array weights as they are (the same product as uint8 q + 128)', () => {
    const [K, N, bs] = [256, 40, 64];
    const w = q8Weights(N, K, bs, 5);
    const signed = Int8Array.from(w.q, (v) => v - 128);
    const x = Float32Array.from({ length: K }, random(9));
    const a = run(kr, x, kr.packQ8Matrix(w.q, w.scales, K, N, bs));
    const b = run(kr, x, kr.packQ8Matrix(signed, w.scales, K, N, bs));
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('refuses K not a multiple of the block size, a block size that is not a power of 2 ≥ 16, and wrong lengths', () => {
    const w = q8Weights(4, 128, 64, 1);
    expect(() => kr.packQ8Matrix(w.q.subarray(0, 4 * 100), new Float32Array(8), 100, 4, 64)).toThrow(/multiple of the block size 64/);
    expect(() => kr.packQ8Matrix(w.q, w.scales, 128, 4, 48)).toThrow(/power of 2/);
    expect(() => kr.packQ8Matrix(w.q, w.scales, 128, 4, 8)).toThrow(/power of 2/);
    expect(() => kr.packQ8Matrix(w.q, w.scales.subarray(1), 128, 4, 64)).toThrow(/scales/);
    expect(() => kr.packQ8Matrix(w.q.subarray(1), w.scales, 128, 4, 64)).toThrow(/weights/);
  });
});

describe('wasm gemvQ8 groups read at once (q8Streams) and input pairs per iteration (q8Unroll)', () => {
  it('every count gives the float64 product and the floats of one group and one pair at a time, 1 to 9 groups and more', async () => {
    const variants = ([1, 2, 3, 4] as const).flatMap((q8Streams) => ([1, 2, 4] as const).map((q8Unroll) => ({ q8Streams, q8Unroll })));
    const kernels = await Promise.all(variants.map((v) => createWasmKernels({ threads: 1, variant: { ...DEFAULT_VARIANT, ...v } })));
    try {
      // Group counts below, at and above each n, with every remainder mod 2, 3 and 4; blocks of 8 pairs (the fewest) to 64.
      const byGroupCount = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((g) => [64, 4 * g - (g % 4), 32]);
      const shapes = [...byGroupCount, [256, 4 * 37, 64], [48, 20, 16], [256, 12, 128]];
      for (const [K, N, bs] of shapes as Array<[number, number, number]>) {
        const w = q8Weights(N, K, bs, 3 * N + K);
        const x = Float32Array.from({ length: K }, random(N));
        const ys = kernels.map((kr) => run(kr, x, kr.packQ8Matrix(w.q, w.scales, K, N, bs)));
        expect(worstError(ys[0]!, x, w, N, K, bs)((b) => b)).toBeLessThanOrEqual(1e-5);
        for (const y of ys.slice(1)) expect(Array.from(y)).toEqual(Array.from(ys[0]!));
      }
    } finally {
      await Promise.all(kernels.map((kr) => kr.dispose()));
    }
  });
});
