import { describe, expect, it } from 'vitest';
import { computeOptimal, diminishingReturns, exponentTest } from './analysis.js';
import { bootstrapFit, bootstrapQuantity } from './bootstrap.js';
import { informationCriteria, leaveOneOut, fitSmallPredictLarge } from './compare.js';
import { mobilellm } from './datasets.js';
import { fitLaw } from './fit.js';
import { chinchilla } from './forms.js';
import { approach1, approach2, approach2Bias } from './isoflop.js';
import { fitPowerOls } from './ols.js';
import { referenceLaws } from './reference.js';
import { logSpaced, planExponentCi } from './simulate.js';
import { convertY } from './units.js';

const x = mobilellm.map((r) => r.num_params);
const ppl = mobilellm.map((r) => r.perplexity);

describe('units and exponent comparison', () => {
  it('refuses to compare a perplexity exponent with Kaplan α_N; after ln PPL = loss it tests and sizes', () => {
    const pplFit = fitPowerOls(x, ppl);
    const sdLnX = Math.sqrt(pplFit.stats.sxx / x.length);
    const kaplan = { value: -referenceLaws.kaplanN.params.alpha_N!, yUnit: 'loss_nats' as const, xUnit: 'params_non_embedding' as const };
    expect(() =>
      exponentTest({ value: pplFit.params.b!, se: pplFit.se!.b!, dof: 2, sdLnX, yUnit: 'perplexity', xUnit: 'params_total' }, kaplan),
    ).toThrow(/cannot compare an exponent of perplexity with one of loss_nats.*ln PPL = loss/);
    const loss = fitPowerOls(x, convertY(ppl, 'perplexity', 'loss_nats'));
    expect(loss.params.b).toBeCloseTo(-0.111, 2);
    const test = exponentTest({ value: loss.params.b!, se: loss.se!.b!, dof: 2, sdLnX, yUnit: 'loss_nats', xUnit: 'params_total' }, kaplan);
    expect(test.warnings[0]).toMatch(/x units differ/);
    // Independent: two-sided t(2) p-value of t = (b + 0.076)/se.
    expect(test.t).toBeCloseTo((loss.params.b! + 0.076) / loss.se!.b!, 10);
    expect(test.pValue).toBeGreaterThan(0);
    expect(test.pValue).toBeLessThan(0.05);
    expect(test.modelsNeeded).toBeGreaterThanOrEqual(3);
  });

  it('convertY round-trips perplexity ↔ loss and refuses accuracy', () => {
    expect(convertY(convertY([7.17], 'perplexity', 'loss_nats'), 'loss_nats', 'perplexity')[0]).toBeCloseTo(7.17, 12);
    expect(() => convertY([0.5], 'accuracy', 'loss_nats')).toThrow(/cannot convert/);
  });
});

describe('compute-optimal allocation', () => {
  it('N_opt minimises the law along C = 6ND (checked by a direct scan)', () => {
    const p = referenceLaws.besiroglu.params as { E: number; A: number; B: number; alpha: number; beta: number };
    const C = 5.76e23;
    const opt = computeOptimal(p, C);
    expect(6 * opt.N_opt * opt.D_opt).toBeCloseTo(C, -10);
    let best = Infinity;
    let bestN = 0;
    for (let k = 0; k <= 4000; k++) {
      const N = 1e9 * 10 ** (k / 1000);
      const L = chinchilla.predict(referenceLaws.besiroglu.values, [N, C / (6 * N)]);
      if (L < best) {
        best = L;
        bestN = N;
      }
    }
    expect(Math.abs(Math.log10(bestN / opt.N_opt))).toBeLessThan(0.002);
  });

  it('bootstrap quantities give CIs for N_opt', () => {
    const N: number[] = [];
    const D: number[] = [];
    for (const n of logSpaced(1e8, 1e10, 5))
      for (const d of logSpaced(1e9, 1e11, 4)) {
        N.push(n);
        D.push(d);
      }
    const y = N.map((n, i) => chinchilla.predict(referenceLaws.besiroglu.values, [n, D[i]!]) * (1 + 0.004 * Math.sin(i * 12.9898)));
    const obs = { N, D, y };
    const fit = fitLaw(obs, { form: 'chinchilla' });
    const boot = bootstrapFit(obs, fit, { form: 'chinchilla' }, { resamples: 15, seed: 2 });
    const ci = bootstrapQuantity(boot, (v) => computeOptimal({ E: v[0]!, A: v[1]!, B: v[2]!, alpha: v[3]!, beta: v[4]! }, 1e22).N_opt);
    expect(ci[0]).toBeLessThan(ci[1]);
  });
});

describe('comparison and diminishing returns', () => {
  it('AIC/BIC prefer the true (saturating) form; LOO and small→large errors are finite', () => {
    const xs = logSpaced(1e7, 3e9, 8);
    const y = xs.map((v, i) => 1.8 + 300 * v ** -0.35 + 0.002 * Math.cos(i * 3.1));
    const sat = fitLaw({ x: xs, y }, { form: 'saturating' });
    const pw = fitLaw({ x: xs, y }, { form: 'power' });
    expect(informationCriteria(sat).aic).toBeLessThan(informationCriteria(pw).aic);
    const loo = leaveOneOut({ x: xs, y }, { form: 'power' });
    expect(loo.errors).toHaveLength(8);
    const ext = fitSmallPredictLarge({ x: xs, y }, { form: 'saturating' }, 2);
    expect(ext.absRelErrors.every((e) => e < 0.05)).toBe(true);
  });

  it('diminishing returns table: Δy, Δy per 100M, ratio', () => {
    const fit = fitPowerOls(x, ppl);
    const rows = diminishingReturns(x, (v) => fit.params.a! * v ** fit.params.b!);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.dy).toBeLessThan(0);
    expect(rows[0]!.dyPer100M).toBeCloseTo((rows[0]!.dy / (x[1]! - x[0]!)) * 1e8, 12);
    // Diminishing returns: each step buys less per 100M params.
    expect(Math.abs(rows[2]!.dyPer100M)).toBeLessThan(Math.abs(rows[0]!.dyPer100M));
    const obs = { x, y: ppl };
    const boot = bootstrapFit(obs, fitLaw(obs, { form: 'power' }), { form: 'power' }, { resamples: 200, seed: 4 });
    const draws = Array.from({ length: boot.successful }, (_, r) => (v: number) => boot.samples[2 * r]! * v ** boot.samples[2 * r + 1]!);
    const withCi = diminishingReturns(x, (v) => fit.params.a! * v ** fit.params.b!, draws);
    for (const row of withCi) {
      expect(row.ci!.dy[0]).toBeLessThanOrEqual(row.dy);
      expect(row.ci!.dy[1]).toBeGreaterThanOrEqual(row.dy);
      expect(row.ci!.ratio[0]).toBeLessThan(row.ci!.ratio[1]);
    }
  });
});

describe('approach 2 (IsoFLOP) and planning by simulation', () => {
  const p = { E: 1.8, A: 480, B: 2100, alpha: 0.35, beta: 0.25 };
  const budgets = [1e18, 1e19, 1e20, 1e21, 1e22];

  it('centred slices recover β/(α+β); fixed sizes across budgets bias it when α ≠ β', () => {
    const centred = approach2Bias(p, budgets, { points: 9, widthDecades: 1.5 });
    expect(Math.abs(centred.bias)).toBeLessThan(1e-6);
    const fixed = approach2Bias(p, budgets, { fixedSizes: logSpaced(1e7, 1e11, 13) });
    expect(Math.abs(fixed.bias)).toBeGreaterThan(0.005);
    const symmetric = approach2Bias({ ...p, beta: 0.35 }, budgets, { fixedSizes: logSpaced(1e7, 1e11, 13) });
    expect(Math.abs(symmetric.bias)).toBeLessThan(Math.abs(fixed.bias));
  });

  it('approach 1 (envelope of training curves) recovers β/(α+β) on dense synthetic curves', () => {
    const values = [p.E, p.A, p.B, p.alpha, p.beta];
    const curves = logSpaced(1e7, 1e11, 60).map((N) => {
      const D = logSpaced(1e8, 1e13, 120);
      return { N, D, loss: D.map((d) => chinchilla.predict(values, [N, d])) };
    });
    const res = approach1(curves, [1e19, 1e20, 1e21, 1e22]);
    expect(res.a).toBeCloseTo(p.beta / (p.alpha + p.beta), 1);
  });

  it('approach2 refuses too few slices', () => {
    expect(() => approach2([{ N: 1, C: 1, loss: 1 }])).toThrow(/≥ 3 IsoFLOP slices/);
  });

  it('planning: more models → narrower exponent CI; the smallest adequate design is reported', () => {
    const designs = [3, 4, 6, 10].map((k) => logSpaced(1.2e8, 1e9, k));
    const plan = planExponentCi({ a: 1151.6, b: -0.2457 }, designs, { sigmaLog: 0.013, targetWidth: 0.05, replicates: 200, seed: 1 });
    const widths = plan.plans.map((d) => d.medianWidth);
    expect(widths[3]!).toBeLessThan(widths[0]!);
    expect(plan.smallestDesign?.medianWidth ?? 0).toBeLessThan(0.05);
  });
});
