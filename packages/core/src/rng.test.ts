import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { Rng, createRng, hashString, permutation } from './rng.js';

describe('Rng', () => {
  it('continues the sfc32 stream laws and train used before the shared core (values recorded from it)', () => {
    const r = createRng(0);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([4205396811, 3543653536, 1222415357, 3047368389]);
    const s = new Rng(12345);
    expect([s.nextUint32(), s.nextUint32()]).toEqual([2345461488, 1344865159]);
    const l = createRng(0);
    l.next();
    l.next();
    expect([l.normal(), l.normal()]).toEqual([-0.39887437030731454, -1.5343173446101477]);
  });

  it('is deterministic per seed; different seeds (numbers, strings, > 32 bits) give different streams', () => {
    const draw = (seed: number | string) => {
      const r = createRng(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw('tok_embeddings')).toEqual(draw('tok_embeddings'));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(1)).not.toEqual(draw(2 ** 32 + 1));
    expect(draw('a')).not.toEqual(draw('b'));
    expect(draw('a')).toEqual(draw(hashString('a')));
    expect(() => createRng(Number.NaN)).toThrow(InputError);
  });

  it('saves and restores its state: the restored generator continues the identical stream', () => {
    for (const warmup of [0, 1, 2, 3]) {
      const r = createRng(42);
      for (let i = 0; i < warmup; i++) r.normal(); // odd counts leave a spare normal value in the state
      const saved = JSON.parse(JSON.stringify(r.state())) as number[];
      expect(saved.length).toBe(warmup % 2 === 1 ? 5 : 4);
      const mix = (g: Rng) => Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? g.normal() : i % 3 === 1 ? g.next() : g.int(1000)));
      const expected = mix(r);
      expect(mix(createRng({ state: saved }))).toEqual(expected);
      const other = createRng(1);
      other.restore(saved);
      expect(mix(other)).toEqual(expected);
    }
  });

  it('rejects damaged states as input errors', () => {
    expect(() => createRng({ state: [1, 2, 3] })).toThrow(InputError);
    expect(() => createRng({ state: [1, 2, 3, -1] })).toThrow(/word 3/);
    expect(() => createRng({ state: [1, 2, 3, 2 ** 32] })).toThrow(InputError);
    expect(() => createRng({ state: [1, 2, 3, 4, Number.NaN] })).toThrow(/spare/);
  });

  it('draws uniformly: chi-square over 20 bins, ints in range, normals with mean 0 and variance 1', () => {
    const r = createRng(2024);
    const n = 200_000;
    const bins = new Array<number>(20).fill(0);
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside += 1;
      else bins[Math.floor(u * 20)]! += 1;
    }
    expect(outside).toBe(0);
    const expected = n / 20;
    const chi2 = bins.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.82); // 99.9th percentile of χ² with 19 degrees of freedom
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400); // > 4 binomial sds
    const z = r.fillNormal(new Float64Array(100_000));
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (z.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.015); // ~4.7 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.03); // ~3.4 standard errors
    const scaled = r.fillNormal(new Float32Array(50_000), 5, 0.1);
    expect(scaled.reduce((s, v) => s + v, 0) / scaled.length).toBeCloseTo(5, 2);
  });

  it('refuses int(n) for n that is not a positive integer', () => {
    const r = createRng(1);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
  });

  it('permutes 0..n−1 deterministically', () => {
    const p = permutation(50, createRng(3));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).toEqual(permutation(50, createRng(3)));
    expect(p).not.toEqual(permutation(50, createRng(4)));
  });
});
