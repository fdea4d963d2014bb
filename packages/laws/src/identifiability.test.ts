import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { chinchillaFitData } from './datasets.js';
import { fitLaw } from './fit.js';
import { diagnoseIdentifiability } from './identifiability-plan.js';

const logSpaced = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));

/** Saturating law E + A·x^−α with 0.5% log-normal noise, seeded. */
function saturating(lo: number, hi: number, seed = 1) {
  const rng = createRng(seed);
  const x = logSpaced(lo, hi, 12);
  return { x, y: x.map((v) => (1.7 + 400 * v ** -0.34) * Math.exp(0.005 * rng.normal())) };
}

/** Chinchilla-shaped law on N, D with 0.5% noise. */
function joint(N: number[], D: number[], seed = 2) {
  const rng = createRng(seed);
  return { N, D, y: N.map((n, i) => (1.69 + 406.4 / n ** 0.34 + 410.7 / D[i]! ** 0.28) * Math.exp(0.005 * rng.normal())) };
}

const warningsOf = (obs: Parameters<typeof fitLaw>[0], form: string) => fitLaw(obs, { form }).warnings.join('\n');

describe('identifiability warnings in every fit', () => {
  it('flag an input spanning less than a decade, with the runs to add', () => {
    const x = [1.2e8, 3.5e8, 6e8, 1e9];
    const w = warningsOf({ x, y: x.map((v) => 1151.6 * v ** -0.2457) }, 'power');
    expect(w).toMatch(/x spans 0\.92 orders of magnitude \(1\.2e8 to 1\.0e9\): its exponent b is weakly identified/);
    expect(w).toMatch(/b is weakly identified; add runs with x up to 10× the largest \(1\.0e10\)/);
  });

  it('do not flag a power law measured over three decades', () => {
    const x = logSpaced(1e6, 1e9, 8);
    expect(warningsOf({ x, y: x.map((v) => 1151.6 * v ** -0.2457) }, 'power')).not.toMatch(/spans|trades off|identified/);
  });

  it('flag an exponent that trades off with the floor E when the curvature is not visible', () => {
    expect(warningsOf(saturating(1e9, 3e10), 'saturating')).toMatch(
      /alpha trades off with the floor E: correlation of the estimates 0\.9\d\d; .* add runs with x up to 10× the largest \(3\.0e11\)/,
    );
  });

  it('do not flag the floor when six decades show the curvature', () => {
    expect(warningsOf(saturating(1e6, 1e12), 'saturating')).not.toMatch(/trades off|spans/);
  });

  it('flag α and β when N and D move together (fixed tokens per parameter)', () => {
    const N = logSpaced(1e8, 1e10, 12);
    const w = warningsOf(
      joint(
        N,
        N.map((n) => 20 * n),
      ),
      'chinchilla',
    );
    expect(w).toMatch(/N and D move together in this design \(correlation of log N and log D 1\.000.*add runs that vary D at fixed N/);
  });

  it('leave the Chinchilla runs (Besiroglu et al. refit) and a crossed N × D grid unflagged', () => {
    expect(fitLaw(chinchillaFitData(), { form: 'chinchilla' }).warnings).toEqual([]);
    const N = logSpaced(1e8, 1e10, 5).flatMap((n) => [n, n, n, n]);
    const D = logSpaced(1e8, 1e10, 5).flatMap(() => logSpaced(2e9, 2e11, 4));
    expect(warningsOf(joint(N, D), 'chinchilla')).not.toMatch(/move together|trades off|spans|singular/);
  });

  it('skip the information-matrix pass in refits without intervals, keeping the design checks', () => {
    const data = saturating(1e9, 3e10);
    const w = fitLaw(data, { form: 'saturating', intervals: false }).warnings.join('\n');
    expect(w).not.toMatch(/trades off/);
    const x = [1.2e8, 3.5e8, 6e8, 1e9];
    expect(fitLaw({ x, y: x.map((v) => 3 * v ** -0.2) }, { form: 'power', intervals: false }).warnings.join('\n')).toMatch(/spans 0\.92/);
  });
});

describe('diagnoseIdentifiability', () => {
  it('measures by simulation how much the suggested runs narrow the exponent interval', () => {
    const x = [1.2e8, 2e8, 3.5e8, 6e8, 1e9];
    const rng = createRng(5);
    const obs = { x, y: x.map((v) => 1151.6 * v ** -0.2457 * Math.exp(0.01 * rng.normal())) };
    const fit = fitLaw(obs, { form: 'power' });
    const cheap = diagnoseIdentifiability(obs, fit);
    expect(cheap.issues.map((i) => i.kind)).toEqual(['narrow-span']);
    expect(cheap.remedies).toEqual([]);
    const { remedies } = diagnoseIdentifiability(obs, fit, { simulate: true, replicates: 60 });
    expect(remedies).toHaveLength(1);
    const r = remedies[0]!;
    expect(r.param).toBe('b');
    // 8 runs over 1.9 decades instead of 5 over 0.9: the OLS slope's interval shrinks roughly 3-fold.
    expect(r.remedyWidth).toBeLessThan(r.currentWidth / 2);
    expect(r.message).toMatch(
      /^adding 3 runs with x up to 1\.0e10 \(10× the largest\) narrows b's 95% interval from [\d.]+ to [\d.]+ wide/,
    );
  });

  it('does not flag or simulate a well-designed study', () => {
    const x = logSpaced(1e6, 1e9, 8);
    const obs = { x, y: x.map((v, i) => 3 * v ** -0.2 * (1 + 0.01 * (i % 2 ? 1 : -1))) };
    expect(diagnoseIdentifiability(obs, fitLaw(obs, { form: 'power' }), { simulate: true })).toEqual({ issues: [], remedies: [] });
  });
});
