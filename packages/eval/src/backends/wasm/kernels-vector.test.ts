import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { attendScratchBytes, createWasmKernels, type WasmKernelsWithSum } from './kernels.js';
import { EXP_LO } from './kernel-vector.js';

/** Values the kernels read: float32, so the float64 references below start from exactly the same inputs. */
function values(n: number, seed: number, spread: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() - 0.5) * 2 * spread);
}

/** Largest |got − want| / max(|want|, floor) over the first n entries (NaN counts as worst). */
function worstRelative(got: Float32Array, off: number, want: number[], floor = 1e-30): number {
  let worst = 0;
  want.forEach((w, i) => {
    const err = Math.abs((got[off + i] as number) - w) / Math.max(Math.abs(w), floor);
    if (!(err <= worst)) worst = err;
  });
  return worst;
}

describe('wasm vector kernels (RMSNorm, residual add, SwiGLU, softmax)', () => {
  let k: WasmKernelsWithSum;
  beforeAll(async () => {
    k = await createWasmKernels({ threads: 1 });
  });
  afterAll(() => k.dispose());

  // Odd lengths take the JavaScript tail (n mod 4) as well as the f32x4 body.
  it.each([1, 4, 7, 576, 1003])('swiglu = SiLU(g)·u within 2e-6 relative (n = %i, gates over ±100)', (n) => {
    const g = values(n, 1, 100);
    g[0] = -100; // e^100 saturates: the gate is ~0, not NaN
    if (n > 1) g[1] = 0;
    const u = values(n, 2, 3);
    const [gOff, uOff, out] = [k.alloc(n), k.alloc(n), k.alloc(n + 4)];
    k.f32().set(g, gOff);
    k.f32().set(u, uOff);
    k.swiglu(gOff, uOff, out, n);
    const want = Array.from(g, (x, i) => (x / (1 + Math.exp(-x))) * (u[i] as number));
    // The kernel rounds to float32 at every step; 1e-20 floors the relative error where SiLU(g) underflows.
    expect(worstRelative(k.f32(), out, want, 1e-20)).toBeLessThan(2e-6);
  });

  it('exp inside softmax is accurate over the float32 range and exactly 0 below it', () => {
    // softmax([x, 0]) = e^x / (1 + e^x): probes e^x for x from -100 to 88.
    let worst = 0;
    const p = k.alloc(8);
    for (let x = -100; x <= 88; x += 0.173) {
      k.f32().set([x, 0], p);
      k.softmax(p, 2, 1);
      const xf = Math.fround(x);
      const want = xf > 0 ? 1 / (1 + Math.exp(-xf)) : Math.exp(xf) / (1 + Math.exp(xf));
      const got = k.f32()[p] as number;
      if (xf < EXP_LO) expect(got).toBe(0);
      else if (want > 1e-37) worst = Math.max(worst, Math.abs(got - want) / want);
    }
    expect(worst).toBeLessThan(5e-6); // denormal results near EXP_LO keep fewer bits
    k.f32().set([0, 0], p);
    k.softmax(p, 2, 1);
    expect(Array.from(k.f32().subarray(p, p + 2))).toEqual([0.5, 0.5]);
  });

  it.each([1, 3, 8, 70, 1001])('softmax(p · scale) matches float64 within 1e-6, masked keys give 0 (n = %i)', (n) => {
    const s = values(n, 3, 40);
    if (n > 2) s[1] = -Infinity;
    const p = k.alloc(n + 4);
    const view = k.f32();
    view.set(s, p);
    view.fill(123, p + n, p + n + 4); // stale values past n must not count
    k.softmax(p, n, 0.125);
    const max = Math.max(...Array.from(s, (x) => x * 0.125));
    const e = Array.from(s, (x) => Math.exp(x * 0.125 - max));
    const sum = e.reduce((a, b) => a + b, 0);
    expect(
      worstRelative(
        k.f32(),
        p,
        e.map((x) => x / sum),
        1e-30,
      ),
    ).toBeLessThan(1e-6);
    if (n > 2) expect(k.f32()[p + 1]).toBe(0);
    const total = Array.from(k.f32().subarray(p, p + n)).reduce((a, b) => a + b, 0);
    expect(Math.abs(total - 1)).toBeLessThan(1e-6);
    for (let i = n; i < Math.ceil(n / 4) * 4; i++) expect(k.f32()[p + i]).toBe(0);
  });

  it.each([1, 6, 64, 576, 577])('rmsNorm matches float64 within 1e-6 and zeroes the padding lanes (n = %i)', (n) => {
    const x = values(n, 4, 5);
    const w = values(n, 5, 2);
    const [xOff, wOff, out] = [k.alloc(n + 4), k.alloc(n + 4), k.alloc(n + 4)];
    const view = k.f32();
    view.set(x, xOff);
    view.set(w, wOff);
    view.fill(7, xOff + n, xOff + n + 4); // garbage past n must not enter the mean
    view.fill(NaN, wOff + n, wOff + n + 4);
    k.rmsNorm(xOff, wOff, out, n, 1e-5);
    const inv = 1 / Math.sqrt(Array.from(x).reduce((a, v) => a + v * v, 0) / n + 1e-5);
    expect(
      worstRelative(
        k.f32(),
        out,
        Array.from(x, (v, i) => v * inv * (w[i] as number)),
        1e-30,
      ),
    ).toBeLessThan(1e-6);
    for (let i = n; i < Math.ceil(n / 4) * 4; i++) expect(k.f32()[out + i]).toBe(0);
  });

  it.each([1, 5, 576])('addTo adds in float32 exactly as JavaScript rounds it (n = %i)', (n) => {
    const [x, y] = [values(n, 6, 9), values(n, 7, 9)];
    const [xOff, yOff] = [k.alloc(n), k.alloc(n)];
    k.f32().set(x, xOff);
    k.f32().set(y, yOff);
    k.addTo(xOff, yOff, n);
    expect(Array.from(k.f32().subarray(xOff, xOff + n))).toEqual(Array.from(x, (v, i) => Math.fround(v + (y[i] as number))));
  });

  it("rope rotates (a, b) pairs by the position's angles within 1e-6 (3 heads of 2·20 floats)", () => {
    const [heads, half] = [3, 20];
    const x = values(2 * heads * half, 8, 4);
    const angles = Array.from({ length: half }, (_, i) => 7 * 10000 ** (-i / half));
    const [xOff, cOff, sOff] = [k.alloc(x.length), k.alloc(half), k.alloc(half)];
    const view = k.f32();
    view.set(x, xOff);
    view.set(angles.map(Math.cos), cOff);
    view.set(angles.map(Math.sin), sOff);
    k.rope(xOff, cOff, sOff, heads, half);
    const c = Float32Array.from(angles.map(Math.cos));
    const sn = Float32Array.from(angles.map(Math.sin));
    const want: number[] = [];
    for (let h = 0; h < heads; h++) {
      const base = 2 * h * half;
      const rot = (i: number, second: boolean) => {
        const [a, b] = [x[base + i] as number, x[base + half + i] as number];
        return second ? b * (c[i] as number) + a * (sn[i] as number) : a * (c[i] as number) - b * (sn[i] as number);
      };
      for (let i = 0; i < half; i++) want.push(rot(i, false));
      for (let i = 0; i < half; i++) want.push(rot(i, true));
    }
    const got = Array.from(k.f32().subarray(xOff, xOff + x.length));
    expect(Math.max(...got.map((g, i) => Math.abs(g - (want[i] as number))))).toBeLessThan(4e-6); // |x| ≤ 4
  });

  it.each([
    ['GQA, head size 40 (ctx panels overflow into the next head)', 4, 2, 40, 37],
    ['MQA, head size 16', 4, 1, 16, 5],
    ['MHA, one key', 2, 2, 32, 1],
  ])('attend = softmax(q·K·scale)·V per head within 1e-5 (%s)', (_, heads, kvHeads, hd, n) => {
    const { run, want } = attendCase(k, heads, kvHeads, hd, n);
    const got = run();
    expect(Math.max(...Array.from(got, (g, i) => Math.abs(g - (want[i] as number))))).toBeLessThan(1e-5);
  });

  it('attend refuses kv heads that are not evenly spaced in memory', () => {
    const a = { k: k.allocMatrix(16, 32), v: k.allocMatrix(32, 16) };
    const bk = k.allocMatrix(16, 32);
    k.alloc(64); // b's V lies further from b's K than a's V from a's K
    const b = { k: bk, v: k.allocMatrix(32, 16) };
    const [q, att, ctx] = [k.alloc(64), k.alloc(32), k.alloc(96)];
    expect(() => k.attend(q, [a, b], att, ctx, 4, 3, 0.25)).toThrow(/evenly spaced/);
    expect(() => k.attend(q, [a], att, ctx, 2, 33, 0.25)).toThrow(RangeError); // more keys than the cache holds
  });

  it('refuses ranges outside the memory and bad lengths', () => {
    const end = k.f32().length;
    expect(() => k.softmax(end - 2, 8, 1)).toThrow(RangeError);
    expect(() => k.rmsNorm(16, 16, end, 4, 1e-5)).toThrow(/rmsNorm out/);
    expect(() => k.swiglu(16, 16, 16, -1)).toThrow(/swiglu length/);
    expect(() => k.addTo(16, 16, 1.5)).toThrow(RangeError);
  });
});

// minParallelWork 0 splits every attend by heads; callerClaims false leaves them all to the workers. Each head has its
// own score buffer: with a wrong offset, heads computed at the same time by two threads share one.
describe.each([
  ['2 threads', { threads: 2 }],
  ['2 threads, worker only', { threads: 2, callerClaims: false }],
  ['3 threads, workers only', { threads: 3, callerClaims: false }],
])('wasm attend split over threads by heads (%s)', (_, options) => {
  let one: WasmKernelsWithSum;
  let split: WasmKernelsWithSum;
  beforeAll(async () => {
    one = await createWasmKernels({ threads: 1 });
    split = await createWasmKernels({ ...options, minParallelWork: 0 });
  });
  afterAll(async () => {
    await one.dispose();
    await split.dispose();
  });

  it.each([
    ['GQA, head size 64, 300 keys (whole panels: split)', 16, 4, 64, 300],
    ['MHA, head size 32, 33 keys (split)', 6, 6, 32, 33],
    ['GQA, head size 40 (panels overflow into the next head: on the caller)', 8, 2, 40, 300],
  ])('gives the 1-thread result bit for bit, within 1e-5 of float64 (%s)', (_, heads, kvHeads, hd, n) => {
    const alone = attendCase(one, heads, kvHeads, hd, n).run();
    const { run, want } = attendCase(split, heads, kvHeads, hd, n);
    // Back to back, so that the workers are awake and run heads at the same time.
    for (let i = 0; i < 40; i++) expect(Array.from(run())).toEqual(Array.from(alone));
    expect(Math.max(...Array.from(alone, (g, i) => Math.abs(g - (want[i] as number))))).toBeLessThan(1e-5);
  });

  it('allocates no more for its score buffers than attendScratchBytes says', async () => {
    const fresh = await createWasmKernels({ ...options, minParallelWork: 0 });
    try {
      const [heads, hd, P] = [6, 32, 2500];
      const cache = [{ k: fresh.allocMatrix(hd, P), v: fresh.allocMatrix(P, hd) }];
      const [q, att, ctx] = [fresh.alloc(heads * hd), fresh.alloc(P + 32), fresh.alloc(heads * hd + 32)];
      const before = fresh.alloc(16);
      for (const n of [1, 100, 1000, 1025, 2048, 2049, P]) fresh.attend(q, cache, att, ctx, heads, n, 0.1);
      const taken = (fresh.alloc(16) - before - 16) * 4;
      expect(taken).toBeGreaterThan(0); // it did split, into buffers of its own
      expect(taken).toBeLessThanOrEqual(attendScratchBytes(heads, P));
    } finally {
      await fresh.dispose();
    }
  });
});

/** attend over a random cache of P = 320 positions: `run` returns the kernel's context, `want` is softmax(q·K·scale)·V in float64. */
function attendCase(k: WasmKernelsWithSum, heads: number, kvHeads: number, hd: number, n: number) {
  const P = 320;
  const cache = Array.from({ length: kvHeads }, () => ({ k: k.allocMatrix(hd, P), v: k.allocMatrix(P, hd) }));
  const keys = values(kvHeads * P * hd, 9, 1); // key t of kv head j at (j·P + t)·hd
  const vals = values(kvHeads * P * hd, 10, 1);
  const q = values(heads * hd, 11, 2);
  const view = k.f32();
  cache.forEach((c, j) => {
    for (let t = 0; t < P; t++)
      for (let d = 0; d < hd; d++) {
        view[k.index(c.k, d, t)] = keys[(j * P + t) * hd + d] as number;
        view[k.index(c.v, t, d)] = vals[(j * P + t) * hd + d] as number;
      }
  });
  const [qOff, att, ctx] = [k.alloc(heads * hd), k.alloc(P), k.alloc(heads * hd + 32)];
  k.f32().set(q, qOff);
  const scale = 1 / Math.sqrt(hd);
  const run = () => {
    k.f32().fill(Number.NaN, ctx, ctx + heads * hd); // every head must be written again
    k.attend(qOff, cache, att, ctx, heads, n, scale);
    return k.f32().slice(ctx, ctx + heads * hd);
  };
  const want: number[] = [];
  for (let h = 0; h < heads; h++) {
    const j = Math.floor((h * kvHeads) / heads);
    const s = Array.from({ length: n }, (_, t) => {
      let dot = 0;
      for (let d = 0; d < hd; d++) dot += (q[h * hd + d] as number) * (keys[(j * P + t) * hd + d] as number);
      return dot * scale;
    });
    const max = Math.max(...s);
    const e = s.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let d = 0; d < hd; d++) want.push(e.reduce((acc, p, t) => acc + (p / sum) * (vals[(j * P + t) * hd + d] as number), 0));
  }
  return { run, want };
}
