/**
 * Full-size checks of the issue #19 laws (the CI tests run small versions): the data-constrained figures from the
 * published constants, and coverage of 95% intervals by simulation — Wald and bootstrap for the data-constrained
 * decay constants and for loss-to-loss κ, and the two-step bootstrap interval of predicted downstream accuracy.
 * Replicate counts: LAWS_BENCH_ISSUE19_REPS (default 200; bootstrap studies use a quarter of it, 200 resamples each).
 */
import { createRng } from '@scalewise/core';
import {
  accuracySigmoid,
  bootstrapFit,
  effectiveData,
  fitDataConstrained,
  fitDownstream,
  fitLossToLoss,
  referenceLaws,
} from '../src/index.js';
import { chinchilla, dataConstrained, lossToLoss } from '../src/internals.js';

type Timer = <T>(fn: () => T) => [T, number];

const P = referenceLaws.muennighoff;

function dcRuns(seed: number, sigma: number) {
  const rng = createRng(seed);
  const r = { N: [] as number[], D: [] as number[], U: [] as number[], y: [] as number[] };
  for (const u of [1e8, 1e9, 1e10])
    for (const e of [1, 2, 4, 8, 16, 32, 64])
      for (const n of [2e7, 1e8, 5e8, 2e9]) {
        r.N.push(n);
        r.D.push(u * e);
        r.U.push(u);
        r.y.push(dataConstrained.predict(P.values, [n, u * e, u]) * Math.exp(sigma * rng.normal()));
      }
  return r;
}

function l2lPairs(seed: number) {
  const rng = createRng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 20; i++) {
    x.push(1.9 + (2.9 * i) / 19);
    y.push(lossToLoss.predict([0.8, 1.2, 1.8, 1.5], [x[i]!]) * Math.exp(0.003 * rng.normal()));
  }
  return { x, y };
}

const TASK = [1.8, 482, 2085, 0.348, 0.366];
const SIGMOID = [0.55, -4, 3.0, 0.25];
function ladder(seed: number) {
  const rng = createRng(seed);
  const r = { N: [] as number[], D: [] as number[], taskLoss: [] as number[], acc: [] as number[] };
  for (const n of [2e7, 6e7, 1.5e8, 3e8, 7e8])
    for (const m of [1, 2, 5, 10]) {
      const L = chinchilla.predict(TASK, [n, 20 * n * m]) * Math.exp(0.005 * rng.normal());
      r.N.push(n);
      r.D.push(20 * n * m);
      r.taskLoss.push(L);
      r.acc.push(accuracySigmoid.predict(SIGMOID, [L]) + 0.01 * rng.normal());
    }
  return r;
}

const inside = (ci: [number, number] | null | undefined, v: number): boolean => !!ci && ci[0] <= v && v <= ci[1];

export function benchIssue19(time: Timer, log: (s: string) => void, reps = Number(process.env.LAWS_BENCH_ISSUE19_REPS ?? 200)) {
  const out: Record<string, unknown> = {};
  const rd = P.params.R_D_star!;
  // 1. The paper's headline from its constants (8.7B parameters, 100B unique tokens).
  const lossAt = (D: number, U: number) => P.form.predict(P.values, [8.7e9, D, U]);
  out.data_constrained_figures = Object.fromEntries(
    [1, 2, 4, 8, 16, 40, 100].map((e) => [
      `${e}_epochs`,
      {
        effective_fraction: effectiveData(e, 1, rd) / e,
        next_epoch_value: Math.exp(-e / rd),
        loss_excess_vs_unique_pct: 100 * (lossAt(e * 1e11, 1e11) / lossAt(e * 1e11, e * 1e11) - 1),
      },
    ]),
  );
  log(`data-constrained figures from the published constants: ${JSON.stringify(out.data_constrained_figures)}`);

  // 2. Coverage of the decay constants: Wald (base held) and bootstrap (all seven free).
  const boots = Math.max(1, Math.round(reps / 4));
  let wald = 0;
  let boot = 0;
  const [, tDc] = time(() => {
    for (let s = 0; s < reps; s++)
      if (inside(fitDataConstrained(dcRuns(1000 + s, 0.02), { fixed: 'published-base' }).ci.R_D_star, rd)) wald++;
    for (let s = 0; s < boots; s++) {
      const runs = dcRuns(5000 + s, 0.01);
      const fit = fitDataConstrained(runs);
      if (inside(bootstrapFit(runs, fit, { form: fit.fittedForm }, { resamples: 200, seed: s }).ci.R_D_star, rd)) boot++;
    }
  });
  out.data_constrained_coverage = {
    wald_R_D_star: wald / reps,
    wald_replicates: reps,
    bootstrap_R_D_star: boot / boots,
    bootstrap_replicates: boots,
    seconds: tDc,
  };
  log(
    `coverage of 95% R_D* intervals: Wald ${((100 * wald) / reps).toFixed(1)}% (${reps}), ` +
      `bootstrap ${((100 * boot) / boots).toFixed(1)}% (${boots})`,
  );

  // 3. Loss-to-loss κ.
  let lw = 0;
  let lb = 0;
  const [, tL] = time(() => {
    for (let s = 0; s < reps; s++) if (inside(fitLossToLoss(l2lPairs(2000 + s)).ci.kappa, 1.2)) lw++;
    for (let s = 0; s < boots; s++) {
      const data = l2lPairs(6000 + s);
      const fit = fitLossToLoss(data);
      if (inside(bootstrapFit(data, fit, { form: fit.fittedForm }, { resamples: 200, seed: s }).ci.kappa, 1.2)) lb++;
    }
  });
  out.loss_to_loss_coverage = {
    wald_kappa: lw / reps,
    bootstrap_kappa: lb / boots,
    wald_replicates: reps,
    bootstrap_replicates: boots,
    seconds: tL,
  };
  log(`coverage of 95% loss-to-loss κ intervals: Wald ${((100 * lw) / reps).toFixed(1)}%, bootstrap ${((100 * lb) / boots).toFixed(1)}%`);

  // 4. Downstream: the two-step bootstrap interval of accuracy at 10x the largest ladder model.
  const target = { N: 7e9, D: 2e12 };
  const trueAcc = accuracySigmoid.predict(SIGMOID, [chinchilla.predict(TASK, [target.N, target.D])]);
  let dc = 0;
  const [, tD] = time(() => {
    for (let s = 0; s < boots; s++)
      if (inside(fitDownstream(ladder(3000 + s), { predict: [target], resamples: 200, seed: s }).predictions[0]!.accuracy_ci, trueAcc))
        dc++;
  });
  out.downstream_coverage = { accuracy_at_7e9_2e12: dc / boots, replicates: boots, resamples: 200, seconds: tD };
  log(`coverage of the 95% two-step bootstrap interval of predicted accuracy: ${((100 * dc) / boots).toFixed(1)}% (${boots} ladders)`);
  return out;
}
