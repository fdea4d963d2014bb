import type { StudyPlan } from './plan.js';

/**
 * Tests only: `SCALEWISE_TEST_TINY_STUDY=1` shrinks the family study to the smallest plan that still fits both
 * forms and compares two families (2 × 3 sizes, 2 seeds, ≥ 20 steps, 30k validation tokens (3 documents), few resamples), so
 * an end-to-end test can run a whole study twice in seconds. The plan (and so the run id and every stage key)
 * changes with it: a tiny study never mixes with a real one.
 */
export function tinyForTests(plan: StudyPlan): StudyPlan {
  if (process.env.SCALEWISE_TEST_TINY_STUDY !== '1') return plan;
  return {
    ...plan,
    bootstrap: 50,
    families: {
      ...plan.families,
      families: plan.families.families.slice(0, 2),
      targets: [6e3, 1.2e4, 2.4e4],
      tokensPerParam: 2,
      minSteps: 20,
      seq: 32,
      seeds: 2,
      validationTokens: 30_000,
    },
    validationResamples: 100,
    comparisonResamples: 99,
    benchPresets: [],
    bench: { pp: 16, tg: 4, reps: 1 },
  };
}
