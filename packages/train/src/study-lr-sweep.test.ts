import { describe, expect, it } from 'vitest';
import { lrSweepRun, lrSweepVerdict } from './study-lr-sweep.js';
import { planFamilyStudy, QUICK_FAMILY_STUDY } from './study-plan.js';

const sweep = (lrs: number[], losses: number[]) => lrs.map((lr, i) => ({ lr, loss: losses[i]! }));
const GRID = [1e-3, 3e-3, 1e-2];

describe('lrSweepVerdict', () => {
  it('a best LR inside the sweep is bracketed: nothing to add, nothing to warn', () => {
    expect(lrSweepVerdict(sweep(GRID, [3.1, 2.7, 2.9]), 2)).toEqual({ best: 3e-3, edge: null, next: null, warning: null });
  });

  it('a best LR at the top asks for the next value at the grid spacing, rounded to 2 significant figures', () => {
    // The default study's sweep as measured: loss still falling at 0.01 → 0.01 · (0.01 / 0.003) = 0.0333… → 0.033.
    const first = lrSweepVerdict(sweep(GRID, [3.0962, 2.7573, 2.7024]), 2, 'deep-thin');
    expect(first).toEqual({ best: 0.01, edge: 'high', next: 0.033, warning: null });
    // Still falling at 0.033 → 0.033 · 3.3 = 0.1089 → 0.11; order of the points does not matter.
    const second = lrSweepVerdict(sweep([0.033, ...GRID], [2.6, 3.0962, 2.7573, 2.7024]), 1, 'deep-thin');
    expect(second.next).toBe(0.11);
    // The extended value lost: bracketed.
    expect(lrSweepVerdict(sweep([...GRID, 0.033], [3.0962, 2.7573, 2.7024, 2.8]), 1).edge).toBeNull();
  });

  it('a best LR at the bottom extends downwards: 0.001 · (0.001 / 0.003) → 0.00033', () => {
    expect(lrSweepVerdict(sweep(GRID, [2.5, 2.7, 3.0]), 1)).toMatchObject({ best: 1e-3, edge: 'low', next: 0.00033 });
  });

  it('no extensions left at an edge: no next value, and a warning that names the family, the LR and the values', () => {
    const v = lrSweepVerdict(sweep([...GRID, 0.033, 0.11], [3.1, 2.76, 2.7, 2.6, 2.5]), 0, 'wide-shallow');
    expect(v).toMatchObject({ best: 0.11, edge: 'high', next: null });
    expect(v.warning).toBe(
      'wide-shallow: the best LR, 0.11, is the largest value swept (0.001, 0.003, 0.01, 0.033, 0.11): the optimum at the ' +
        'swept size may lie beyond it, and every size of this family trains at this LR',
    );
  });

  it('a diverged run (loss not finite) counts as worst, so a diverging top brackets the optimum', () => {
    expect(lrSweepVerdict(sweep([...GRID, 0.033], [3.1, 2.76, 2.7, Number.NaN]), 1).edge).toBeNull();
    expect(lrSweepVerdict(sweep(GRID, [Number.POSITIVE_INFINITY, 2.76, 2.7]), 1).edge).toBe('high');
  });

  it('rounding never lands back on the edge: a fine grid keeps the exact step', () => {
    // 1.01 · 1.01 = 1.0201 → 2 significant figures 1.0, behind the edge: the exact value is used.
    expect(lrSweepVerdict(sweep([1, 1.01], [2, 1]), 1).next).toBeCloseTo(1.0201, 12);
  });

  it('rejects fewer than 2 points, repeated and non-positive LRs', () => {
    expect(() => lrSweepVerdict(sweep([1e-3], [1]), 1)).toThrow(/at least 2 points, found 1/);
    expect(() => lrSweepVerdict(sweep([1e-3, 1e-3], [1, 2]), 1)).toThrow(/lr 0.001 appears twice/);
    expect(() => lrSweepVerdict(sweep([0, 1e-3], [1, 2]), 1)).toThrow(/positive number, found 0/);
  });
});

describe('lrSweepRun', () => {
  it("is the family's smallest-size sweep run at the new LR, under its own id", () => {
    const plan = planFamilyStudy(QUICK_FAMILY_STUDY);
    const template = plan.runs.find((r) => r.family === 'wide-shallow' && r.kind === 'lr-sweep')!;
    const run = lrSweepRun(plan, 'wide-shallow', 0.033);
    expect(run).toEqual({ ...template, id: 'wide-shallow-n0-lr0.033', lr: 0.033 });
    expect(plan.runs.some((r) => r.id === run.id)).toBe(false);
    expect(() => lrSweepRun(plan, 'layer-shared', 0.033)).toThrow(/no sweep run of layer-shared/);
  });

  it('the plan validates lrExtensions', () => {
    expect(planFamilyStudy(QUICK_FAMILY_STUDY).options.lrExtensions).toBe(0);
    expect(() => planFamilyStudy({ ...QUICK_FAMILY_STUDY, lrExtensions: -1 })).toThrow(
      /lrExtensions must be a non-negative integer, found -1/,
    );
    expect(() => planFamilyStudy({ ...QUICK_FAMILY_STUDY, lrExtensions: 1.5 })).toThrow(/found 1.5/);
  });
});
