import { createRng } from '@scalewise/core';
import { describe, expect, it } from 'vitest';
import { fitLaw } from '../fit.js';
import { profileIntervals } from '../profile.js';
import { customForm } from './form.js';
import { parseBounds } from './options.js';

const PARAMS = ['E', 'A', 'alpha'];

describe('parseBounds: the bound language', () => {
  it('reads one- and two-sided bounds with JavaScript float syntax', () => {
    const { positive, ranges } = parseBounds(['alpha<5e-1', 'E >= 1.5', '-2.5e+1 < A <= .5'], PARAMS);
    expect(ranges.get('alpha')).toEqual({ lower: -Infinity, upper: 0.5, lowerClosed: false, upperClosed: false });
    expect(ranges.get('E')).toEqual({ lower: 1.5, upper: Infinity, lowerClosed: true, upperClosed: false });
    expect(ranges.get('A')).toEqual({ lower: -25, upper: 0.5, lowerClosed: false, upperClosed: true });
    expect(positive.size).toBe(0);
  });

  it('NAME>0 (and 0<NAME) is a positive parameter; a lower and an upper bound given apart combine', () => {
    const { positive, ranges } = parseBounds(['A>0', '0<E', 'alpha>1e-3', 'alpha<1'], PARAMS);
    expect([...positive].sort()).toEqual(['A', 'E']);
    expect(ranges.get('alpha')).toMatchObject({ lower: 1e-3, upper: 1 });
  });

  it.each([
    ['alpha>', /bound 'alpha>', position 7: expected a number after '>' at the end/],
    ['beta>0', /bound 'beta>0', position 1: 'beta' is not a parameter of the formula \(parameters: E, A, alpha\)/],
    ['2<alpha<1', /bound '2<alpha<1', position 1: the lower bound 2 of 'alpha' is not below its upper bound 1/],
    ['alpha = 1', /bound 'alpha = 1', position 7: unexpected '='/],
    ['alpha>>1', /position 7: expected a number after '>', found '>'/],
    ['0<alpha>1', /position 8: '<' and '>' point different ways/],
    ['alpha>1 2', /position 9: unexpected '2' after the bound/],
    ['alpha>1e999', /position 7: '1e999' is not a finite number/],
    ['', /bound '', position 1: empty bound/],
    ['1<2', /position 3: expected a parameter name after '<', found '2'/],
  ])('%s is an input error naming the bound and the position', (text, message) => {
    expect(() => parseBounds([text], PARAMS)).toThrow(message);
  });

  it('a second lower bound of one parameter is refused', () => {
    expect(() => parseBounds(['alpha>0', 'alpha>=1'], PARAMS)).toThrow(/bound 'alpha>=1', position 8: 'alpha' already has a lower bound/);
  });

  it('starts must satisfy the bounds; a start on a closed end is moved just inside', () => {
    expect(() => customForm('E + A*x^(-alpha)', { bounds: ['0<alpha<1'], starts: ['alpha=0.5..1'] })).toThrow(/must be in \(0, 1\)/);
    const form = customForm('E + A*x^(-alpha)', { bounds: ['0<=alpha<=1', 'E<0.5'], starts: ['alpha=0..1'], rangePoints: 2 });
    const starts = form.strategy.starts(form, [], new Float64Array());
    expect(starts.map((s) => s[2])).toEqual([0.001, 0.999]);
    // E has no start: 1 is outside E < 0.5, so it starts inside the range.
    expect(starts.every((s) => s[0]! < 0.5)).toBe(true);
  });
});

describe('bounds are enforced in the fit', () => {
  const rng = createRng(7);
  const x = Array.from({ length: 30 }, (_, i) => 10 ** (1 + (3 * i) / 29));
  const y = x.map((xi) => (1.5 + 6 * xi ** -0.4) * Math.exp(0.01 * rng.normal()));
  const starts = ['E=1', 'A=5', 'alpha=0.5'];
  const free = fitLaw({ x, y }, { form: customForm('E + A*x^(-alpha)', { bounds: ['E>0', 'A>0'], starts }) });

  it('an interior optimum is unchanged by bounds that do not bind (shift, logistic, upper)', () => {
    const form = customForm('E + A*x^(-alpha)', { bounds: ['E>-5', 'A<1e3', '0.05<alpha<0.95'], starts });
    const fit = fitLaw({ x, y }, { form });
    for (const name of PARAMS) expect(fit.params[name]).toBeCloseTo(free.params[name]!, 6);
    expect(fit.objective).toBeCloseTo(free.objective, 12);
    // Wald intervals inside the bounds stay as they are.
    expect(fit.ci.alpha![0]).toBeCloseTo(free.ci.alpha![0], 4);
  });

  it.each([
    ['alpha<0.3', (a: number) => a < 0.3 && a > 0.29],
    ['alpha>=0.5', (a: number) => a >= 0.5 && a < 0.51],
    ['0.45<alpha<0.9', (a: number) => a > 0.45 && a < 0.46],
  ])('%s holds at an optimum outside the range (the fit sits on the bound)', (bound, ok) => {
    expect(free.params.alpha).toBeGreaterThan(0.3);
    expect(free.params.alpha).toBeLessThan(0.45);
    const form = customForm('E + A*x^(-alpha)', { bounds: ['E>0', 'A>0', bound], starts: ['E=1', 'A=5'] });
    const fit = fitLaw({ x, y }, { form });
    expect(ok(fit.params.alpha!)).toBe(true);
    expect(fit.objective).toBeGreaterThan(free.objective);
  });

  it('an interval that would cross a bound stops at it: profile instead of Wald, ends inside the range', () => {
    // Free: alpha = 0.386, 95% interval about [0.371, 0.401]; the upper bound 0.4 cuts it.
    expect(free.ci.alpha![1]).toBeGreaterThan(0.4);
    const form = customForm('E + A*x^(-alpha)', { bounds: ['E>0', 'A>0', '0.35<alpha<0.4'], starts: ['E=1', 'A=5', 'alpha=0.37'] });
    const fit = fitLaw({ x, y }, { form });
    expect(fit.ciMethod).toMatch(/profile likelihood \(F\) for alpha/);
    const prof = profileIntervals({ x, y }, { form }, ['alpha']);
    for (const [lo, hi] of [fit.ci.alpha!, prof.ci.alpha!]) {
      expect(hi).toBe(0.4);
      expect(lo).toBeCloseTo(free.ci.alpha![0], 3);
    }
  });
});
