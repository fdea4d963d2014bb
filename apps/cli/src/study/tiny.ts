import type { StudyPlan } from './plan.js';

/**
 * Tests only: `SCALEWISE_TEST_TINY_STUDY=1` shrinks the family study to the smallest plan that still fits both
 * forms and compares two families (2 × 3 sizes, 2 seeds, ≥ 20 steps, 30k validation tokens (3 documents), few resamples), so
 * an end-to-end test can run a whole study twice in seconds; with --isoflop, the IsoFLOP grid to the smallest that
 * approach 2 and the Chinchilla fit accept (3 ladder models × 3 budgets, 10-450 steps a run, lr 1e-3). The plan (and so the
 * run id and every stage key) changes with it: a tiny study never mixes with a real one.
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
    isoflop: plan.isoflop && tinyIsoflop(plan.isoflop),
    benchPresets: [],
    bench: { pp: 16, tg: 4, reps: 1 },
  };
}

function tinyIsoflop(spec: NonNullable<StudyPlan['isoflop']>): NonNullable<StudyPlan['isoflop']> {
  const ladder = 'ladder' in spec.models ? spec.models.ladder : undefined;
  if (!ladder) return spec;
  return {
    ...spec,
    // lr 1e-3, not the study's 3e-3: at 2-3e-3 these tiny runs spike, so a change of rounding (another summation
    // order in a kernel) grows into a different loss and can leave a slice without a convex parabola.
    training: { ...(spec.training as object), optimizer: { ...(spec.training?.optimizer as object), lr: 1e-3 } },
    models: { ladder: { ...ladder, targets: [1.5e3, 3e3, 6e3] } },
    budgets: [1e9, 3e9, 1e10].map((flops) => ({ flops })),
  };
}
