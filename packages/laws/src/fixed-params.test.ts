import { describe, expect, it } from 'vitest';
import { LawsInputError } from './errors.js';
import { fitLaw } from './fit.js';
import { withFixedParams } from './fixed-params.js';
import { saturating } from './forms.js';

describe('withFixedParams', () => {
  const held = withFixedParams(saturating, { E: 1.5 });

  it('keeps the free parameters in order and predicts with the held value', () => {
    expect(held.params).toEqual(['A', 'alpha']);
    expect(held.positive).toEqual([true, false]);
    expect(held.predict([40, 0.4], [1e3])).toBeCloseTo(saturating.predict([1.5, 40, 0.4], [1e3]), 12);
    const g = new Float64Array(2);
    const full = new Float64Array(3);
    held.gradient([40, 0.4], [1e3], g);
    saturating.gradient([1.5, 40, 0.4], [1e3], full);
    expect(Array.from(g)).toEqual([full[1], full[2]]);
  });

  it('fits only the free parameters', () => {
    const x = [1e3, 3e3, 1e4, 3e4, 1e5, 3e5];
    const y = x.map((v) => 1.5 + 40 * v ** -0.4);
    const fit = fitLaw({ x, y }, { form: held });
    expect(Object.keys(fit.params)).toEqual(['A', 'alpha']);
    expect(fit.params.alpha).toBeCloseTo(0.4, 6);
  });

  it('refuses an unknown name, a non-positive value of a positive parameter and holding everything', () => {
    expect(() => withFixedParams(saturating, { C: 1 })).toThrow(/has no parameter 'C'/);
    expect(() => withFixedParams(saturating, { E: 0 })).toThrow(LawsInputError);
    expect(() => withFixedParams(saturating, { E: 1, A: 1, alpha: 1 })).toThrow(/nothing to fit/);
  });
});
