import { createHash } from 'node:crypto';
import path from 'node:path';
import { writeReport } from '@scalewise/report';
import { EXIT_OK, UsageError, parseFlags, printJson, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { runIsoflopStudy } from '../study/isoflop.js';
import { runLadderStudy } from '../study/ladder.js';
import { runOriginalStudy } from '../study/original.js';
import { studyPlan, type StudyOptions } from '../study/plan.js';
import { studyReportInput, type StudyResults } from '../study/report-input.js';
import { writeStudyResults } from '../study/results.js';
import { claimStudyFolder, runStage } from '../study/stages.js';
import { runThroughput } from '../study/throughput.js';
import { studyVersions } from '../study/versions.js';
import { intFlag } from './int-flag.js';

const HELP = `scalewise study — the whole scaling study, offline, end to end

Usage: scalewise study [--quick] [--isoflop] [--out DIR] [--seed S] [--engine native|reference] [--threads N] [--no-png] [--json]

Stages (each resumable: a re-run with the same options reuses finished stages and training runs):
  1. the original MobileLLM study, refitted with intervals, in matching units, vs Kaplan
  2. a ladder of deep-and-thin byte-level models trained on Brown, L(N) fitted with power and saturating forms
  3. throughput (pp/tg tokens/s) and peak memory of the trained models and of random-weight MobileLLM shapes
  4. report.html with figures (SVG and PNG) and machine-readable results

Options:
  --quick           small ladder and short benchmarks (about 2 minutes on 2 cores)
  --isoflop         also train an IsoFLOP grid (ladder x 3 FLOP budgets), fit Chinchilla approaches 2 and 3,
                    and report compute-optimal allocation (adds roughly 10-30 minutes)
  --out DIR         output folder (default ./scalewise-out/<run-id>, run-id derived from the options);
                    missing parents are created; a folder holding a study with other options (another
                    seed, engine, --quick or --isoflop) or other files is refused (exit 2), never mixed
  --seed S          seed for initialisation, data order and bootstrap (whole number >= 0, default 0)
  --engine E        training engine: native (ONNX Runtime, default) or reference (TypeScript)
  --threads N       intra-op threads for training and benchmarks (whole number >= 1)
  --no-png          skip PNG copies of the figures
  --json            print the summary as one JSON object

Examples:
  scalewise study --quick
  scalewise study --out results/study-1 --seed 1
`;

const command: Command = {
  summary: 'Run the whole scaling study end to end and write a report',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, {
      quick: { type: 'boolean' },
      isoflop: { type: 'boolean' },
      out: { type: 'string' },
      seed: { type: 'string' },
      engine: { type: 'string' },
      threads: { type: 'string' },
      'no-png': { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`study takes no positional arguments, found '${positionals.join(' ')}'`);
    const engine = values.engine ?? 'native';
    if (engine !== 'native' && engine !== 'reference') throw new UsageError(`--engine expects native or reference, found '${engine}'`);
    // Validated before stage 1 writes anything.
    const threads = intFlag('threads', values.threads, 1);
    const seed = intFlag('seed', values.seed, 0) ?? 0;
    const options: StudyOptions = {
      quick: Boolean(values.quick),
      isoflop: Boolean(values.isoflop),
      seed,
      engine,
      ...(threads ? { threads } : {}),
    };
    const plan = studyPlan(options);
    const runId = `${options.quick ? 'quick' : 'study'}-s${options.seed}-${createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 8)}`;
    const outDir = path.resolve(io.cwd, values.out ?? path.join('scalewise-out', runId));
    const { checkOutputFolder } = await import('@scalewise/data');
    checkOutputFolder(outDir, '--out');
    // Threads change speed, not results: a resume may use other threads (stages that measure speed are keyed by them).
    await claimStudyFolder(outDir, { quick: options.quick, isoflop: options.isoflop, seed: options.seed, engine: options.engine });
    const log = (line: string) => io.stderr(`${line}\n`);
    const progress = createProgress(io);
    const started = performance.now();
    log(`scalewise study: writing to ${outDir}`);

    // Fitting stages are keyed by the laws version too: after an upgrade they refit (training runs stay cached).
    const laws = studyVersions()['@scalewise/laws'];
    const original = await runStage(outDir, 'original', { bootstrap: plan.bootstrap, seed: options.seed, laws }, log, async () =>
      runOriginalStudy({ seed: options.seed, bootstrap: plan.bootstrap }),
    );
    const ladder = await runStage(outDir, 'ladder', { sweep: plan.sweep, laws }, log, () => runLadderStudy(plan, outDir, progress));
    const throughput = await runStage(
      outDir,
      'throughput',
      { bench: plan.bench, presets: plan.benchPresets, runs: ladder.runs.map((r) => r.id), threads: options.threads ?? null },
      log,
      () => runThroughput(plan, ladder.runs, progress),
    );

    const isoflop = plan.isoflop
      ? await runStage(outDir, 'isoflop', { isoflop: plan.isoflop, laws }, log, () => runIsoflopStudy(plan.isoflop!, outDir, progress))
      : null;

    const results: StudyResults = { runId, plan, original, ladder, throughput, isoflop, versions: studyVersions() };
    const resultFiles = await writeStudyResults(path.join(outDir, 'results'), results);
    log('[report] rendering figures');
    const written = await writeReport(outDir, studyReportInput(results), { png: !values['no-png'] });
    const seconds = (performance.now() - started) / 1000;
    const e = original.analysis.exponent;
    const best = ladder.fits.find((f) => f.form === ladder.preferred);
    const summary = {
      run_id: runId,
      out_dir: outDir,
      report: written.html,
      figures: written.figures,
      results: resultFiles,
      seconds,
      mobilellm: {
        a: e.a,
        b: e.b,
        b_ci_t: e.ci.t,
        b_ci_bootstrap: e.ci.bootstrap,
        r2: e.r2,
        loss_b: original.analysis.lossExponent?.b ?? null,
        kaplan_test: original.analysis.referenceTest,
      },
      ladder: { models: ladder.runs.length, preferred: ladder.preferred, params: best?.params ?? null, ci: best?.ci ?? null },
      isoflop: isoflop
        ? { chinchilla: isoflop.chinchilla?.params ?? null, approach2_a: isoflop.approach2?.a ?? null, optimal: isoflop.optimal }
        : null,
      throughput: throughput.map((t) => ({
        model: t.model,
        tg_avg_ts: t.tg_avg_ts,
        pp_avg_ts: t.pp_avg_ts,
        peak_rss_bytes: t.peak_rss_bytes,
      })),
    };
    if (values.json) {
      printJson(io, summary);
      return EXIT_OK;
    }
    const lines = [
      `MobileLLM (4 models): PPL = ${e.a.toFixed(1)} · N^${e.b.toFixed(5)}, R² = ${(e.r2 ?? Number.NaN).toFixed(5)}; b 95% CI [${e.ci.t[0].toFixed(3)}, ${e.ci.t[1].toFixed(3)}] (t, 2 dof); loss-unit b = ${(original.analysis.lossExponent?.b ?? Number.NaN).toFixed(4)}`,
      `Brown ladder (${ladder.runs.length} models, val loss in nats/token vs non-embedding params): preferred ${ladder.preferred ?? 'none'}${
        best
          ? ` — ${Object.entries(best.params)
              .map(([k, v]) => `${k} = ${v.toPrecision(3)}`)
              .join(', ')}`
          : ''
      }`,
      ...throughput.map(
        (t) =>
          `${t.model}: tg ${(t.tg_avg_ts ?? Number.NaN).toFixed(1)} ± ${(t.tg_stddev_ts ?? Number.NaN).toFixed(1)} tokens/s, pp ${(t.pp_avg_ts ?? Number.NaN).toFixed(1)} tokens/s, peak RSS ${(t.peak_rss_bytes / 1e6).toFixed(0)} MB`,
      ),
      `Report: ${written.html} (${written.figures.length} figures) in ${seconds.toFixed(0)} s`,
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};

export default command;
