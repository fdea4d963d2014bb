import { createHash } from 'node:crypto';
import path from 'node:path';
import { FAMILY_NAMES, type FamilyName } from '@scalewise/models';
import { writeReport } from '@scalewise/report';
import { planFamilyStudy } from '@scalewise/train';
import { EXIT_OK, UsageError, intFlag, numberFlag, parseFlags, printJson, printable, type CliIO, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { STUDY_HELP } from './study-help.js';
import { localSweepRunner, runIsoflopStudy } from '../study/isoflop.js';
import { runBaselines } from '../study/baselines.js';
import { runFamiliesStudy } from '../study/families.js';
import { runOriginalStudy } from '../study/original.js';
import { originalSummaryJson, originalSummaryLine } from '../study/report-measured.js';
import { runsSideBySide, studyPlan, type StudyOptions } from '../study/plan.js';
import { openStudyQueue, studyQueueTarget, type StudyQueue } from '../study/queue.js';
import { tinyForTests } from '../study/tiny.js';
import { studyReportInput, type StudyResults } from '../study/report-input.js';
import { placements, writeStudyResults } from '../study/results.js';
import { claimStudyFolder, runStage } from '../study/stages.js';
import { runThroughput } from '../study/throughput.js';
import { studyVersions } from '../study/versions.js';
import { threadsFlag } from './flag-checks.js';
import { modelsFlags } from './study-models.js';

/** After a family's LR in the summary: said when it is an end of the sweep (its warning follows the answers). */
const lrEdgeNote = (edge: 'high' | 'low' | null): string => (edge ? ` (the sweep's ${edge === 'high' ? 'largest' : 'smallest'})` : '');

/** A measured rate, or n/a when the test did not run (never 'NaN'). */
const rate = (v: number | null | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : 'n/a');

/** With --queue, `queue.opened` holds the connection, closed by the command on every path. */
interface QueueSlot {
  opened?: StudyQueue;
}

const study = {
  async run(argv: string[], io: CliIO, queue: QueueSlot): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      quick: { type: 'boolean' },
      families: { type: 'string' },
      scale: { type: 'string' },
      isoflop: { type: 'boolean' },
      out: { type: 'string' },
      seed: { type: 'string' },
      engine: { type: 'string' },
      threads: { type: 'string' },
      'no-png': { type: 'boolean' },
      queue: { type: 'string' },
      models: { type: 'string' },
      corpus: { type: 'string' },
      'lr-extensions': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`study takes no positional arguments, found '${positionals.join(' ')}'`);
    const engine = values.engine ?? 'native';
    if (engine !== 'native' && engine !== 'reference') throw new UsageError(`--engine expects native or reference, found '${engine}'`);
    // Validated before stage 1 writes anything.
    const threads = threadsFlag(values.threads);
    const seed = intFlag('seed', values.seed, { min: 0 }, 0);
    const families = familiesFlag(values.families);
    const measure = modelsFlags(values.models, values.corpus, io.cwd);
    const lrExtensions = intFlag('lr-extensions', values['lr-extensions'], { min: 0, max: 4 }, 0);
    const scale = numberFlag('scale', values.scale);
    if (scale !== undefined && !(scale > 0)) throw new UsageError(`--scale expects a number > 0, found '${values.scale}'`);
    const options: StudyOptions = {
      quick: Boolean(values.quick),
      isoflop: Boolean(values.isoflop),
      seed,
      engine,
      ...(threads ? { threads } : {}),
      ...(families ? { families } : {}),
      ...(scale !== undefined && scale !== 1 ? { scale } : {}),
      ...(lrExtensions > 0 ? { lrExtensions } : {}),
    };
    const queueTarget = values.queue === undefined ? undefined : await studyQueueTarget(values.queue);
    const plan = tinyForTests(studyPlan(options));
    planFamilyStudy(plan.families); // a plan that cannot be built is refused here, before any stage
    const runId =
      `${options.quick ? 'quick' : 'study'}-s${options.seed}-` +
      `${createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 8)}`;
    const outDir = path.resolve(io.cwd, values.out ?? path.join('scalewise-out', runId));
    const { checkOutputFolder } = await import('@scalewise/data');
    checkOutputFolder(outDir, '--out');
    const log = (line: string) => io.stderr(`${line}\n`);
    const progress = createProgress(io);
    if (queueTarget) queue.opened = await openStudyQueue(queueTarget, io, progress, log, threads);
    // Threads change speed, not results: a resume may use other threads (stages that measure speed are keyed by them).
    await claimStudyFolder(outDir, {
      quick: options.quick,
      isoflop: options.isoflop,
      seed: options.seed,
      engine: options.engine,
      ...(options.families ? { families: options.families } : {}),
      ...(options.scale ? { scale: options.scale } : {}),
      ...(options.lrExtensions ? { lrExtensions: options.lrExtensions } : {}),
    });
    const started = performance.now();
    log(`scalewise study: writing to ${outDir}`);

    // Fitting stages are keyed by the laws version too: after an upgrade they refit (training runs stay cached).
    const laws = studyVersions()['@scalewise/laws'];
    const original = await runStage(
      outDir,
      'original',
      // `table` in the key: records from before checkpoints could be measured lack the provenance fields.
      {
        bootstrap: plan.bootstrap,
        seed: options.seed,
        laws,
        table: measure ? 'measured' : 'shipped',
        ...(measure ? { measure, threads: options.threads ?? null } : {}),
      },
      log,
      async () =>
        runOriginalStudy({
          seed: options.seed,
          bootstrap: plan.bootstrap,
          ...(measure
            ? {
                measure: {
                  ...measure,
                  outDir,
                  ...(options.threads ? { threads: options.threads } : {}),
                  onProgress: (model, stage, done, total) =>
                    progress({ stage: `original ${stage}`, done, total, detail: printable(model) }),
                },
              }
            : {}),
        }),
    );
    const baselines = await runStage(outDir, 'baselines', { corpus: 'brown', orders: 5 }, log, () => runBaselines());
    const familiesStudy = await runStage(
      outDir,
      'families',
      {
        families: plan.families,
        seed: options.seed,
        engine: options.engine,
        resamples: [plan.validationResamples, plan.comparisonResamples],
        laws,
        // 2: records lr_edge and lr_warning; an older stage is rebuilt (its training runs are read back, not retrained).
        record: 2,
      },
      log,
      () => runFamiliesStudy(plan, outDir, log, progress, queue.opened?.trainer),
    );
    const largest = familiesStudy.families.map((f) => f.runs.at(-1)!);
    const throughput = await runStage(
      outDir,
      'throughput',
      {
        bench: plan.bench,
        presets: plan.benchPresets,
        runs: largest.map((r) => `${r.id}-${r.config_hash}`),
        threads: options.threads ?? null,
      },
      log,
      () => runThroughput(plan, largest, progress),
    );

    // As the family stage: runs side by side on worker threads.
    const sideBySide = () => localSweepRunner(runsSideBySide(plan), plan.options.threads);
    const isoflop = plan.isoflop
      ? await runStage(outDir, 'isoflop', { isoflop: plan.isoflop, laws }, log, () =>
          runIsoflopStudy(plan.isoflop!, outDir, progress, queue.opened?.sweep ?? sideBySide()),
        )
      : null;

    const results: StudyResults = {
      runId,
      plan,
      original,
      baselines,
      families: familiesStudy,
      throughput,
      isoflop,
      versions: studyVersions(),
      studyWallS: (performance.now() - started) / 1000,
    };
    const resultFiles = await writeStudyResults(path.join(outDir, 'results'), results);
    log('[report] rendering figures');
    const written = await writeReport(outDir, studyReportInput(results), { png: !values['no-png'] });
    const seconds = (performance.now() - started) / 1000;
    const placement = placements(results);
    const summary = {
      run_id: runId,
      out_dir: outDir,
      report: written.html,
      figures: written.figures,
      results: resultFiles,
      seconds,
      mobilellm: originalSummaryJson(original),
      families: familiesStudy.families.map((f, i) => {
        const power = familiesStudy.analysis.families[i]?.forms.fits.find((x) => x.form === 'power');
        return {
          name: f.name,
          lr: f.lr,
          lr_edge: f.lr_edge,
          runs: f.runs.length,
          alpha: power ? -power.params.b! : null,
          alpha_ci: power?.ci.b ? [-power.ci.b[1], -power.ci.b[0]] : null,
          preferred: familiesStudy.analysis.families[i]?.forms.preferred ?? null,
        };
      }),
      // Kept for tools that read the summary before the family study: the first family's ladder.
      ladder: (() => {
        const f = familiesStudy.analysis.families[0];
        const best = f?.forms.fits.find((x) => x.form === f.forms.preferred);
        return {
          models: familiesStudy.families[0]?.runs.length ?? 0,
          preferred: f?.forms.preferred ?? null,
          params: best?.params ?? null,
          ci: best?.ci ?? null,
        };
      })(),
      answers: familiesStudy.answers,
      placement,
      baselines: { unigram_bpb: baselines.unigram_bpb, ngram_bpb: baselines.ngram_bpb },
      seed_sd_nats: familiesStudy.seed_sd_nats,
      families_wall_s: familiesStudy.wall_s,
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
      originalSummaryLine(original),
      `Families (` +
        `${familiesStudy.families.map((f) => `${f.name}: ${f.runs.length} runs, lr ${f.lr}${lrEdgeNote(f.lr_edge)}`).join('; ')}` +
        `), val loss in nats/token vs non-embedding params, seed sd ` +
        `${familiesStudy.seed_sd_nats === null ? 'n/a' : `${familiesStudy.seed_sd_nats.toFixed(4)} nats/token`}` +
        `:`,
      ...familiesStudy.answers.map((a) => `  ${a}`),
      ...placement.map((p) => `  ${p.sentence}`),
      ...familiesStudy.families.flatMap((f) => (f.lr_warning ? [`  warning: ${f.lr_warning}`] : [])),
      `Baselines (bits/byte): unigram ${baselines.unigram_bpb.toFixed(3)}, ` +
        `Kneser-Ney 2-5: ${(['2', '3', '4', '5'] as const).map((k) => baselines.ngram_bpb[k].toFixed(3)).join(', ')}`,
      `Family runs: ${familiesStudy.wall_s.toFixed(0)} s (load average ` +
        `${familiesStudy.machine.loadavg_before.map((l) => l.toFixed(2)).join(' ')} on ` +
        `${familiesStudy.machine.cpus} CPUs before)`,
      ...throughput.map(
        (t) =>
          `${t.model}: tg ${rate(t.tg_avg_ts)} ± ${rate(t.tg_stddev_ts)} tokens/s, pp ${rate(t.pp_avg_ts)} tokens/s, peak RSS ` +
          `${(t.peak_rss_bytes / 1e6).toFixed(0)} MB`,
      ),
      `Report: ${written.html} (${written.figures.length} figures) in ${seconds.toFixed(0)} s`,
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};

const command: Command = {
  summary: 'Run the whole scaling study end to end and write a report',
  help: STUDY_HELP,
  run: async (argv, io) => {
    const queue: QueueSlot = {};
    try {
      return await study.run(argv, io, queue);
    } finally {
      await queue.opened?.close();
    }
  },
};

/** `--families a,b`: known, distinct names, validated before any work. */
function familiesFlag(value: string | undefined): FamilyName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!(FAMILY_NAMES as string[]).includes(name))
      throw new UsageError(`--families: unknown family '${name}' (expected a comma-separated list of ${FAMILY_NAMES.join(', ')})`);
  }
  if (new Set(names).size !== names.length) throw new UsageError(`--families lists a family twice: '${value}'`);
  return names as FamilyName[];
}

export default command;
