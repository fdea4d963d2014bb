import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LawsError, LawsInputError } from './errors.js';
import { fitLaw } from './fit.js';
import { profileChinchilla } from './profile-chinchilla.js';

const SEED = 42;
// Log-spaced x with a multiplicative power-law signal plus bounded noise: always a valid dataset.
const dataset = fc
  .record({
    n: fc.integer({ min: 4, max: 12 }),
    b: fc.double({ min: -0.8, max: -0.05, noNaN: true }),
    noise: fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 12, maxLength: 12 }),
  })
  .map(({ n, b, noise }) => {
    const x = Array.from({ length: n }, (_, i) => 1e7 * 2 ** i);
    return { x, y: x.map((v, i) => 50 * v ** b * Math.exp(noise[i]!)), b };
  });

describe('properties (fast-check, seeded)', () => {
  it('power fits are invariant to row order', () => {
    fc.assert(
      fc.property(dataset, fc.integer({ min: 0, max: 1000 }), ({ x, y }, shift) => {
        const idx = x.map((_, i) => (i * 7 + shift) % x.length);
        const perm = [...new Set(idx)].length === x.length ? idx : x.map((_, i) => x.length - 1 - i);
        const a = fitLaw({ x, y }, { form: 'power' });
        const b = fitLaw({ x: perm.map((i) => x[i]!), y: perm.map((i) => y[i]!) }, { form: 'power' });
        expect(b.params.b).toBeCloseTo(a.params.b!, 10);
        expect(b.ci.b![0]).toBeCloseTo(a.ci.b![0], 10);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('rescaling x leaves the exponent unchanged (power OLS and saturating NLS)', () => {
    fc.assert(
      fc.property(dataset, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), ({ x, y }, c) => {
        const a = fitLaw({ x, y }, { form: 'power' });
        const b = fitLaw({ x: x.map((v) => v * c), y }, { form: 'power' });
        expect(b.params.b).toBeCloseTo(a.params.b!, 9);
        expect(b.params.a! / (a.params.a! * c ** -a.params.b!)).toBeCloseTo(1, 8);
      }),
      { seed: SEED, numRuns: 100 },
    );
    fc.assert(
      fc.property(dataset, fc.constantFrom(1e-6, 1e-3, 10, 1e4), ({ x, y }, c) => {
        const yy = y.map((v) => v + 1.5);
        const a = fitLaw({ x, y: yy }, { form: 'saturating' });
        const b = fitLaw({ x: x.map((v) => v * c), y: yy }, { form: 'saturating' });
        expect(Math.abs(b.objective - a.objective)).toBeLessThanOrEqual(1e-6 * Math.max(a.objective, 1e-12) + 1e-14);
      }),
      { seed: SEED, numRuns: 15 },
    );
  });

  it('no input makes a fitter return NaN: it either returns finite values or throws a LawsError', () => {
    const anyNumber = fc.oneof(fc.double(), fc.constantFrom(0, -1, Number.NaN, Infinity, 1e-300, 1e300));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyNumber, anyNumber), { minLength: 0, maxLength: 8 }),
        fc.constantFrom('power', 'saturating', 'kaplan-n'),
        (rows, form) => {
          try {
            const fit = fitLaw({ x: rows.map((r) => r[0]), y: rows.map((r) => r[1]) }, { form });
            for (const v of Object.values(fit.params)) expect(Number.isFinite(v)).toBe(true);
            expect(Number.isFinite(fit.objective)).toBe(true);
            for (const [lo, hi] of Object.values(fit.ci)) expect(Number.isNaN(lo) || Number.isNaN(hi)).toBe(false);
          } catch (error) {
            expect(error).toBeInstanceOf(LawsError);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('chinchilla fits and profile intervals are invariant to row order', () => {
    const N: number[] = [];
    const D: number[] = [];
    for (const n of [1e8, 4e8, 1.6e9, 6.4e9])
      for (const tpp of [5, 20, 80]) {
        N.push(n);
        D.push(n * tpp);
      }
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 1, max: 11 }),
        (noise, shift) => {
          const y = N.map((n, i) => (1.7 + 400 / n ** 0.34 + 410 / D[i]! ** 0.28) * Math.exp(noise[i]!));
          const perm = N.map((_, i) => (i * 5 + shift) % N.length);
          const pick = (a: number[]) => perm.map((i) => a[i]!);
          const a = fitLaw({ N, D, y }, { form: 'chinchilla' });
          const b = fitLaw({ N: pick(N), D: pick(D), y: pick(y) }, { form: 'chinchilla' });
          expect(b.objective).toBeCloseTo(a.objective, 12);
          const pa = profileChinchilla(N, D, y, ['alpha'], { delta: Infinity });
          const pb = profileChinchilla(pick(N), pick(D), pick(y), ['alpha'], { delta: Infinity });
          for (const k of [0, 1]) {
            const [va, vb] = [pa.ci.alpha![k]!, pb.ci.alpha![k]!];
            if (Number.isFinite(va)) expect(vb).toBeCloseTo(va, 4);
            else expect(vb).toBe(va);
            expect(Number.isNaN(va)).toBe(false);
          }
        },
      ),
      { seed: SEED, numRuns: 15 },
    );
  });

  it('chinchilla: no input returns NaN; bad rows throw LawsInputError naming the row', () => {
    const anyNumber = fc.oneof(fc.double({ min: 1e-3, max: 1e12 }), fc.constantFrom(0, -1, Number.NaN, Infinity, 1e-300, 1e300));
    fc.assert(
      fc.property(fc.array(fc.tuple(anyNumber, anyNumber, anyNumber), { minLength: 0, maxLength: 9 }), (rows) => {
        try {
          const fit = fitLaw({ N: rows.map((r) => r[0]), D: rows.map((r) => r[1]), y: rows.map((r) => r[2]) }, { form: 'chinchilla' });
          for (const v of Object.values(fit.params)) expect(Number.isFinite(v)).toBe(true);
          expect(Number.isFinite(fit.objective)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(LawsError);
          if (error instanceof LawsInputError && /^row \d+/.test(error.message)) expect(error.message).toMatch(/column '(N|D|y)'/);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
