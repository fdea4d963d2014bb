import { describe, expect, it } from 'vitest';
import { power, saturating } from './forms.js';
import { fitLaw } from './fit.js';
import { fitPowerOls } from './ols.js';
import { dropTop, dropTopRows, logResiduals, lossUnitRefit, tokensFromFlops } from './prepare.js';

describe('dropTop', () => {
  it('drops the k rows of highest y, keeping the others in order', () => {
    expect(dropTop([3, 9, 1, 7, 5], 2)).toEqual([0, 2, 4]);
    expect(dropTop([3, 9, 1], 0)).toEqual([0, 1, 2]);
  });
  it('drops the earlier of tied rows first', () => {
    expect(dropTop([5, 5, 1], 1)).toEqual([1, 2]);
  });
  it('refuses k outside [0, n − 1]', () => {
    expect(() => dropTop([1, 2], 2)).toThrow(/integer in \[0, 1\]/);
    expect(() => dropTop([1, 2], -1)).toThrow(/integer in \[0, 1\]/);
    expect(() => dropTop([1, 2], 0.5)).toThrow(/integer/);
  });
  it('dropTopRows subsets every column alike', () => {
    const out = dropTopRows({ N: [1, 2, 3], D: [4, 5, 6], y: [9, 1, 5] }, 1);
    expect(Array.from(out.N!)).toEqual([2, 3]);
    expect(Array.from(out.D!)).toEqual([5, 6]);
    expect(Array.from(out.y)).toEqual([1, 5]);
    expect(out.x).toBeUndefined();
  });
});

describe('tokensFromFlops', () => {
  it('is C / 6N', () => {
    expect(Array.from(tokensFromFlops([6e18, 1.2e19], [1e8, 1e9]))).toEqual([1e10, 2e9]);
    expect(() => tokensFromFlops([1], [1, 2])).toThrow(/1 values but parameters have 2/);
  });
});

describe('lossUnitRefit', () => {
  const x = [124635456, 345355200, 603188352, 1005461760];
  const ppl = [11.961319, 8.976614, 7.984185, 7.171037];
  it('refits ln(perplexity) for a power law fitted to perplexity', () => {
    const fit = fitLaw({ x, y: ppl }, { form: 'power' });
    const refit = lossUnitRefit(fit, { x, y: ppl }, 'perplexity')!;
    const direct = fitPowerOls(x, ppl.map(Math.log));
    expect(refit.b).toBeCloseTo(direct.params.b!, 12);
    expect(refit.b).toBeCloseTo(-0.111, 2);
    expect(refit.ci_b[0]).toBeLessThan(refit.b);
    expect(refit.ci_b[1]).toBeGreaterThan(refit.b);
  });
  it('is null for loss units, other forms, or fewer than 3 points', () => {
    const fit = fitLaw({ x, y: ppl }, { form: 'power' });
    expect(lossUnitRefit(fit, { x, y: ppl }, 'loss_nats')).toBeNull();
    expect(lossUnitRefit({ ...fit, form: 'saturating' }, { x, y: ppl }, 'perplexity')).toBeNull();
    expect(lossUnitRefit({ ...fit, n_points: 2 }, { x, y: ppl }, 'perplexity')).toBeNull();
  });
});

describe('logResiduals', () => {
  it('is zero on the law itself and ln(y/ŷ) otherwise', () => {
    const values = [2, 100, 0.3];
    const x = [10, 100, 1000];
    const y = x.map((v) => saturating.predict(values, [v]));
    for (const r of logResiduals(saturating, values, x, y)) expect(Math.abs(r)).toBeLessThan(1e-14);
    expect(logResiduals(power, [1, 1], [2], [4])[0]).toBeCloseTo(Math.log(2), 14);
  });
});
