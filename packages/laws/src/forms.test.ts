import { describe, expect, it } from 'vitest';
import { bnsl, chinchilla, getForm, kaplanC, kaplanD, kaplanN, kaplanND, power, saturating, type Form } from './forms.js';

const cases: [Form, number[], number[][]][] = [
  [power, [1151.6, -0.2457], [[1.2e8], [1e9]]],
  [saturating, [1.8, 400, 0.34], [[1e8], [3e9]]],
  [kaplanN, [8.8e13, 0.076], [[1e8]]],
  [kaplanD, [5.4e13, 0.095], [[1e10]]],
  [kaplanC, [3.1e8, 0.05], [[10]]],
  [
    kaplanND,
    [6.4e13, 1.8e13, 0.076, 0.103],
    [
      [1e8, 1e10],
      [1e9, 3e9],
    ],
  ],
  [
    chinchilla,
    [1.69, 406.4, 410.7, 0.34, 0.28],
    [
      [1e8, 2e9],
      [7e10, 1.4e12],
    ],
  ],
  [bnsl(2), [0.1, 5, 0.2, 0.5, 1e3, 0.7, -0.3, 1e5, 1.3], [[50], [3e3], [2e5]]],
];

describe('forms: analytic gradients match central finite differences', () => {
  for (const [form, p, points] of cases) {
    it(form.name, () => {
      const g = new Float64Array(p.length);
      for (const x of points) {
        const y = form.gradient(p, x, g);
        expect(y).toBeCloseTo(form.predict(p, x), 10);
        for (let j = 0; j < p.length; j++) {
          const h = 1e-6 * Math.max(Math.abs(p[j]!), 1e-3);
          const up = [...p];
          const dn = [...p];
          up[j] = up[j]! + h;
          dn[j] = dn[j]! - h;
          const fd = (form.predict(up, x) - form.predict(dn, x)) / (2 * h);
          expect(Math.abs(g[j]! - fd)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(fd), Math.abs(y) * 1e-6));
        }
      }
    });
  }

  it('Kaplan L(N) at 1e9 non-embedding params is ≈ 2.38 nats (published constants)', () => {
    expect(kaplanN.predict([8.8e13, 0.076], [1e9])).toBeCloseTo((8.8e13 / 1e9) ** 0.076, 12);
    expect(kaplanN.predict([8.8e13, 0.076], [1e9])).toBeCloseTo(2.377, 2);
  });

  it('getForm knows every name and rejects unknown ones', () => {
    for (const name of ['power', 'saturating', 'kaplan-n', 'kaplan-d', 'kaplan-c', 'kaplan-nd', 'chinchilla', 'bnsl', 'bnsl-3']) {
      expect(getForm(name).params.length).toBeGreaterThan(1);
    }
    expect(getForm('bnsl-3').params).toHaveLength(12);
    expect(() => getForm('cubic')).toThrow(/unknown form 'cubic'/);
  });
});
