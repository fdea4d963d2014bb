import { describe, expect, it } from 'vitest';
import { computeOptimal } from './analysis.js';
import { bootstrapFit, bootstrapQuantity } from './bootstrap.js';
import { chinchillaFitData } from './datasets.js';
import { fitLaw } from './fit.js';
import { optimalAllocation } from './optimal.js';

describe('optimalAllocation', () => {
  const obs = chinchillaFitData();
  const options = { form: 'chinchilla' };
  const fit = fitLaw(obs, options);
  const boot = bootstrapFit(obs, fit, options, { resamples: 40, seed: 4 });

  it('gives N_opt, D_opt = C/(6 N_opt) and D/N at each budget, inside percentile intervals over the refits', () => {
    const res = optimalAllocation(obs, fit, options, [1e21, 1e24], { boot });
    expect(res.draws + res.excluded).toBe(boot.successful);
    expect(res.points).toHaveLength(2);
    for (const p of res.points) {
      const direct = computeOptimal(fit.params as { A: number; B: number; alpha: number; beta: number }, p.flops);
      expect(p.N).toBeCloseTo(direct.N_opt, 6);
      expect((6 * p.N * p.D) / p.flops).toBeCloseTo(1, 12);
      expect(p.tokens_per_param).toBeCloseTo(p.D / p.N, 10);
      for (const [v, ci] of [
        [p.N, p.N_ci],
        [p.D, p.D_ci],
        [p.tokens_per_param, p.tokens_per_param_ci],
      ] as const) {
        expect(ci[0]).toBeLessThanOrEqual(v);
        expect(ci[1]).toBeGreaterThanOrEqual(v);
      }
      // The same percentile interval the generic bootstrap helper gives for N_opt.
      const ci = bootstrapQuantity(boot, (s) => computeOptimal({ A: s[1]!, B: s[2]!, alpha: s[3]!, beta: s[4]! }, p.flops).N_opt);
      if (res.excluded === 0) expect(p.N_ci).toEqual(ci);
    }
    // A larger budget buys a larger model.
    expect(res.points[1]!.N).toBeGreaterThan(res.points[0]!.N);
  });

  it('refuses another form, a non-positive budget and a fit without an optimum', () => {
    const sat = { x: [1, 2, 4, 8, 16], y: [3, 2.2, 1.6, 1.2, 0.9] };
    const satFit = fitLaw(sat, { form: 'saturating' });
    expect(() => optimalAllocation(sat, satFit, { form: 'saturating' }, [1e21])).toThrow(/needs the chinchilla form/);
    expect(() => optimalAllocation(obs, fit, options, [-5], { boot })).toThrow(/budget 1 must be a positive number of FLOPs, found -5/);
    const flat = { ...fit, params: { ...fit.params, beta: -0.1 } };
    expect(() => optimalAllocation(obs, flat, options, [1e21], { boot })).toThrow(/beta = -0.1/);
  });
});
