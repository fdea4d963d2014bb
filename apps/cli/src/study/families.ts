import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '@scalewise/core/node';
import { analyzeFamilies, describeComparison, type FamilyAnalysis } from '@scalewise/laws';
import { createRunPool, lrSweepRun, lrSweepVerdict, type PlannedRun, type RunPool } from '@scalewise/train';
import { shareOfCores } from '@scalewise/train/internals';
import { estimatePlan, mapPool } from './families-schedule.js';
import type { ProgressEvent } from '../progress.js';
import { runsSideBySide, type StudyPlan } from './plan.js';
import { localTrainer, poolTrainer, type RunTrainer } from './trainer.js';

/** One trained and validated run (a row of `results/families.json`, contract fields first). */
export interface FamilyRunRecord {
  id: string;
  seed: number;
  params_non_embedding: number;
  params_total: number;
  tokens: number;
  steps: number;
  val_loss_nats: number;
  val_loss_ci: [number, number];
  val_bpb: number;
  val_tokens: number;
  val_bpb_ci: [number, number];
  val_documents: number;
  family: string;
  kind: PlannedRun['kind'];
  size_index: number;
  lr: number;
  batch_size: number;
  warmup: number;
  tokens_per_param: number;
  train_flops: number;
  final_train_loss: number;
  wall_s: number;
  engine: string;
  model: string;
  config_hash: string;
  out_dir: string;
}

export interface FamilyResult {
  name: string;
  /** The learning rate chosen by the sweep at the smallest size (lowest validation loss). */
  lr: number;
  /** Every swept LR, ascending: the grid and any values added past an edge that won. */
  lr_sweep: { lr: number; val_loss_nats: number; val_loss_ci: [number, number] }[];
  /** 'high' | 'low': the chosen LR is still the sweep's largest | smallest value once the extensions ran out. */
  lr_edge: 'high' | 'low' | null;
  /** Said when lr_edge is set: the optimum may lie beyond the sweep. */
  lr_warning: string | null;
  /** Runs the fits use: the chosen sweep run, main runs and seed replicates (other sweep runs are in lr_sweep). */
  runs: FamilyRunRecord[];
}

export interface FamiliesStudy {
  rule: string;
  estimate: { runs: number; total_flops: number; seconds: number; throughput_flops_per_s: number; measured_on: string };
  families: FamilyResult[];
  analysis: FamilyAnalysis;
  /** One sentence per pair of families. */
  answers: string[];
  seed_sd_nats: number | null;
  wall_s: number;
  machine: {
    cpus: number;
    parallel_runs: number;
    /** Where the runs trained: worker threads of a run pool, this thread (one at a time), or a queue's workers. */
    runs_on: 'worker threads' | 'this thread' | 'queue';
    loadavg_before: number[];
    loadavg_after: number[];
  };
}

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);

function trainingConfig(run: PlannedRun, lr: number, plan: StudyPlan): Record<string, unknown> {
  return {
    model: run.config,
    data: { corpus: 'brown', tokenizer: 'byte', seq: plan.families.seq },
    steps: run.steps,
    batchSize: run.batchSize,
    optimizer: { lr },
    schedule: { kind: 'cosine', warmup: run.warmup, floor: 0.1 },
    // The trainer's own end-of-run check stays cheap: the whole-split validation runs after it (validateRun).
    eval: { every: 0, batches: 1 },
    checkpoint: { every: 0, keep: 1 },
    seed: plan.options.seed + run.seed,
    engine: plan.options.engine,
  };
}

function readRecords(file: string): FamilyRunRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as FamilyRunRecord];
      } catch {
        return []; // a torn line: that run is trained again
      }
    });
}

/**
 * Stage: the family comparison. Per family, the LR sweep at the smallest size, then every other run at the chosen
 * LR; each run is validated on the whole validation split (document bootstrap). Runs are resumable: a finished run
 * (same id and config) is read from `families/results.jsonl`, an interrupted one resumes from its checkpoint.
 */
export async function runFamiliesStudy(
  plan: StudyPlan,
  outDir: string,
  log: (line: string) => void,
  onProgress: (event: ProgressEvent) => void,
  /** Queue workers train every submitted run at once (all families together); the default trains here. */
  remote?: RunTrainer,
): Promise<FamiliesStudy> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const parallel = runsSideBySide(plan);
  // Runs side by side (on a pool, or a queue as the estimate measures them) get their share of the cores without
  // --threads; one run at a time here, the engine's own choice.
  const runThreads = plan.options.threads ?? (parallel > 1 ? shareOfCores(parallel) : undefined);
  // Side by side means worker threads: runs awaited together on one thread take turns (onnxruntime runs synchronously).
  const pool =
    !remote && parallel > 1 ? await createRunPool({ size: parallel, ...(runThreads ? { threads: runThreads } : {}) }) : undefined;
  try {
    return await trainFamilies(plan, outDir, log, onProgress, { started, loadBefore, parallel, runThreads, remote, pool });
  } finally {
    await pool?.close();
  }
}

async function trainFamilies(
  plan: StudyPlan,
  outDir: string,
  log: (line: string) => void,
  onProgress: (event: ProgressEvent) => void,
  how: { started: number; loadBefore: number[]; parallel: number; runThreads: number | undefined; remote?: RunTrainer; pool?: RunPool },
): Promise<FamiliesStudy> {
  const { started, loadBefore, parallel, runThreads, remote, pool } = how;
  const trainer = remote ?? (pool ? poolTrainer(pool) : localTrainer(runThreads));
  // Measured as the runs will train: side by side, at their thread count.
  const { plan: fp, measuredOn } = await estimatePlan(plan, parallel, runThreads, pool);
  log(
    `[families] plan: ${fp.runs.length} runs (${plan.families.families.join(', ')}), ` +
      `${fp.totalFlops.toExponential(2)} FLOP (train ${fp.trainFlops.toExponential(2)} ` +
      `+ validation ${fp.validationFlops.toExponential(2)}), estimated ` +
      `${(fp.estimatedSeconds / 60).toFixed(1)} min at an effective ` +
      `${(fp.options.throughput / 1e9).toFixed(2)} GFLOP/s (${measuredOn}; load ` +
      `${loadBefore.map((l) => l.toFixed(2)).join(' ')})`,
  );
  const dir = path.join(outDir, 'families');
  const resultsFile = path.join(dir, 'results.jsonl');
  const done = new Map(readRecords(resultsFile).map((r) => [`${r.id}:${r.config_hash}`, r]));
  let finished = 0;
  // Grows when a sweep is extended past an edge (study-lr-sweep.ts in @scalewise/train).
  let total = fp.runs.length;
  let appending = Promise.resolve();
  const runOne = async (run: PlannedRun, lr: number): Promise<FamilyRunRecord> => {
    const config = trainingConfig(run, lr, plan);
    const configHash = hashOf(config);
    const cached = done.get(`${run.id}:${configHash}`);
    onProgress({ stage: 'families', done: finished, total, unit: 'runs', detail: run.id });
    if (cached) {
      finished++;
      return cached;
    }
    const trained = await trainer(
      { id: run.id, config, runDir: path.join(dir, 'runs', `${run.id}-${configHash}`) },
      {
        resamples: plan.validationResamples,
        seed: plan.options.seed,
        ...(plan.families.validationTokens ? { maxTokens: plan.families.validationTokens } : {}),
      },
      onProgress,
    );
    const { row, validation: v, runDir } = trained;
    const record: FamilyRunRecord = {
      id: run.id,
      seed: plan.options.seed + run.seed,
      params_non_embedding: row.params_non_embedding,
      params_total: row.params_total,
      tokens: row.tokens,
      steps: trained.steps,
      val_loss_nats: v.loss_nats,
      val_loss_ci: v.loss_ci,
      val_bpb: v.bpb,
      val_tokens: v.tokens,
      val_bpb_ci: v.bpb_ci,
      val_documents: v.documents,
      family: run.family,
      kind: run.kind,
      size_index: run.sizeIndex,
      lr,
      batch_size: run.batchSize,
      warmup: run.warmup,
      tokens_per_param: row.tokens / row.params_non_embedding,
      train_flops: row.flops,
      final_train_loss: row.final_train_loss,
      wall_s: row.wall_s,
      engine: row.engine,
      model: row.model,
      config_hash: configHash,
      out_dir: runDir,
    };
    // Appends are serialised: two runs finishing together must not both rewrite the file from the same old text.
    appending = appending.then(async () => {
      const existing = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
      await writeFileAtomic(resultsFile, `${existing}${JSON.stringify(record)}\n`);
    });
    await appending;
    log(
      `[families] ${run.id}: ${v.loss_nats.toFixed(4)} nats/token [` +
        `${v.loss_ci[0].toFixed(4)}, ${v.loss_ci[1].toFixed(4)}], ${v.bpb.toFixed(3)} ` +
        `bits/byte on ${v.tokens} validation tokens (${row.wall_s.toFixed(1)} s training)`,
    );
    finished++;
    // Runs handed to a pool or a queue all start at once: the stage's count and ETA move as they finish.
    onProgress({ stage: 'families', done: finished, total, unit: 'runs', detail: `${run.id} done` });
    return record;
  };

  // First every family's LR sweep (tiny runs), then every other run of every family, largest first, so that no long
  // run ends up alone at the end (longest-first scheduling over the machine's workers). A queue or a run pool takes
  // them all at once and trains them as its workers free up; runs awaited on this thread go `parallel` at a time.
  const allAtOnce = remote !== undefined || pool !== undefined;
  const inFlight = allAtOnce ? fp.runs.length : parallel;
  const names = plan.families.families;
  const verdicts = await mapPool(names, allAtOnce ? names.length : 1, async (name) => {
    const planned = fp.runs.filter((r) => r.family === name && r.kind === 'lr-sweep');
    const sweep = await mapPool(planned, inFlight, (run) => runOne(run, run.lr as number));
    // A best LR at an end of the grid may not be the optimum: said in the results, or (lrExtensions) swept past.
    for (let left = fp.options.lrExtensions; ; left--) {
      const verdict = lrSweepVerdict(
        sweep.map((r) => ({ lr: r.lr, loss: r.val_loss_nats })),
        left,
        name,
      );
      if (verdict.next === null) return { sweep: sweep.sort((a, b) => a.lr - b.lr), verdict };
      log(`[families] ${name}: the best LR, ${verdict.best}, is the ${verdict.edge} end of the sweep: adding ${verdict.next}`);
      total++;
      sweep.push(await runOne(lrSweepRun(fp, name, verdict.next), verdict.next));
    }
  });
  const sweeps = verdicts.map((v) => v.sweep);
  const best = verdicts.map((v) => v.sweep.find((r) => r.lr === v.verdict.best)!);
  for (const v of verdicts) if (v.verdict.warning) log(`[families] warning: ${v.verdict.warning}`);
  const lrOf = new Map(names.map((name, i) => [name, best[i]!.lr]));
  const others = fp.runs.filter((r) => r.kind !== 'lr-sweep').sort((a, b) => b.trainFlops - a.trainFlops);
  const rest = await mapPool(others, inFlight, (run) => runOne(run, lrOf.get(run.family) as number));
  const families: FamilyResult[] = names.map((name, i) => ({
    name,
    lr: best[i]!.lr,
    lr_sweep: sweeps[i]!.map((r) => ({ lr: r.lr, val_loss_nats: r.val_loss_nats, val_loss_ci: r.val_loss_ci })),
    lr_edge: verdicts[i]!.verdict.edge,
    lr_warning: verdicts[i]!.verdict.warning,
    runs: [best[i]!, ...rest.filter((r) => r.family === name)].sort(
      (a, b) => a.params_non_embedding - b.params_non_embedding || a.seed - b.seed,
    ),
  }));
  onProgress({ stage: 'families', done: total, total, unit: 'runs' });
  const analysis = analyzeFamilies(
    families.map((f) => ({ name: f.name, N: f.runs.map((r) => r.params_non_embedding), y: f.runs.map((r) => r.val_loss_nats) })),
    { resamples: plan.comparisonResamples, seed: plan.options.seed },
  );
  const alphaCi = (name: string): [number, number] => {
    const ci = analysis.families.find((f) => f.name === name)?.forms.fits.find((f) => f.form === 'power')?.ci.b;
    return ci ? [-ci[1], -ci[0]] : [Number.NaN, Number.NaN];
  };
  const answers = analysis.comparisons.map((c) => describeComparison(c, { a: alphaCi(c.families[0]), b: alphaCi(c.families[1]) }));
  const estimate = {
    runs: fp.runs.length,
    total_flops: fp.totalFlops,
    seconds: fp.estimatedSeconds,
    throughput_flops_per_s: fp.options.throughput,
    measured_on: measuredOn,
  };
  return {
    rule: fp.rule,
    estimate,
    families,
    analysis,
    answers,
    seed_sd_nats: analysis.seedSd,
    wall_s: (performance.now() - started) / 1000,
    machine: {
      cpus: os.cpus().length,
      parallel_runs: parallel,
      runs_on: remote ? 'queue' : pool ? 'worker threads' : 'this thread',
      loadavg_before: loadBefore,
      loadavg_after: os.loadavg(),
    },
  };
}
