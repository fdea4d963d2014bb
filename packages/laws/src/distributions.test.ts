import { describe, expect, it } from 'vitest';
import { chiSquareQuantile, normalQuantile, quantile, studentTCdf, studentTQuantile } from './distributions.js';
import { createRng } from '@scalewise/core';

describe('distributions (published table values)', () => {
  it('matches Student t, normal and chi-square quantiles', () => {
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 5);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(studentTQuantile(0.05, 5)).toBeCloseTo(-2.015048, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.841459, 5);
    expect(chiSquareQuantile(0.95, 4)).toBeCloseTo(9.487729, 5);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12);
  });

  it('percentiles interpolate like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });

  it('the seeded RNG is deterministic and roughly standard normal', () => {
    const a = createRng(7);
    const b = createRng(7);
    let s = 0;
    let s2 = 0;
    let same = true;
    for (let i = 0; i < 20000; i++) {
      const z = a.normal();
      if (z !== b.normal()) same = false;
      s += z;
      s2 += z * z;
    }
    expect(same).toBe(true);
    expect(Math.abs(s / 20000)).toBeLessThan(0.03);
    expect(Math.abs(s2 / 20000 - 1)).toBeLessThan(0.03);
  });
});
