import { describe, expect, it } from 'vitest';
import { bootstrapFit } from './bootstrap.js';
import { fitLaw } from './fit.js';
import { bnsl, chinchilla, getForm, kaplanND, power, saturating } from './forms.js';
import { profileIntervals } from './profile.js';
import { defaultResamples, FORMS, resolveFitOptions, strategyOf } from './strategies.js';

describe('form strategies', () => {
  it('every built-in form has a strategy; bnsl-K uses bnsl', () => {
    for (const name of Object.keys(FORMS)) expect(strategyOf(getForm(name))).toBe(FORMS[name as keyof typeof FORMS]);
    expect(strategyOf(bnsl(2))).toBe(FORMS.bnsl);
  });
  it('resolves defaults once: method, loss, delta, space, level', () => {
    expect(resolveFitOptions(power, {})).toEqual({ method: 'ols', loss: 'ls', delta: Infinity, space: 'log', level: 0.95 });
    expect(resolveFitOptions(chinchilla, {})).toEqual({ method: 'varpro', loss: 'huber', delta: 1e-3, space: 'log', level: 0.95 });
    expect(resolveFitOptions(chinchilla, { loss: 'ls', delta: 0.5 }).delta).toBe(Infinity);
    expect(resolveFitOptions(saturating, { level: 0.9 }).method).toBe('nls');
  });
  it('refuses a method the form does not have', () => {
    expect(() => resolveFitOptions(saturating, { method: 'ols' })).toThrow(/form 'saturating' is fitted by 'nls', not 'ols'/);
    expect(() => fitLaw({ x: [1, 2, 3], y: [3, 2, 1] }, { form: 'power', method: 'grid' })).toThrow(/'ols' or 'nls', not 'grid'/);
  });
  it('default resamples: 200 for chinchilla and kaplan-nd, 0 otherwise', () => {
    expect(defaultResamples(chinchilla)).toBe(200);
    expect(defaultResamples(kaplanND)).toBe(200);
    expect(defaultResamples(power)).toBe(0);
    expect(defaultResamples(saturating)).toBe(0);
  });
  it('power: OLS by default and NLS on request agree on noiseless data', () => {
    const x = [1, 2, 4, 8, 16];
    const y = x.map((v) => 3 * v ** -0.5);
    const ols = fitLaw({ x, y }, { form: 'power' });
    const nls = fitLaw({ x, y }, { form: 'power', method: 'nls' });
    expect(ols.method).toBe('ols-loglog');
    expect(nls.method).toMatch(/lbfgs/);
    expect(nls.params.b).toBeCloseTo(ols.params.b!, 6);
    expect(FORMS.power.r2InLogSpace(ols)).toBe(true);
    expect(FORMS.power.r2InLogSpace(nls)).toBe(false);
  });
  it('power OLS bootstrap counts a resample without spread as failed, not as a fit', () => {
    const fit = fitLaw({ x: [1, 2, 3], y: [3, 2, 1.5] }, { form: 'power' });
    const boot = bootstrapFit({ x: [1, 2, 3], y: [3, 2, 1.5] }, fit, { form: 'power' }, { resamples: 40, seed: 1 });
    expect(boot.failed).toBeGreaterThan(0);
    expect(boot.successful + boot.failed).toBe(40);
  });
  it('fitNls reports progress once per start, ending at the total', () => {
    const x = [1e3, 2e3, 4e3, 8e3, 1.6e4, 3.2e4];
    const y = x.map((v) => 1.5 + 40 * v ** -0.4);
    const seen: [number, number][] = [];
    fitLaw({ x, y }, { form: 'saturating', onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThan(seen[i - 1]![0]);
  });
  it('chinchilla profiles through its own profiler (robust LR), others through F profiles', () => {
    const x = [1, 2, 4, 8, 16, 32];
    const y = x.map((v, i) => 3 * v ** -0.5 * (1 + 0.01 * Math.sin(i)));
    expect(profileIntervals({ x, y }, { form: 'power' }).method).toMatch(/profile likelihood \(F/);
    expect(FORMS.chinchilla.profile).toBeDefined();
    expect(FORMS.power.profile).toBeUndefined();
  });
});

describe('large tables', () => {
  it('races the starts on a subsample and refines the winner on all rows, matching the plain fit', () => {
    const n = 30_000;
    const x = Float64Array.from({ length: n }, (_, i) => 1e3 * 10 ** ((3 * i) / n));
    const y = Float64Array.from(x, (v, i) => (1.5 + 40 * v ** -0.4) * Math.exp(0.01 * Math.sin(i * 12.9898)));
    const seen: number[] = [];
    const fit = fitLaw({ x, y }, { form: 'saturating', onProgress: (d, t) => seen.push(d / t) });
    expect(fit.method).toMatch(/on a 1-in-2 subsample of 30000 rows, the best refined on all rows/);
    expect(fit.n_points).toBe(n);
    expect(fit.params.alpha).toBeCloseTo(0.4, 2);
    expect(fit.params.E).toBeCloseTo(1.5, 2);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
});
