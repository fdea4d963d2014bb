import { readFileSync } from 'node:fs';
import { createRng } from '@scalewise/core';
import { describe, expect, it } from 'vitest';
import { adamwUpdate, adamwUpdateScalar, type AdamWUpdate } from './adamw-update.js';

/** Values over many magnitudes and both signs, with exact zeros: rounding differences show up somewhere. */
function values(n: number, seed: number, scale: number, nonNegative = false): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = i % 11 === 0 ? 0 : rng.normal() * scale * 10 ** (rng.int(7) - 3);
    out[i] = nonNegative ? x * x : x;
  }
  return out;
}

function state(n: number, seed: number) {
  return { w: values(n, seed, 0.1), g: values(n, seed + 1, 0.01), m: values(n, seed + 2, 0.001), v: values(n, seed + 3, 0.001, true) };
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Step t of AdamW with PyTorch's default betas, weight decay 0.1. */
const update = (t: number, o: Partial<AdamWUpdate> = {}): AdamWUpdate => ({
  gradScale: 1,
  beta1: 0.9,
  beta2: 0.999,
  c1: 1 - 0.9 ** t,
  c2: 1 - 0.999 ** t,
  lr: 3e-3,
  eps: 1e-8,
  wd: 3e-3 * 0.1,
  ...o,
});

describe('adamwUpdate (WebAssembly f32x4) against the scalar loop', () => {
  // Lengths around the group of 4 and the 16384-element chunk: empty, every tail, exactly one chunk, chunk ± 1, several chunks.
  const lengths = [0, 1, 2, 3, 4, 5, 6, 7, 17, 16383, 16384, 16385, 16386, 40001];
  it.each(lengths)('gives the same float32 bits for %i elements over 5 steps', (n) => {
    const a = state(n, 10 + n);
    const b = { w: a.w.slice(), g: a.g.slice(), m: a.m.slice(), v: a.v.slice() };
    for (let t = 1; t <= 5; t++) {
      const u = update(t, { gradScale: t === 3 ? 0.37 : 1 });
      adamwUpdateScalar(a.w, a.g, a.m, a.v, u);
      adamwUpdate(b.w, b.g, b.m, b.v, u);
    }
    expect(bitsOf(b.w)).toEqual(bitsOf(a.w));
    expect(bitsOf(b.m)).toEqual(bitsOf(a.m));
    expect(bitsOf(b.v)).toEqual(bitsOf(a.v));
    expect(bitsOf(b.g)).toEqual(bitsOf(a.g)); // gradients are read, never written
    if (n > 100) expect(a.w.some((x, i) => x !== state(n, 10 + n).w[i])).toBe(true); // the update did something
  });

  it.each<[string, Partial<AdamWUpdate>]>([
    ['no weight decay', { wd: 0 }],
    ['a late step (bias corrections near 1)', { c1: 1 - 0.9 ** 5000, c2: 1 - 0.999 ** 5000 }],
    ['large eps and lr, other betas', { eps: 1e-3, lr: 0.5, beta1: 0.5, beta2: 0.9, c1: 0.5, c2: 0.1 }],
    ['tiny eps, gradients clipped hard', { eps: 1e-12, gradScale: 1e-4 }],
  ])('%s: the same bits', (_name, o) => {
    const a = state(9999, 3);
    const b = { w: a.w.slice(), g: a.g.slice(), m: a.m.slice(), v: a.v.slice() };
    adamwUpdateScalar(a.w, a.g, a.m, a.v, update(1, o));
    adamwUpdate(b.w, b.g, b.m, b.v, update(1, o));
    expect(bitsOf(b.w)).toEqual(bitsOf(a.w));
    expect(bitsOf(b.m)).toEqual(bitsOf(a.m));
    expect(bitsOf(b.v)).toEqual(bitsOf(a.v));
  });

  it('updates views into a larger buffer in place, leaving the rest alone', () => {
    const big = state(50, 7);
    const before = big.w.slice();
    const view = (x: Float32Array) => x.subarray(5, 38);
    adamwUpdate(view(big.w), view(big.g), view(big.m), view(big.v), update(1));
    expect(Array.from(big.w.subarray(0, 5))).toEqual(Array.from(before.subarray(0, 5)));
    expect(Array.from(big.w.subarray(38))).toEqual(Array.from(before.subarray(38)));
    expect(view(big.w).some((x, i) => x !== before[5 + i])).toBe(true);
  });

  it('one element by hand: m, v and w follow the AdamW formulas', () => {
    const [w, g, m, v] = [Float32Array.of(0.5), Float32Array.of(0.2), Float32Array.of(0.1), Float32Array.of(0.04)];
    const u = update(2);
    adamwUpdate(w, g, m, v, u);
    const f = Math.fround;
    const mi = f(f(f(0.1) * f(0.9)) + f(f(0.2) * f(1 - 0.9)));
    const vi = f(f(f(0.04) * f(0.999)) + f(f(f(1 - 0.999) * f(0.2)) * f(0.2)));
    expect(m[0]).toBe(mi);
    expect(v[0]).toBe(vi);
    const w0 = f(0.5);
    // In float64, from the stored moments: within float32 rounding of w ← w(1 − wd) − lr·(m/c1)/(√(v/c2) + ε).
    expect(w[0]).toBeCloseTo(w0 * (1 - u.wd) - (u.lr * (mi / u.c1)) / (Math.sqrt(vi / u.c2) + u.eps), 7);
    expect(w[0]).not.toBe(w0);
  });
});

interface TorchReference {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  lrs: number[];
  init: Record<string, number[]>;
  grads: Array<Record<string, number[]>>;
  final: Record<string, number[]>;
  exp_avg: Record<string, number[]>;
  exp_avg_sq: Record<string, number[]>;
}

describe('adamwUpdate against torch.optim.AdamW (tools/fixtures/adamw_torch.py)', () => {
  const ref = JSON.parse(readFileSync(new URL('../fixtures/adamw-torch.json', import.meta.url), 'utf8')) as TorchReference;
  const [beta1, beta2] = ref.betas;

  it.each(['decayed', 'not_decayed'])('%s tensor: weights and both moments after 6 steps with a changing lr', (name) => {
    const w = Float32Array.from(ref.init[name]!);
    const m = new Float32Array(w.length);
    const v = new Float32Array(w.length);
    ref.lrs.forEach((lr, i) => {
      const t = i + 1;
      const u = {
        gradScale: 1,
        beta1,
        beta2,
        c1: 1 - beta1 ** t,
        c2: 1 - beta2 ** t,
        lr,
        eps: ref.eps,
        wd: name === 'decayed' ? lr * ref.weight_decay : 0,
      };
      adamwUpdate(w, Float32Array.from(ref.grads[i]![name]!), m, v, u);
    });
    // Both round every intermediate to float32 in the same order; torch's CPU kernels fuse some multiply-adds.
    const worst = (ours: Float32Array, theirs: number[]) =>
      Math.max(...theirs.map((x, i) => Math.abs((ours[i] as number) - x) / Math.max(Math.abs(x), 1e-30)));
    // Measured: w 6.7e-8 and 8.4e-8 apart at worst, m 2.6e-7 and 6.4e-7, v 1.3e-7 and 7.1e-8 (float64 arithmetic: up to 8.8e-7).
    expect(worst(w, ref.final[name]!)).toBeLessThan(2e-7);
    expect(worst(m, ref.exp_avg[name]!)).toBeLessThan(1e-6);
    expect(worst(v, ref.exp_avg_sq[name]!)).toBeLessThan(2e-7);
    // Same steps in the same order: nearly every weight has torch's exact bits (47 of 48 and 32 of 33 measured).
    const exact = ref.final[name]!.filter((x, i) => w[i] === Math.fround(x)).length;
    expect(exact / w.length).toBeGreaterThan(0.9);
    // the steps moved the weights by far more than that
    expect(worst(Float32Array.from(ref.init[name]!), ref.final[name]!)).toBeGreaterThan(1e-3);
  });
});
