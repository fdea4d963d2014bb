import { flopsPerToken, paramCounts } from '@scalewise/models';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FAMILY_STUDY, planFamilyStudy, QUICK_FAMILY_STUDY, stepsRule } from './study-plan.js';

const PRESETS = [
  ['default', DEFAULT_FAMILY_STUDY, 300, 900],
  ['quick', QUICK_FAMILY_STUDY, 150, 90],
] as const;

describe('stepsRule', () => {
  it('halves the batch from the default until the steps floor holds, and floors at one sequence', () => {
    const o = { defaultBatch: 16, minSteps: 300, defaultWarmup: 100 };
    // 200,000 tokens of 128: batch 8 gives ⌊195.3⌋ < 300 steps, batch 4 gives ⌊390.6⌋
    // → steps ⌈390.6⌉ = 391, warmup ⌊39.1⌋.
    expect(stepsRule(2e5, 128, o)).toEqual({ batchSize: 4, steps: 391, warmup: 39 });
    // Plenty of tokens: the default batch, warmup capped at 100.
    expect(stepsRule(1e7, 128, o)).toEqual({ batchSize: 16, steps: 4883, warmup: 100 });
    // Too few tokens even for one sequence per step: batch 1 and the floor of 300 steps.
    expect(stepsRule(1000, 128, o)).toEqual({ batchSize: 1, steps: 300, warmup: 30 });
  });
});

describe('planFamilyStudy', () => {
  for (const [name, preset, minSteps, budgetSeconds] of PRESETS) {
    it(`${name}: every run meets the ${minSteps}-step floor at the same tokens per parameter, within ${budgetSeconds} s`, () => {
      const plan = planFamilyStudy(preset);
      expect(plan.options.minSteps).toBe(minSteps);
      for (const r of plan.runs) {
        expect(r.steps).toBeGreaterThanOrEqual(minSteps);
        expect(r.tokens).toBe(r.steps * r.batchSize * preset.seq);
        // Controlled compute: the floor never inflates a budget; only the rounding up to whole steps adds tokens.
        expect(r.tokensPerParam).toBeGreaterThanOrEqual(plan.options.tokensPerParam);
        expect(r.tokensPerParam).toBeLessThan(plan.options.tokensPerParam * (1 + 1 / minSteps));
        expect(Number.isInteger(Math.log2(r.batchSize))).toBe(true);
        expect(r.warmup).toBe(Math.min(100, Math.floor(0.1 * r.steps)));
        expect(Math.abs(r.nonEmbeddingParams / r.target - 1)).toBeLessThanOrEqual(plan.options.tolerance);
      }
      expect(plan.estimatedSeconds).toBeLessThanOrEqual(budgetSeconds);
    });
  }

  it("the presets hold the issue's design: families × sizes, LR sweep, seeds and validation tokens", () => {
    const plan = planFamilyStudy(DEFAULT_FAMILY_STUDY);
    expect(plan.options.families.length).toBeGreaterThanOrEqual(3);
    expect(plan.options.targets.length).toBeGreaterThanOrEqual(5);
    expect(plan.options.targets.at(-1)! / plan.options.targets[0]!).toBeGreaterThanOrEqual(16);
    expect(plan.options.validationTokens).toBeGreaterThanOrEqual(300_000);
    for (const family of plan.options.families) {
      const runs = plan.runs.filter((r) => r.family === family);
      // Distinct sizes spanning ≥ 16× in targets (achieved counts within the 8% tolerance of them).
      expect(new Set(runs.map((r) => r.nonEmbeddingParams)).size).toBe(5);
      const sweep = runs.filter((r) => r.kind === 'lr-sweep');
      expect(sweep.map((r) => r.lr)).toEqual(plan.options.lrGrid);
      expect(sweep.every((r) => r.sizeIndex === 0)).toBe(true);
      expect(runs.filter((r) => r.kind === 'main').map((r) => r.sizeIndex)).toEqual([1, 2, 3, 4]);
    }
    const first = plan.options.families[0]!;
    for (const sizeIndex of [0, 4]) {
      const seeds = plan.runs.filter((r) => r.family === first && r.sizeIndex === sizeIndex && r.kind !== 'lr-sweep').map((r) => r.seed);
      // The main run (seed 0; at size 0 the sweep's best) plus seeds 1 and 2.
      expect(sizeIndex === 0 ? [0, ...seeds] : seeds).toEqual([0, 1, 2]);
    }
    expect(plan.runs.filter((r) => r.kind === 'seed-replicate' && r.family !== first)).toHaveLength(0);
    const quick = planFamilyStudy(QUICK_FAMILY_STUDY);
    expect(quick.options.families.length).toBeGreaterThanOrEqual(2);
    expect(quick.options.targets.length).toBeGreaterThanOrEqual(4);
    // deep-thin and wide-shallow differ in shape at every size of both presets.
    for (const p of [plan, quick]) {
      const shape = (family: string, i: number) => {
        const r = p.runs.find((x) => x.family === family && x.sizeIndex === i)!;
        return `${r.config.dim}x${r.config.layers}`;
      };
      for (let i = 0; i < p.options.targets.length; i++) expect(shape('deep-thin', i)).not.toBe(shape('wide-shallow', i));
    }
  });

  it('scale multiplies every size and, through tokens per parameter, every token budget', () => {
    const base = planFamilyStudy(QUICK_FAMILY_STUDY);
    const scaled = planFamilyStudy({ ...QUICK_FAMILY_STUDY, scale: 4 });
    expect(scaled.runs).toHaveLength(base.runs.length);
    scaled.runs.forEach((r, i) => {
      const b = base.runs[i]!;
      expect(r.id).toBe(b.id);
      expect(r.target).toBe(4 * b.target);
      expect(r.nonEmbeddingParams / b.nonEmbeddingParams).toBeGreaterThan(4 * 0.88);
      expect(r.nonEmbeddingParams / b.nonEmbeddingParams).toBeLessThan(4 / 0.88);
      expect(r.tokensPerParam).toBeCloseTo(b.tokensPerParam, 1);
      expect(r.tokens / b.tokens).toBeCloseTo(r.nonEmbeddingParams / b.nonEmbeddingParams, 1);
    });
    expect(scaled.totalFlops).toBeGreaterThan(10 * base.trainFlops);
  });

  it('estimates add up: per-run FLOPs from the models accounting, totals and time', () => {
    const plan = planFamilyStudy({ ...QUICK_FAMILY_STUDY, throughput: 5e9 });
    let train = 0;
    let validation = 0;
    for (const r of plan.runs) {
      const perToken = flopsPerToken(r.config, QUICK_FAMILY_STUDY.seq);
      expect(r.trainFlops).toBe(r.tokens * perToken.train.total);
      expect(r.validationFlops).toBe(100_000 * perToken.forward.total);
      expect(r.nonEmbeddingParams).toBe(paramCounts(r.config).nonEmbedding);
      train += r.trainFlops;
      validation += r.validationFlops;
    }
    expect(plan.trainFlops).toBeCloseTo(train, 0);
    expect(plan.validationFlops).toBeCloseTo(validation, 0);
    expect(plan.totalFlops).toBe(plan.trainFlops + plan.validationFlops);
    expect(plan.estimatedSeconds).toBeCloseTo(plan.totalFlops / 5e9, 9);
    // Layer sharing doubles the block FLOPs at the same parameters.
    const shared = planFamilyStudy({ ...QUICK_FAMILY_STUDY, families: ['deep-thin', 'layer-shared'] });
    const dt = shared.runs.find((r) => r.id === 'deep-thin-n3')!;
    const ls = shared.runs.find((r) => r.id === 'layer-shared-n3')!;
    expect(ls.nonEmbeddingParams).toBe(dt.nonEmbeddingParams);
    expect(ls.trainFlops).toBeGreaterThan(1.5 * dt.trainFlops);
  });

  it('rejects bad options with one-line messages', () => {
    const q = QUICK_FAMILY_STUDY;
    expect(() => planFamilyStudy({ ...q, families: [] })).toThrow(/at least one family/);
    expect(() => planFamilyStudy({ ...q, families: ['deep-thin', 'deep-thin'] })).toThrow(/families must be distinct/);
    expect(() => planFamilyStudy({ ...q, targets: [1e4] })).toThrow(/at least 2 sizes, found 1/);
    expect(() => planFamilyStudy({ ...q, targets: [2e4, 1e4] })).toThrow(/targets must be ascending, found 20000 then 10000/);
    expect(() => planFamilyStudy({ ...q, lrGrid: [1e-3, 3e-3] })).toThrow(/at least 3 values, found 2/);
    expect(() => planFamilyStudy({ ...q, seq: 0 })).toThrow(/seq must be a positive integer, found 0/);
    expect(() => planFamilyStudy({ ...q, scale: -2 })).toThrow(/scale must be a positive number, found -2/);
    expect(() => planFamilyStudy({ ...q, families: ['moe' as never] })).toThrow(/family: expected one of/);
  });
});
