import { describe, expect, it } from 'vitest';
import { customForm } from './custom/form.js';
import { chinchilla, power } from './forms.js';
import { planCi } from './plan.js';
import { designGrid } from './plan-design.js';

describe('designGrid', () => {
  it('one-input forms: counts are log-spaced over the range, explicit sets kept; cheapest first', () => {
    const d = designGrid(power, [{ count: 8 }, { values: [3e8, 1e8, 1e9] }], [], { sizeRange: [1e8, 1e9] });
    expect(d.map((x) => x.label)).toEqual(['3 sizes', '8 sizes']);
    expect(d[0]!.x).toEqual([1e8, 3e8, 1e9]);
    expect(d[1]!.x![0]).toBeCloseTo(1e8, 0);
    expect(d[1]!.x![7]).toBeCloseTo(1e9, 0);
    expect(d[1]!.runs).toBe(8);
  });

  it('two-input forms: sizes × budgets, with FLOP budgets (D = C/6N), token counts or tokens-per-parameter counts', () => {
    const [flops] = designGrid(chinchilla, [{ values: [1e8, 1e9] }], [{ values: [1e19, 1e20] }]);
    expect(flops!.N).toEqual([1e8, 1e8, 1e9, 1e9]);
    expect(flops!.D![3]).toBeCloseTo(1e20 / 6e9, 0);
    expect(flops!.cost).toBeCloseTo(2.2e20, -10);
    expect(flops!.label).toBe('2 sizes × 2 FLOP budgets');
    const [tokens] = designGrid(chinchilla, [{ values: [1e8] }], [{ values: [5e9] }], { budgetUnit: 'tokens' });
    expect(tokens!.D).toEqual([5e9]);
    const counted = designGrid(chinchilla, [{ count: 4 }, { count: 2 }], [{ count: 3 }], { sizeRange: [1e8, 1e10] });
    expect(counted.map((x) => x.runs)).toEqual([6, 12]);
    // Three tokens-per-parameter ratios, 2, 20 and 200, for each size.
    expect(counted[0]!.D!.slice(0, 3).map((dd, i) => dd / counted[0]!.N![i]!)).toEqual([2, 20, 200].map((r) => expect.closeTo(r, 6)));
  });

  it('custom forms put sizes and budgets in their own input slots', () => {
    const form = customForm('E + A*N^(-alpha) + B*D^(-beta)', { bounds: ['E>0', 'A>0', 'B>0'] });
    const [d] = designGrid(form, [{ values: [1e8, 1e9] }], [{ count: 2 }]);
    expect(d!.N).toHaveLength(4);
    expect(d!.D).toHaveLength(4);
  });

  it('refuses what cannot be planned, naming the axis', () => {
    expect(() => designGrid(chinchilla, [{ count: 4 }], [])).toThrow(/two inputs: give budgets/);
    expect(() => designGrid(power, [{ count: 4 }], [{ count: 2 }], { sizeRange: [1, 10] })).toThrow(/one input: budgets do not apply/);
    expect(() => designGrid(power, [{ count: 4 }])).toThrow(/sizes: a count of 4 needs a range/);
    expect(() => designGrid(power, [{ count: 0 }], [], { sizeRange: [1, 10] })).toThrow(/sizes: a count must be an integer/);
    expect(() => designGrid(power, [{ values: [1, -2] }])).toThrow(/sizes: an explicit set needs finite positive values/);
    expect(() => designGrid(power, [{ count: 3 }], [], { sizeRange: [10, 1] })).toThrow(/0 < LO < HI/);
  });

  it('with planCi: more sizes give a narrower exponent interval, and the smallest design meeting the target is named', () => {
    const designs = designGrid(power, [{ count: 3 }, { count: 6 }, { count: 12 }], [], { sizeRange: [1e8, 1e10] });
    const res = planCi(power, [1000, -0.25], 'b', designs, { sigmaLog: 0.01, targetWidth: 0.02, replicates: 200, seed: 1 });
    const widths = res.plans.map((p) => p.medianWidth);
    expect(widths[1]).toBeLessThan(widths[0]!);
    expect(widths[2]).toBeLessThan(widths[1]!);
    expect(res.plans.map((p) => p.meetsTarget)).toEqual(widths.map((w) => w < 0.02));
    expect(res.plans[0]!.meetsTarget).toBe(false);
    expect(res.plans[2]!.meetsTarget).toBe(true);
    expect(res.smallestDesign?.design).toBe(designs[res.plans.findIndex((p) => p.meetsTarget)]);
  });
});
