/**
 * Bootstrap coverage of a custom 3-parameter form, E + A·x^(−alpha), on seeded synthetic data: 1,000 datasets ×
 * 200 resamples, the default (expanded percentile) interval and the plain percentile one from the same refits
 * (the CI test in src/custom/form.test.ts runs 60 × 100 with a wider band). Part of
 * `pnpm bench`; alone: `node --conditions=@scalewise/source --import tsx bench/custom-coverage.ts`
 * (`LAWS_BENCH_CUSTOM_COVERAGE_REPS=k` for k datasets, `LAWS_BENCH_CUSTOM_COVERAGE_ROWS=n` for n rows each).
 */
import { pathToFileURL } from 'node:url';
import { createRng } from '@scalewise/core';
import { bootstrapFit, customForm, fitLaw } from '../src/index.js';
import { quantile } from '../src/internals.js';

type Timer = <T>(fn: () => T) => [T, number];

export interface CustomCoverage {
  replicates: number;
  resamples: number;
  rows: number;
  noise_log_sd: number;
  /** The default interval (`BootstrapResult.method`). */
  interval: string;
  /** Fraction of the datasets whose 95% interval of each parameter covers its true value. */
  coverage: Record<string, number>;
  /** All parameters pooled, with its binomial standard error. */
  pooled: number;
  pooled_se: number;
  /** The same refits' plain 2.5–97.5% percentiles (numpy's rule), the interval before the expansion. */
  percentile_coverage: Record<string, number>;
  percentile_pooled: number;
  seconds: number;
}

export function benchCustomCoverage(time: Timer, log: (s: string) => void, replicates = 1000, resamples = 200, rows = 40): CustomCoverage {
  const truth: Record<string, number> = { E: 1.5, A: 6, alpha: 0.4 };
  const form = customForm('E + A*x^(-alpha)', { bounds: ['E>0', 'A>0'], starts: ['E=1', 'A=5', 'alpha=0.5'] });
  const x = Array.from({ length: rows }, (_, i) => 10 ** (1 + (3 * i) / (rows - 1)));
  const rng = createRng(11);
  const hits: Record<string, number> = { E: 0, A: 0, alpha: 0 };
  const plainHits: Record<string, number> = { E: 0, A: 0, alpha: 0 };
  let interval = '';
  const [, seconds] = time(() => {
    for (let r = 0; r < replicates; r++) {
      const y = x.map((xi) => (truth.E! + truth.A! * xi ** -truth.alpha!) * Math.exp(0.02 * rng.normal()));
      const fit = fitLaw({ x, y }, { form, intervals: false });
      const boot = bootstrapFit({ x, y }, fit, { form }, { resamples, seed: r });
      interval = boot.method;
      form.params.forEach((name, j) => {
        const t = truth[name]!;
        if (boot.ci[name]![0] <= t && t <= boot.ci[name]![1]) hits[name]!++;
        const col = Float64Array.from({ length: boot.successful }, (_, s) => boot.samples[s * 3 + j]!).sort();
        if (quantile(col, 0.025) <= t && t <= quantile(col, 0.975)) plainHits[name]!++;
      });
    }
  });
  const rates = (h: Record<string, number>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v / replicates]));
  const pool = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0) / (3 * replicates);
  const [coverage, pooled] = [rates(hits), pool(hits)];
  const [plainCoverage, plainPooled] = [rates(plainHits), pool(plainHits)];
  const pooledSe = Math.sqrt((pooled * (1 - pooled)) / (3 * replicates));
  log(
    `custom E + A·x^(−alpha) bootstrap coverage (n = ${rows}, ${replicates} × ${resamples}): ${interval}: ` +
      `${JSON.stringify(coverage)}, pooled ${(100 * pooled).toFixed(1)}% ± ${(100 * pooledSe).toFixed(1)}; ` +
      `plain percentile: ${JSON.stringify(plainCoverage)}, pooled ${(100 * plainPooled).toFixed(1)}% (${seconds.toFixed(1)} s)`,
  );
  return {
    replicates,
    resamples,
    rows: x.length,
    noise_log_sd: 0.02,
    interval,
    coverage,
    pooled,
    pooled_se: pooledSe,
    percentile_coverage: plainCoverage,
    percentile_pooled: plainPooled,
    seconds,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const time: Timer = (fn) => {
    const t0 = performance.now();
    const r = fn();
    return [r, (performance.now() - t0) / 1000];
  };
  const env = (name: string, fallback: number): number => {
    const v = Number(process.env[name] ?? fallback);
    if (!(Number.isInteger(v) && v > 3)) throw new Error(`${name} must be an integer > 3, found ${process.env[name]}`);
    return v;
  };
  const reps = env('LAWS_BENCH_CUSTOM_COVERAGE_REPS', 1000);
  const rows = env('LAWS_BENCH_CUSTOM_COVERAGE_ROWS', 40);
  console.log(
    JSON.stringify(
      benchCustomCoverage(time, (s) => console.log(s), reps, 200, rows),
      null,
      2,
    ),
  );
}
