import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { logSpace } from './spacing.js';

describe('logSpace', () => {
  it('is geometric and includes both ends exactly', () => {
    const xs = logSpace(1e3, 1e6, 4);
    expect(xs[0]).toBe(1e3);
    expect(xs[3]).toBe(1e6);
    expect(xs.map((x) => Math.log10(x))).toEqual([3, 4, 5, 6].map((v) => expect.closeTo(v, 12)));
    const ys = logSpace(7e7, 4e10, 9);
    for (let i = 1; i < ys.length - 1; i++) expect(ys[i]! ** 2 / (ys[i - 1]! * ys[i + 1]!)).toBeCloseTo(1, 12);
    expect(logSpace(5, 50, 1)).toEqual([5]);
  });

  it('refuses bounds that are not positive and finite, and bad counts, as input errors', () => {
    expect(() => logSpace(0, 10, 5)).toThrow(InputError);
    expect(() => logSpace(1, Number.POSITIVE_INFINITY, 5)).toThrow(InputError);
    expect(() => logSpace(1, Number.NaN, 5)).toThrow(/finite bounds/);
    expect(() => logSpace(1, 10, 0)).toThrow(InputError);
    expect(() => logSpace(1, 10, 2.5)).toThrow(/whole number/);
  });
});
