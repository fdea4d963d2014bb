/**
 * Benchmarks of @scalewise/laws (run: `pnpm bench` in packages/laws). Writes bench-results/laws.json.
 * Timings are wall-clock on whatever this machine is doing: other processes inflate them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { resolve } from 'node:path';
import { createRng } from '@scalewise/core';
import { bootstrapFit, computeOptimal, fitLaw, fitPowerOls, planCi, profileChinchilla } from '../src/index.js';
import {
  approach2Bias,
  bootstrapQuantity,
  chinchilla,
  exponentDifferenceCoverage,
  fitChinchillaRaw,
  hoffmannGrid,
  logSpaced,
  mobilellm,
  planExponentCi,
  saturating,
  simulate,
  thetaToParams,
  toLogData,
  type ChinchillaParam,
} from '../src/internals.js';
import { chinchillaCsvPath, chinchillaData, sharedChinchillaMismatch } from './shared-data.js';
import { benchCustomForms } from './custom.js';
import { benchIssue19 } from './issue19.js';
import { benchPredictCoverage } from './predict.js';

const out: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
const cpu: number[] = [];
/** Wall seconds; the process CPU seconds of the same call are pushed to `cpu` (robust to a busy machine). */
const time = <T>(fn: () => T): [T, number] => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = fn();
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6);
  return [r, (performance.now() - t0) / 1000];
};
const log = (s: string): void => console.log(s);

// 1. MobileLLM reproduction.
const mob = fitPowerOls(
  mobilellm.map((r) => r.num_params),
  mobilellm.map((r) => r.perplexity),
);
const mobLoss = fitPowerOls(
  mobilellm.map((r) => r.num_params),
  mobilellm.map((r) => Math.log(r.perplexity)),
);
out.mobilellm = {
  a: mob.params.a,
  b: mob.params.b,
  r2: mob.r2,
  ci_b: mob.ci.b,
  loss_space_b: mobLoss.params.b,
  loss_space_ci_b: mobLoss.ci.b,
};
log(
  `MobileLLM: a=${mob.params.a!.toFixed(2)} b=${mob.params.b!.toFixed(5)} R²=${mob.r2!.toFixed(5)} 95% CI ` +
    `b=[${mob.ci.b!.map((v) => v.toFixed(4)).join(', ')}]; loss-space b=${mobLoss.params.b!.toFixed(4)}`,
);

// 2. Coverage of t intervals, full size.
for (const n of [4, 8]) {
  const rng = createRng(7 + n);
  const xs = logSpaced(1.2e8, 1e9, n);
  let covered = 0;
  const reps = 20000;
  const y = new Float64Array(n);
  for (let r = 0; r < reps; r++) {
    xs.forEach((v, i) => (y[i] = 1151.6 * v ** -0.2457 * Math.exp(0.013 * rng.normal())));
    const [lo, hi] = fitPowerOls(xs, y).ci.b!;
    if (lo <= -0.2457 && -0.2457 <= hi) covered++;
  }
  out[`coverage_ols_n${n}`] = { replicates: reps, coverage: covered / reps };
  log(`coverage of 95% t CI for b (n=${n}, ${reps} replicates): ${((100 * covered) / reps).toFixed(2)}%`);
}

// 3. Chinchilla: VarPro default vs full 4,500-start grid, bootstrap.
const data = chinchillaData();
const mismatch = sharedChinchillaMismatch();
if (mismatch) log(`warning: the built-in Chinchilla runs differ from ../shared: ${mismatch}`);
{
  const logData = toLogData(data.N, data.D, data.y);
  const times: number[] = [];
  let vp = fitChinchillaRaw(logData);
  for (let i = 0; i < 5; i++) {
    const [r, t] = time(() => fitChinchillaRaw(logData));
    vp = r;
    times.push(t);
  }
  times.sort((a, b) => a - b);
  const gridRuns = [0, 1, 2].map(() => {
    const [r, t] = time(() => fitChinchillaRaw(logData, { method: 'grid' }));
    return { r, wall: t, cpu: cpu.at(-1)! };
  });
  const grid = gridRuns[0]!.r;
  const tGrid = Math.min(...gridRuns.map((g) => g.wall));
  const cpuGrid = Math.min(...gridRuns.map((g) => g.cpu));
  const pv = thetaToParams(vp.theta);
  const pg = thetaToParams(grid.theta);
  out.chinchilla = {
    varpro: { seconds_median_of_5: times[2], objective: vp.objective, E: pv[0], A: pv[1], B: pv[2], alpha: pv[3], beta: pv[4] },
    grid: {
      seconds_min_of_3: tGrid,
      cpu_seconds_min_of_3: cpuGrid,
      starts: grid.starts,
      objective: grid.objective,
      E: pg[0],
      A: pg[1],
      B: pg[2],
      alpha: pg[3],
      beta: pg[4],
    },
  };
  log(
    `chinchilla grid (4,500 starts): ${tGrid.toFixed(2)} s wall, ${cpuGrid.toFixed(2)} s CPU (min of 3), objective ` +
      `${grid.objective.toExponential(6)}, E=${pg[0]!.toFixed(4)} α=${pg[3]!.toFixed(4)} β=${pg[4]!.toFixed(4)}`,
  );
  log(
    `chinchilla varpro (default): ${times[2]!.toFixed(3)} s, objective ${vp.objective.toExponential(6)}, E=${pv[0]!.toFixed(4)} ` +
      `α=${pv[3]!.toFixed(4)} β=${pv[4]!.toFixed(4)}`,
  );

  // Bootstrap-style refit vs a full 4,500-start refit on the same resamples.
  const check: unknown[] = [];
  const rng = createRng(123);
  for (let r = 0; r < 3; r++) {
    const w = new Float64Array(data.y.length);
    for (let i = 0; i < w.length; i++) w[rng.int(w.length)]! += 1;
    const quick = fitChinchillaRaw(logData, { weights: w, polish: 1, extraStarts: [vp.theta] });
    const full = fitChinchillaRaw(logData, { weights: w, method: 'grid', grid: hoffmannGrid() });
    check.push({
      quick: quick.objective,
      full: full.objective,
      alpha_quick: quick.theta[3],
      alpha_full: full.theta[3],
      beta_quick: quick.theta[4],
      beta_full: full.theta[4],
    });
    log(
      `  resample ${r}: bootstrap refit objective ${quick.objective.toExponential(8)} vs full grid ` +
        `${full.objective.toExponential(8)}; α ${quick.theta[3]!.toFixed(5)} vs ${full.theta[3]!.toFixed(5)}`,
    );
  }
  out.bootstrap_refit_vs_full_grid = check;

  const obs = { N: data.N, D: data.D, y: data.y };
  const fit = fitLaw(obs, { form: 'chinchilla' });
  const [boot, tBoot] = time(() => bootstrapFit(obs, fit, { form: 'chinchilla' }, { resamples: 1000, seed: 0 }));
  const opt = (C: number) => bootstrapQuantity(boot, (v) => computeOptimal({ A: v[1]!, B: v[2]!, alpha: v[3]!, beta: v[4]! }, C).N_opt);
  const tpp = bootstrapQuantity(boot, (v) => computeOptimal({ A: v[1]!, B: v[2]!, alpha: v[3]!, beta: v[4]! }, 5.76e23).tokensPerParam);
  out.bootstrap = {
    resamples: 1000,
    seconds: tBoot,
    cpu_seconds: cpu.at(-1),
    successful: boot.successful,
    failed: boot.failed,
    ci: boot.ci,
    n_opt_ci_at_5_76e23: opt(5.76e23),
    tokens_per_param_ci_at_5_76e23: tpp,
  };
  log(
    `bootstrap 1000 resamples: ${tBoot.toFixed(1)} s wall, ${cpu.at(-1)!.toFixed(1)} s CPU; 95% CIs: ${Object.entries(boot.ci)
      .map(([k, [lo, hi]]) => `${k} [${lo.toPrecision(4)}, ${hi.toPrecision(4)}]`)
      .join(', ')}`,
  );
  const point = computeOptimal(fit.params as { A: number; B: number; alpha: number; beta: number }, 5.76e23);
  log(
    `compute-optimal at C=5.76e23 FLOPs (Chinchilla's budget): N_opt=${point.N_opt.toExponential(3)} CI [${opt(5.76e23)
      .map((v) => v.toExponential(3))
      .join(', ')}], tokens/param ${point.tokensPerParam.toFixed(1)} CI [${tpp.map((v) => v.toFixed(1)).join(', ')}]`,
  );

  // scipy on the same machine, same grid, analytic gradient: default tolerances and scale-matched ones.
  const csv = chinchillaCsvPath();
  const script = resolve(import.meta.dirname, 'scipy_grid.py');
  const scipy: unknown[] = [];
  // LAWS_BENCH_SCIPY=0 skips it, =all adds a run with tolerances matched to ours (ftol 1e-13, gtol 1e-11).
  const mode = process.env.LAWS_BENCH_SCIPY ?? 'default';
  // LAWS_BENCH_SCIPY_STRIDE=k times every k-th start only (scipy needs minutes for the full grid on a busy machine).
  const stride = process.env.LAWS_BENCH_SCIPY_STRIDE ?? '1';
  const defaults = ['2.220446049250313e-09', '1e-05', stride];
  const runs = mode === '0' ? [] : mode === 'all' ? [defaults, ['1e-13', '1e-11', stride]] : [defaults];
  for (const tol of runs) {
    try {
      const res = JSON.parse(execFileSync('python3', [script, csv, ...tol], { encoding: 'utf8', timeout: 1_200_000 }));
      scipy.push(res);
      log(
        `scipy L-BFGS-B grid (ftol=${res.ftol}, gtol=${res.gtol}): ${res.seconds.toFixed(2)} s wall, ${res.cpu_seconds.toFixed(2)} s ` +
          `CPU, objective ${res.objective.toExponential(6)}, α=${res.alpha.toFixed(4)}`,
      );
    } catch (error) {
      log(`scipy reference not run: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  out.scipy = scipy;
}

// 3b. Profile intervals on the Chinchilla data (robust LR calibration for Huber, F for least squares).
{
  for (const delta of [1e-3, Infinity]) {
    const [prof, t] = time(() => profileChinchilla(data.N, data.D, data.y, undefined, { delta }));
    out[`chinchilla_profile_${Number.isFinite(delta) ? 'huber' : 'ls'}`] = {
      seconds: t,
      refits: prof.refits,
      method: prof.method,
      ci: prof.ci,
      warnings: prof.warnings,
    };
    log(
      `chinchilla profile CIs (${prof.method}; ${prof.refits} refits, ${t.toFixed(2)} s): ${Object.entries(prof.ci)
        .map(([k, [lo, hi]]) => `${k} [${lo.toPrecision(4)}, ${hi.toPrecision(4)}]`)
        .join(', ')}`,
    );
  }
}

// 3c. Coverage of nonlinear intervals by simulation, full size: chinchilla profile (LS and Huber), saturating Wald.
/** Runs of a Chinchilla-style study: each size at `budgets` token counts from 2 to 200 tokens per parameter. */
const chinchillaDesign = (sizes: readonly number[], budgets: number) => {
  const N: number[] = [];
  const D: number[] = [];
  for (const s of sizes)
    for (let b = 0; b < budgets; b++) {
      N.push(s);
      D.push(s * 20 * 10 ** (-1 + (2 * b) / (budgets - 1)));
    }
  return { N, D, label: `${sizes.length} sizes × ${budgets} budgets` };
};
/** Adds one to covered[j] for every parameter whose interval contains its true value. */
const tally = (covered: number[], names: readonly string[], truth: readonly number[], ci: Record<string, [number, number]>) => {
  names.forEach((name, j) => {
    const [lo, hi] = ci[name]!;
    if (lo <= truth[j]! && truth[j]! <= hi) covered[j]!++;
  });
};
{
  const truth = [1.69, 406.4, 410.7, 0.34, 0.28];
  const names: ChinchillaParam[] = ['E', 'A', 'B', 'alpha', 'beta'];
  const reps = Number(process.env.LAWS_BENCH_COVERAGE_REPS ?? 2000);
  const sizes = [7e7, 1.5e8, 4e8, 1e9, 2.5e9, 6e9, 1.6e10, 4e10];
  const cov: Record<string, unknown> = {};
  for (const [label, delta, perSize, sigma] of [
    ['ls_n40', Infinity, 5, 0.015],
    ['huber_n40', 1e-3, 5, 0.015],
    ['huber_n80', 1e-3, 10, 0.015],
  ] as const) {
    const { N, D } = chinchillaDesign(sizes, perSize);
    const covered = [0, 0, 0, 0, 0];
    const [, t] = time(() => {
      for (let r = 0; r < reps; r++) {
        const y = simulate(chinchilla, truth, [N, D], sigma, 50_000 + r);
        tally(covered, names, truth, profileChinchilla(N, D, y, names, { delta }).ci as Record<string, [number, number]>);
      }
    });
    cov[`chinchilla_profile_${label}`] = {
      replicates: reps,
      noise_sd_log: sigma,
      seconds: t,
      coverage: Object.fromEntries(names.map((k, j) => [k, covered[j]! / reps])),
    };
    log(
      `coverage of 95% chinchilla profile CIs (${label}, ${reps} replicates, ${t.toFixed(0)} s): ` +
        `${names.map((k, j) => `${k} ${((100 * covered[j]!) / reps).toFixed(1)}%`).join(', ')}`,
    );
  }
  const satTruth = [2, 50, 0.3];
  const xs = logSpaced(1e5, 1e9, 8);
  const satCovered = [0, 0, 0];
  const satReps = 5 * reps;
  for (let r = 0; r < satReps; r++) {
    tally(
      satCovered,
      ['E', 'A', 'alpha'],
      satTruth,
      fitLaw({ x: xs, y: simulate(saturating, satTruth, [xs], 0.01, 90_000 + r) }, { form: 'saturating' }).ci,
    );
  }
  cov.saturating_wald_n8 = {
    replicates: satReps,
    coverage: { E: satCovered[0]! / satReps, A: satCovered[1]! / satReps, alpha: satCovered[2]! / satReps },
  };
  log(
    `coverage of 95% saturating Wald CIs (8 sizes, ${satReps} replicates): ` +
      `${satCovered.map((c) => `${((100 * c) / satReps).toFixed(1)}%`).join(', ')}`,
  );

  // Bootstrap percentile intervals of chinchilla (n = 40, 200 resamples each): the check the bootstrap needs too.
  const bootReps = Number(process.env.LAWS_BENCH_BOOT_COVERAGE_REPS ?? 300);
  if (bootReps > 0) {
    const { N, D } = chinchillaDesign(sizes, 5);
    const covered = [0, 0, 0, 0, 0];
    const [, t] = time(() => {
      for (let r = 0; r < bootReps; r++) {
        const y = simulate(chinchilla, truth, [N, D], 0.015, 70_000 + r);
        const obs = { N, D, y };
        const fit = fitLaw(obs, { form: 'chinchilla' });
        tally(covered, names, truth, bootstrapFit(obs, fit, { form: 'chinchilla' }, { resamples: 200, seed: r }).ci);
      }
    });
    cov.chinchilla_bootstrap_n40 = {
      replicates: bootReps,
      resamples: 200,
      noise_sd_log: 0.015,
      seconds: t,
      coverage: Object.fromEntries(names.map((k, j) => [k, covered[j]! / bootReps])),
    };
    log(
      `coverage of 95% chinchilla bootstrap percentile CIs (n=40, ${bootReps} replicates × 200 resamples, ${t.toFixed(0)} s): ` +
        `${names.map((k, j) => `${k} ${((100 * covered[j]!) / bootReps).toFixed(1)}%`).join(', ')}`,
    );
  }
  out.coverage_nonlinear = cov;

  // Planning a Chinchilla-style study: how many sizes × budgets for a 95% interval of α narrower than 0.1?
  const design = (k: number, budgets: number) => chinchillaDesign(logSpaced(7e7, 4e10, k), budgets);
  const designs = [design(4, 3), design(4, 5), design(8, 5), design(12, 6), design(16, 8), design(24, 10)];
  const [plan, tPlan] = time(() =>
    planCi('chinchilla', truth, 'alpha', designs, { sigmaLog: 0.015, targetWidth: 0.1, replicates: 200, seed: 3 }),
  );
  out.planning_chinchilla_alpha = {
    seconds: tPlan,
    target_width: 0.1,
    plans: plan.plans.map((p) => ({
      design: p.design.label,
      runs: p.points,
      median_width: p.medianWidth,
      fraction_below_target: p.fractionBelowTarget,
      coverage: p.coverage,
      failed: p.failed,
    })),
    smallest: plan.smallestDesign?.design.label ?? null,
  };
  log(
    `planning chinchilla α (σ=0.015, target width 0.1): ` +
      plan.plans.map((p) => `${p.design.label} → median width ${p.medianWidth.toFixed(3)}`).join('; ') +
      `; smallest meeting it: ${plan.smallestDesign?.design.label ?? 'none'}`,
  );
}

// 4. Approach 2 bias demonstration and planning.
const p = { E: 1.8, A: 480, B: 2100, alpha: 0.35, beta: 0.25 };
const budgets = [1e18, 1e19, 1e20, 1e21, 1e22];
out.approach2 = {
  truth: p.beta / (p.alpha + p.beta),
  centred: approach2Bias(p, budgets),
  off_centre_constant: approach2Bias(p, budgets, { offsetDecades: 0.5 }),
  fixed_sizes: approach2Bias(p, budgets, { fixedSizes: logSpaced(1e7, 1e11, 13) }),
  fixed_sizes_alpha_eq_beta: approach2Bias({ ...p, beta: 0.35 }, budgets, { fixedSizes: logSpaced(1e7, 1e11, 13) }),
};
log(`approach 2 exponent (truth ${(p.beta / (p.alpha + p.beta)).toFixed(4)}): ${JSON.stringify(out.approach2)}`);
const designs = [3, 4, 6, 8, 12].map((k) => logSpaced(1.2e8, 1e9, k));
const plan = planExponentCi({ a: mob.params.a!, b: mob.params.b! }, designs, {
  sigmaLog: mob.sigma,
  targetWidth: 0.05,
  replicates: 2000,
  seed: 1,
});
out.planning = plan.plans.map((d) => ({ models: d.sizes.length, median_ci_width: d.medianWidth, coverage: d.coverage }));
log(
  `planning (MobileLLM noise σ=${mob.sigma.toFixed(4)}, 125M–1B): ` +
    plan.plans.map((d) => `${d.sizes.length} models → median CI width ${d.medianWidth.toFixed(3)}`).join('; '),
);

// 5. Family comparison: coverage of the α_A − α_B bootstrap-t interval (full size of the CI test in compareExponents).
{
  const full: Record<string, unknown> = {};
  for (const noise of ['per-family', 'pooled'] as const) {
    const [res, seconds] = time(() => exponentDifferenceCoverage({ replicates: 2000, resamples: 1999, seed: 13, noise }));
    full[noise] = { ...res, seconds };
    log(
      `exponent-difference coverage (${noise} noise, 2000 replicates × 1999 resamples): ${(100 * res.coverage).toFixed(2)}%, p < ` +
        `0.05 at equal exponents ${(100 * res.rejectAtZero).toFixed(2)}% (${seconds.toFixed(1)} s)`,
    );
  }
  out.compare_exponents = full;
}

// 6. Custom forms from a formula: the built-in chinchilla fit reproduced, and bootstrap coverage at full size.
out.custom_forms = benchCustomForms(time, log);
out.issue19 = benchIssue19(time, log);
out.prediction_coverage = benchPredictCoverage(time, log);

const dir = resolve(import.meta.dirname, '../bench-results');
if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
const file = resolve(dir, 'laws.json');
writeJsonAtomicSync(file, out);
log(`wrote ${file}`);
