import { describe, expect, it } from 'vitest';
import { comparisonTable, crossValidationError } from './compare-table.js';
import { leaveOneOut } from './compare.js';
import { customForm } from './custom/form.js';
import { fitLaw } from './fit.js';
import { MUENNIGHOFF_2023 } from './constrained/form.js';
import { chinchilla, getForm } from './forms.js';
import { simulate } from './simulate.js';

const x = [1e3, 2e3, 4e3, 8e3, 1.6e4, 3.2e4, 6.4e4, 1.28e5, 2.56e5, 5.12e5];
const saturated = { x, y: x.map((v, i) => (1.5 + 40 * v ** -0.4) * (1 + 0.002 * Math.sin(i * 1.7))) };

describe('comparisonTable', () => {
  it('applies the AICc rule and reports k, BIC, leave-one-out and extrapolation errors per form', () => {
    const table = comparisonTable(saturated, [{ form: 'power' }, { form: 'saturating' }]);
    expect(table.preferred).toBe('saturating');
    expect(table.reason).toMatch(/saturating has the lowest AICc/);
    const [power, sat] = table.rows;
    expect([power!.form, sat!.form]).toEqual(['power', 'saturating']);
    expect([power!.k, sat!.k]).toEqual([3, 4]);
    expect([power!.preferred, sat!.preferred]).toEqual([false, true]);
    expect(sat!.delta_aicc).toBe(0);
    expect(power!.delta_aicc).toBeGreaterThan(2);
    expect(sat!.loo_error!).toBeLessThan(power!.loo_error!);
    expect(sat!.extrapolation_error!).toBeLessThan(power!.extrapolation_error!);
    expect(power!.cv).toBe('leave-one-out');
    expect(power!.bic).toBeGreaterThan(sat!.bic);
  });

  it('the warm weighted refits are leave-one-out: the same error as refitting without each row', () => {
    const fit = fitLaw(saturated, { form: 'power' });
    const warm = crossValidationError(saturated, fit, { form: 'power' });
    expect(warm.cv).toBe('leave-one-out');
    expect(warm.error).toBeCloseTo(leaveOneOut(saturated, { form: 'power' }).meanAbsRelError, 10);
    const satFit = fitLaw(saturated, { form: 'saturating' });
    const satWarm = crossValidationError(saturated, satFit, { form: 'saturating' });
    expect(satWarm.error).toBeCloseTo(leaveOneOut(saturated, { form: 'saturating' }).meanAbsRelError, 6);
  });

  it('switches to 10-fold above 300 rows', () => {
    const xs = Array.from({ length: 400 }, (_, i) => 1e3 * 1.01 ** i);
    const obs = { x: xs, y: xs.map((v, i) => 3 * v ** -0.2 * Math.exp(0.01 * Math.sin(i))) };
    const fit = fitLaw(obs, { form: 'power' });
    const cv = crossValidationError(obs, fit, { form: 'power' });
    expect(cv.cv).toBe('10-fold');
    expect(cv.error).toBeGreaterThan(0);
    expect(cv.error).toBeLessThan(0.02);
  });

  it('names no preferred form when an AICc is undefined', () => {
    const obs = { x: [1, 2, 4, 8, 16], y: [3, 2.2, 1.6, 1.2, 0.9] };
    const table = comparisonTable(obs, [{ form: 'power' }, { form: 'saturating' }]);
    expect(table.preferred).toBeNull();
    expect(table.reason).toMatch(/AICc is undefined for saturating/);
    expect(table.rows.map((r) => r.preferred)).toEqual([false, false]);
    expect(table.rows[1]!.aicc).toBeNull();
  });

  it('compares a custom formula with a built-in form on N, D data, reusing a given fit', () => {
    const N = [1e7, 3e7, 1e8, 3e8, 1e9].flatMap((v) => [v, v, v]);
    const D = N.map((v, i) => v * [5, 20, 80][i % 3]!);
    const y = simulate(chinchilla, [1.7, 400, 410, 0.34, 0.28], [N, D], 0.01, 5);
    const obs = { N, D, y };
    const custom = customForm('E + A*(N*D)^(-alpha)', { bounds: ['E>0', 'A>0'], starts: ['alpha=0.05..0.5', 'A=10..1e4'] });
    const fit = fitLaw(obs, { form: 'chinchilla' });
    const table = comparisonTable(obs, [{ form: 'chinchilla', fit }, { form: custom }]);
    expect(table.rows.map((r) => r.form)).toEqual(['chinchilla', 'custom']);
    expect(table.rows[0]!.params).toEqual(fit.params);
    expect(table.rows[0]!.aic).toBeLessThan(table.rows[1]!.aic);
  });

  it('refuses forms of other inputs, other residual spaces and a form listed twice', () => {
    expect(() => comparisonTable(saturated, [{ form: 'power' }, { form: 'chinchilla' }])).toThrow(/compare forms of the same inputs/);
    const linear = customForm('E + A*x^(-alpha)', { space: 'linear' });
    expect(() => comparisonTable(saturated, [{ form: 'power' }, { form: linear }])).toThrow(/not comparable/);
    expect(() => comparisonTable(saturated, [{ form: 'power' }, { form: 'power' }])).toThrow(/listed twice/);
  });

  it('extrapolates a data-constrained fit (inputs N, D, U): the held-out subset keeps U', () => {
    const form = getForm('data-constrained');
    const truth = form.params.map((k) => MUENNIGHOFF_2023[k as keyof typeof MUENNIGHOFF_2023]);
    const obs = { N: [] as number[], D: [] as number[], U: [] as number[], y: [] as number[] };
    for (const u of [1e8, 1e9])
      for (const e of [1, 4, 16, 64])
        for (const n of [2e7, 1e8, 5e8, 2e9]) {
          obs.N.push(n);
          obs.D.push(u * e);
          obs.U.push(u);
          obs.y.push(form.predict(truth, [n, u * e, u]) * (1 + 0.002 * Math.sin(obs.y.length)));
        }
    const [row] = comparisonTable(obs, [{ form }]).rows;
    expect(row!.warnings).toEqual([]);
    expect(row!.extrapolation_error).toBeGreaterThanOrEqual(0);
    expect(row!.extrapolation_error).toBeLessThan(0.05);
  });
});
