/**
 * `scalewise observe FILE --benchmarks COL,… [--target COL] [--compute COL]`: observational scaling (Ruan et al.
 * 2024) on a table of many models' benchmark scores — PCA-imputed capability components, and with a target the
 * sigmoid fits against them and against log-compute, with bootstrap intervals and a held-out check. All statistics
 * come from @scalewise/laws; this file parses flags, reads the file and prints.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  benchmarkScores,
  observationalScaling,
  parseCsv,
  type HoldoutScore,
  type LinkFit,
  type ObservationalResult,
} from '@scalewise/laws';
import { EXIT_OK, UsageError, numberFlag, parseFlags, printJson, type CliIO, type Command, intFlag } from '../kit.js';
import { fmt, MAX_RESAMPLES } from './fit-checks.js';

/** Benchmark tables are a few hundred rows; anything this large is the wrong file. */
const MAX_BYTES = 64 * 1024 * 1024;

const HELP = `Usage: scalewise observe FILE --benchmarks COL,COL,... [--target COL] [--compute COL] [options]

Observational scaling (Ruan et al. 2024, "Observational Scaling Laws"): a capability measure from many models'
benchmark scores, and how a held-out metric scales with it.

FILE is a CSV with one row per model and a header. Benchmark and target cells are fractions in [0, 1]; an empty
cell is a missing score. Missing benchmark scores are imputed as the paper does (iterative PCA, 1 component, on
standardised scores, clipped to [0, 1]); the PCA then runs on the mean-centred scores. The paper's 148-model
table ships with @scalewise/laws as datasets.obsScaling.

  --benchmarks COL,...  benchmark columns for the PCA (at least 2)
  --target COL          metric to predict (a fraction); fitted as target = σ(a + Σ w_k·PC-k)
  --compute COL         training compute (e.g. 'FLOPs (1E21)'); also fits target = σ(a + w·log10(compute))
  --components K        PCs in the capability measure (default 3, the paper's)
  --bootstrap B         resamples over models for the intervals (default 1000)
  --seed S              bootstrap seed (default 0)
  --holdout F           share of the strongest models (by compute, else PC-1) held out and predicted (default 0.2; 0: none)
  --json                print one JSON object

Prints the variance each component explains, the loadings, and with --target the fits with 95% bootstrap
intervals and the held-out check (MSE on fitted and held-out models, held-out targets inside their 95% prediction
interval).

Example:
  scalewise observe base_llm_benchmark_eval.csv \\
    --benchmarks MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval --target GSM8K --compute 'FLOPs (1E21)'
`;

function columnList(value: string | undefined): string[] {
  if (value === undefined)
    throw new UsageError("--benchmarks is required: the benchmark columns, comma-separated (see 'scalewise observe --help')");
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--benchmarks has an empty column name in '${value}'`);
  return names;
}

async function readTable(path: string, display: string) {
  let text: string;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new UsageError(`${display}: cannot read the file (it is a folder)`);
    if (st.size > MAX_BYTES) throw new UsageError(`${display}: ${(st.size / 1e6).toFixed(0)} MB is too large for a benchmark table`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${display}: cannot read the file (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`, { cause: error });
  }
  if (text.includes('\u0000')) throw new UsageError(`${display}: not a text table (the file contains NUL bytes)`);
  return parseCsv(text.replace(/^\ufeff/, ''), display);
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function linkLines(title: string, fit: LinkFit, target: string): string[] {
  const level = Math.round(fit.ci_level * 100);
  const terms = fit.predictors.map((p) => `w·${p}`).join(' + ');
  const lines = [`${title} (${fit.n_models} models): ${target} = σ(intercept + ${terms})`];
  for (const [name, value] of Object.entries(fit.params)) {
    const ci = fit.ci[name];
    lines.push(`  ${name.padEnd(24)} ${fmt(value).padStart(10)}   ${level}% CI ${ci ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : 'n/a'}`);
  }
  lines.push(`  residual: rmse ${fmt(fit.rmse)} (fraction), mse ${fmt(fit.mse)}; intervals: ${fit.ciMethod}`);
  return lines;
}

function scoreLine(label: string, s: HoldoutScore, n: number): string {
  return `  ${label.padEnd(24)}${fmt(s.mse_train).padStart(12)}${fmt(s.mse_test).padStart(14)}   ${s.covered}/${n}`;
}

function report(file: string, r: ObservationalResult): string {
  const out = [
    `${file}: ${r.n_models} models × ${r.benchmarks.length} benchmarks; ` +
      `${r.imputed_cells} missing scores imputed (PCA, 1 component, clipped to [0, 1])`,
    '',
    'explained variance (share of the total variance of the benchmark scores):',
    ...r.explained_variance_ratio.map(
      (v, i) => `  PC-${i + 1}  ${pct(v).padStart(7)}   cumulative ${pct(r.cumulative_ratio[i]!).padStart(7)}`,
    ),
    '',
    `loadings (unit vectors; each component's largest loading is positive):`,
    `  ${'benchmark'.padEnd(20)}${r.loadings.map((_, c) => `PC-${c + 1}`.padStart(9)).join('')}`,
    ...r.benchmarks.map((b, j) => `  ${b.padEnd(20)}${r.loadings.map((w) => w[j]!.toFixed(4).padStart(9)).join('')}`),
  ];
  const t = r.target;
  if (t) {
    const name = t.name;
    out.push('', ...linkLines(`${name} against capability PC-1..PC-${r.components}`, t.pc, name));
    if (t.compute) out.push('', ...linkLines(`${name} against ${t.compute.predictors[0]!}`, t.compute, name));
    const h = t.holdout;
    if (h) {
      out.push(
        '',
        `held-out check: the ${h.n_test} models above ${fmt(h.cutoff)} ${h.ranked_by} predicted from the ` +
          `${h.n_train} at or below (imputation, PCA and fit on those only):`,
        `  ${'predictor'.padEnd(24)}${'MSE fitted'.padStart(12)}${'MSE held-out'.padStart(14)}   held-out inside 95% prediction interval`,
        scoreLine(`PC-1..PC-${r.components}`, h.pc, h.n_test),
      );
      if (h.compute) out.push(scoreLine('log10 compute', h.compute, h.n_test));
    }
  }
  if (r.warnings.length > 0) out.push('', ...r.warnings.map((w) => `warning: ${w}`));
  return `${out.join('\n')}\n`;
}

const command: Command = {
  summary: 'Observational scaling: capability PCA over many models’ benchmarks, sigmoid fits of a target',
  help: HELP,
  run: async (argv, io: CliIO) => {
    const { values: f, positionals } = parseFlags(argv, {
      benchmarks: { type: 'string' },
      target: { type: 'string' },
      compute: { type: 'string' },
      components: { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      holdout: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new UsageError(`expected exactly one FILE, found ${positionals.length}; see 'scalewise observe --help'`);
    const benchmarks = columnList(f.benchmarks);
    if (f.compute !== undefined && f.target === undefined)
      throw new UsageError('--compute is used with --target: give the metric to predict');
    const resamples = intFlag('bootstrap', f.bootstrap, { min: 0, max: MAX_RESAMPLES }, 1000);
    if (resamples < 10) throw new UsageError(`--bootstrap needs at least 10 resamples for intervals, found '${f.bootstrap}'`);
    const seed = intFlag('seed', f.seed, { min: 0, max: 2 ** 32 - 1 }, 0);
    const components = numberFlag('components', f.components, Math.min(3, benchmarks.length));
    if (!Number.isInteger(components) || components < 1 || components > benchmarks.length)
      throw new UsageError(
        `--components expects an integer in [1, ${benchmarks.length}] (the number of benchmarks), found '${f.components}'`,
      );
    const holdout = numberFlag('holdout', f.holdout, 0.2);
    if (!(holdout >= 0 && holdout < 1)) throw new UsageError(`--holdout expects a share in [0, 1), found '${f.holdout}'`);
    const file = positionals[0]!;
    const table = await readTable(resolve(io.cwd, file), file);
    const input = benchmarkScores(table, { benchmarks, target: f.target, compute: f.compute }, file);
    const result = observationalScaling(input, { components, resamples, seed, holdout, source: file });
    if (f.json) {
      printJson(io, {
        file,
        imputation: 'iterative PCA, 1 component, standardised scores, clipped to [0, 1] (Ruan et al. 2024)',
        ...result,
      });
    } else {
      io.stdout(report(file, result));
    }
    return EXIT_OK;
  },
};

export default command;
