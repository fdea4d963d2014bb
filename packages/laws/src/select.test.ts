import { describe, expect, it } from 'vitest';
import { fitLaw } from './fit.js';
import { aicc, AICC_MIN_GAP, chooseByAicc, compareForms } from './select.js';
import type { FitResult } from './types.js';

/** A fake fit with given residuals and parameter count (the AIC depends on nothing else). */
function fakeFit(residuals: number[], params: number, form = 'f'): FitResult {
  return {
    form,
    n_points: residuals.length,
    params: {},
    values: new Float64Array(params),
    objective: 0,
    objectiveName: '',
    r2: null,
    ci: {},
    ci_level: 0.95,
    ciMethod: '',
    method: '',
    warnings: [],
    sigma: 0,
    residuals: Float64Array.from(residuals),
  };
}

describe('aicc', () => {
  it('adds 2k(k+1)/(n−k−1) to the AIC', () => {
    expect(aicc(10, 10, 3)).toBeCloseTo(10 + (2 * 3 * 4) / 6, 12);
  });
  it('is undefined (null) when n ≤ k + 1', () => {
    expect(aicc(10, 4, 3)).toBeNull();
    expect(aicc(10, 5, 4)).toBeNull();
    expect(aicc(10, 3, 3)).toBeNull();
    expect(aicc(10, 5, 3)).not.toBeNull();
  });
});

describe('chooseByAicc', () => {
  const small = [0.01, -0.02, 0.015, -0.01, 0.02, -0.015, 0.01, -0.01];
  it('cannot tell when any AICc is undefined (n ≤ k + 1)', () => {
    // 5 points: 2 parameters + σ → k = 3, defined; 3 parameters + σ → k = 4 = n − 1, undefined.
    const res = chooseByAicc([
      { name: 'power', fit: fakeFit(small.slice(0, 5), 2) },
      {
        name: 'saturating',
        fit: fakeFit(
          small.slice(0, 5).map((r) => r / 100),
          3,
        ),
      },
    ]);
    expect(res.preferred).toBeNull();
    expect(res.reason).toMatch(/cannot tell: AICc is undefined for saturating \(n = 5, k = 4\)/);
    expect(res.rows[1]!.aicc).toBeNull();
    expect(res.rows.every((r) => r.delta === null)).toBe(true);
  });
  it('cannot tell when the best gap is under 2', () => {
    const a = fakeFit(small, 2, 'a');
    const b = fakeFit(
      small.map((r) => r * 1.05),
      2,
      'b',
    );
    const res = chooseByAicc([
      { name: 'a', fit: a },
      { name: 'b', fit: b },
    ]);
    expect(res.rows[1]!.delta!).toBeGreaterThan(0);
    expect(res.rows[1]!.delta!).toBeLessThan(AICC_MIN_GAP);
    expect(res.preferred).toBeNull();
    expect(res.reason).toMatch(/cannot tell: the AICc gap between a and b/);
  });
  it('names the form with the lowest AICc when the gap is at least 2', () => {
    const res = chooseByAicc([
      {
        name: 'worse',
        fit: fakeFit(
          small.map((r) => r * 10),
          2,
        ),
      },
      { name: 'better', fit: fakeFit(small, 2) },
    ]);
    expect(res.preferred).toBe('better');
    expect(res.rows.find((r) => r.name === 'better')!.delta).toBe(0);
    expect(res.rows.find((r) => r.name === 'worse')!.delta!).toBeGreaterThan(2);
  });
  it('handles one form and none', () => {
    expect(chooseByAicc([{ name: 'only', fit: fakeFit(small, 2) }]).preferred).toBe('only');
    expect(chooseByAicc([]).preferred).toBeNull();
  });
});

describe('compareForms', () => {
  const x = [1e3, 2e3, 4e3, 8e3, 1.6e4, 3.2e4, 6.4e4, 1.28e5, 2.56e5, 5.12e5];
  const y = x.map((v, i) => (1.5 + 40 * v ** -0.4) * (1 + 0.002 * Math.sin(i * 1.7)));
  it('fits each form, reports the criteria and prefers the saturating law on saturating data', () => {
    const res = compareForms({ x, y }, ['power', 'saturating']);
    expect(res.fits.map((f) => f.form)).toEqual(['power', 'saturating']);
    const sat = res.fits[1]!;
    expect(sat.aicc).toBeCloseTo(sat.aic + (2 * 4 * 5) / (10 - 5), 9);
    expect(sat.looError).not.toBeNull();
    expect(sat.params.alpha).toBeCloseTo(0.4, 1);
    expect(res.preferred).toBe('saturating');
    expect(fitLaw({ x, y }, { form: 'saturating' }).params.E).toBeCloseTo(sat.params.E!, 10);
  });
  it('says cannot tell with 5 points (saturating AICc undefined), and reports failed forms as warnings', () => {
    const res = compareForms({ x: x.slice(0, 5), y: y.slice(0, 5) }, ['power', 'saturating', 'kaplan-nd']);
    expect(res.preferred).toBeNull();
    expect(res.reason).toMatch(/cannot tell/);
    expect(res.warnings.join('\n')).toMatch(/kaplan-nd fit failed/);
  });
});
