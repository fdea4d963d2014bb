/**
 * Native-engine training speed at the default study's smallest and largest models (planFamilyStudy of
 * DEFAULT_FAMILY_STUDY, byte vocab, seq 128, each at its planned batch), 1 thread vs all cores: tokens/s,
 * GFLOP/s (PaLM 6N + 12·L·H·Q·T per token, as MFU counts) and the fraction of the machine's MatMul peak measured
 * in the same run (best over sizes × threads, before and after the steps); plus where a step's time goes
 * (ORT run, the engine's JS around it, gradient norm, AdamW), the smallest model at a larger batch, ORT's per-op
 * profile, and two runs side by side (as the study trains them) in one thread vs on a run pool's worker threads.
 *
 *   node --conditions=@scalewise/source --import tsx bench/study-sizes.ts
 *   env: STUDY_BENCH_OUT (bench-results/study-sizes.json), STUDY_BENCH_STEPS (8), STUDY_BENCH_THREADS ("1,<cores>"),
 *        STUDY_BENCH_LARGE_BATCH (64), STUDY_BENCH_SIDE_ROUNDS (3)
 */
import { join } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as ort from 'onnxruntime-node';
import { initWeights, paramCounts, type ModelConfig, type ModelWeights } from '@scalewise/models';
import { mfuFlopsPerToken } from '../src/metrics.js';
import { measureStepThroughput } from '../src/measure-throughput.js';
import { createRunPool } from '../src/run-pool.js';
import { DEFAULT_FAMILY_STUDY, planFamilyStudy } from '../src/study-plan.js';
import { AdamW, globalNorm } from '../src/optimizer.js';
import { NativeEngine } from '../src/native/index.js';
import { measureMatMulPeak, peakThreadCounts, preferredThreads } from '../src/native/peak.js';
import type { TokenBatch } from '../src/engine.js';
import { median, takeProfileByOp } from './native-util.js';
import { writeJsonAtomicSync as writeJsonAtomic } from '@scalewise/core/node';

const STEPS = Number(process.env.STUDY_BENCH_STEPS ?? 8);
const THREADS = (process.env.STUDY_BENCH_THREADS ?? peakThreadCounts().join(',')).split(',').map(Number);
/** A larger batch for the smallest model: how much more of the machine more tokens per step would use. */
const LARGE_BATCH = Number(process.env.STUDY_BENCH_LARGE_BATCH ?? 64);
const SIDE_ROUNDS = Number(process.env.STUDY_BENCH_SIDE_ROUNDS ?? 3);
const studyPlan = planFamilyStudy(DEFAULT_FAMILY_STUDY);
const SEQ = DEFAULT_FAMILY_STUDY.seq;
const bySize = [...studyPlan.runs].sort((a, b) => a.nonEmbeddingParams - b.nonEmbeddingParams);
/** The default study's smallest and largest runs: model and planned batch. */
const STUDY_RUNS = [bySize[0]!, bySize.at(-1)!].map((r) => ({ config: r.config, batch: r.batchSize }));
const ADAMW = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decayEmbeddings: false, decayNorms: false };

function byteBatch(seed: number, batch: number): TokenBatch {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const n = batch * SEQ;
  return {
    batch,
    seq: SEQ,
    inputs: Int32Array.from({ length: n }, () => Math.floor(rand() * 256)),
    targets: Int32Array.from({ length: n }, () => Math.floor(rand() * 256)),
  };
}

// Time spent inside ORT's session.run, summed across calls (the engine calls it once per lossAndGrad).
let runSeconds = 0;
const proto = (ort.InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } }).prototype;
const originalRun = proto.run;
proto.run = async function timedRun(this: unknown, ...args: unknown[]) {
  const t0 = performance.now();
  try {
    return await originalRun.apply(this, args);
  } finally {
    runSeconds += (performance.now() - t0) / 1000;
  }
};

interface Phases {
  step: number;
  cpu: number;
  ortRun: number;
  engineJs: number;
  gradNorm: number;
  adamw: number;
}

/** One trainer-shaped step (loss + grads stored over last step's, global norm, AdamW), timed by phase. */
async function timedStep(engine: NativeEngine, weights: ModelWeights, grads: ModelWeights, opt: AdamW, batch: TokenBatch): Promise<Phases> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  runSeconds = 0;
  await engine.lossAndGrad(weights, grads, batch, 1, { overwrite: true });
  const t2 = performance.now();
  const ortRun = runSeconds;
  globalNorm(grads);
  const t3 = performance.now();
  opt.step(weights, grads, 1e-3);
  const t4 = performance.now();
  const cpu = process.cpuUsage(c0);
  return {
    step: (t4 - t0) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    ortRun,
    engineJs: (t2 - t0) / 1000 - ortRun,
    gradNorm: (t3 - t2) / 1000,
    adamw: (t4 - t3) / 1000,
  };
}

async function measure(config: ModelConfig, threads: number, profilePrefix: string | undefined, batch: number) {
  const engine = new NativeEngine(config, { threads, ...(profilePrefix ? { profilePrefix } : {}) });
  const weights = initWeights(config, 1);
  const grads: ModelWeights = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
  const opt = new AdamW(config, ADAMW);
  const batches = [byteBatch(1, batch), byteBatch(2, batch)];
  for (let i = 0; i < 2; i++) await timedStep(engine, weights, grads, opt, batches[i % 2] as TokenBatch); // warm-up: builds the session
  const phases: Phases[] = [];
  for (let i = 0; i < STEPS; i++) phases.push(await timedStep(engine, weights, grads, opt, batches[i % 2] as TokenBatch));
  if (profilePrefix) await engine.endProfiling();
  await engine.dispose();
  const med = Object.fromEntries(
    (Object.keys(phases[0] as Phases) as (keyof Phases)[]).map((k) => [k, median(phases.map((p) => p[k]))]),
  ) as unknown as Phases;
  return { phases: med, best: Math.min(...phases.map((p) => p.step)) };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const out = process.env.STUDY_BENCH_OUT ?? join(import.meta.dirname, '..', 'bench-results', 'study-sizes.json');
console.log(`load ${load()}; measuring the MatMul peak…`);
const peakBefore = await measureMatMulPeak();
// Before this bench's change the engine left the thread count to ORT (all cores); now it uses preferredThreads.
const defaults = { before: cpus().length, after: preferredThreads(peakBefore) };
console.log(
  `peak ${peakBefore.gflops.toFixed(1)} GFLOP/s; default threads: ORT's ${defaults.before} before, preferred ${defaults.after} now`,
);
const rows = [];
const cases: [ModelConfig, number, number][] = STUDY_RUNS.flatMap(({ config, batch }) =>
  THREADS.map((threads): [ModelConfig, number, number] => [config, threads, batch]),
);
cases.push([STUDY_RUNS[0]!.config, 1, LARGE_BATCH]);
for (const [config, threads, batch] of cases) {
  const counts = paramCounts(config);
  const flopsTok = mfuFlopsPerToken(config, SEQ);
  const { phases, best } = await measure(config, threads, undefined, batch);
  const tps = (batch * SEQ) / phases.step;
  const gflops = (tps * flopsTok) / 1e9;
  const row = {
    model: config.name,
    dim: config.dim,
    layers: config.layers,
    heads: config.heads,
    params_total: counts.total,
    params_non_embedding: counts.nonEmbedding,
    threads,
    batch,
    seq: SEQ,
    flops_per_token: flopsTok,
    median_step_s: phases.step,
    best_step_s: best,
    tokens_per_s: tps,
    gflops,
    phases_s: phases,
    load: load(),
    // Work per CPU-second (all threads): robust to other jobs' load; equals wall-time throughput on an idle machine at 1 thread.
    tokens_per_cpu_s: (batch * SEQ) / phases.cpu,
    gflops_per_cpu_s: (((batch * SEQ) / phases.cpu) * flopsTok) / 1e9,
  };
  rows.push(row);
  const p = phases;
  console.log(
    `${config.name} (${counts.nonEmbedding} non-emb, d${config.dim} L${config.layers}) ${threads} thr, batch ${batch}: ` +
      `${(1000 * p.step).toFixed(1)} ms/step (${(1000 * p.cpu).toFixed(1)} ms CPU), ${tps.toFixed(0)} tok/s, ${gflops.toFixed(2)} ` +
      `GFLOP/s (${row.gflops_per_cpu_s.toFixed(2)} per CPU-s) | ORT run ${(1000 * p.ortRun).toFixed(1)} ms, engine JS ` +
      `${(1000 * p.engineJs).toFixed(2)}, norm ${(1000 * p.gradNorm).toFixed(2)}, AdamW ` +
      `${(1000 * p.adamw).toFixed(2)} ms; load ${load()}`,
  );
}
const peakAfter = await measureMatMulPeak();
const peak = Math.max(peakBefore.gflops, peakAfter.gflops);
for (const r of rows) Object.assign(r, { fraction_of_peak: r.gflops / peak, fraction_of_peak_cpu_time: r.gflops_per_cpu_s / peak });
console.log(
  `MatMul peak ${peakBefore.gflops.toFixed(1)} before / ${peakAfter.gflops.toFixed(1)} after GFLOP/s (best: ` +
    `${JSON.stringify(peakBefore.best)}); fractions (wall; per CPU-s): ${rows
      .map(
        (r) =>
          `${r.model}@${r.threads}thr/b${r.batch} ` +
          `${((100 * r.gflops) / peak).toFixed(1)}%; ${((100 * r.gflops_per_cpu_s) / peak).toFixed(1)}%`,
      )
      .join(', ')}`,
);

// ORT per-op profile of each size at 1 thread: which ops the run time goes to, and how many nodes run per step.
const profiles: Record<string, unknown> = {};
for (const { config: runConfig, batch } of STUDY_RUNS) {
  const rung = { config: runConfig };
  const prefix = join(tmpdir(), `scalewise-study-profile-${process.pid}-${rung.config.name}`);
  await measure(rung.config, 1, prefix, batch);
  const ops = takeProfileByOp(prefix);
  profiles[rung.config.name] = ops.slice(0, 10);
  console.log(
    `${rung.config.name} ORT ops: ${ops
      .slice(0, 8)
      .map((o) => `${o.op} ${(100 * o.share).toFixed(1)}%`)
      .join(', ')}`,
  );
}

// Two runs side by side at 1 thread each, as the study trains them: alone, two in this thread (onnxruntime runs a
// session synchronously, so they take turns), and two on a run pool's worker threads. Total tokens/s of each mode,
// rounds alternating the modes; measureStepThroughput times forward + backward (no optimizer) after one untimed step.
const sideBySide = [];
for (const { config, batch } of STUDY_RUNS) {
  const options = { batchSize: batch, seq: SEQ, engine: 'native', threads: 1, steps: STEPS };
  const tokens = batch * SEQ;
  const pool = await createRunPool({ size: 2, threads: 1 });
  const modes: Record<string, number[]> = { alone: [], 'two in one thread': [], 'two on worker threads (run pool)': [] };
  try {
    await Promise.all([0, 1].map(() => pool.measureStepThroughput(config, { ...options, steps: 1 }))); // workers started
    for (let round = 0; round < SIDE_ROUNDS; round++) {
      modes['alone']!.push(tokens / (await measureStepThroughput(config, options)).secondsPerStep);
      modes['two in one thread']!.push((2 * tokens) / (await measureStepThroughput(config, { ...options, concurrent: 2 })).secondsPerStep);
      const pair = await Promise.all([0, 1].map(() => pool.measureStepThroughput(config, options)));
      modes['two on worker threads (run pool)']!.push(pair.reduce((sum, m) => sum + tokens / m.secondsPerStep, 0));
    }
  } finally {
    await pool.close();
  }
  const med = Object.fromEntries(Object.entries(modes).map(([k, v]) => [k, median(v)]));
  const row = {
    model: config.name,
    batch,
    tokens_per_s: med,
    over_alone: Object.fromEntries(Object.entries(med).map(([k, v]) => [k, v / med['alone']!])),
    load: load(),
  };
  sideBySide.push(row);
  console.log(
    `${config.name} b${batch}, 1 thread per run: ` +
      Object.entries(med)
        .map(([k, v]) => `${k} ${v.toFixed(0)} tok/s (${row.over_alone[k]!.toFixed(2)}×)`)
        .join(', ') +
      `; load ${load()}`,
  );
}

writeJsonAtomic(out, {
  note:
    "Shared 2-vCPU machine (noisy; load = 1/5/15-min load average). Step = native lossAndGrad (overwriting last step's gradients) + global norm + " +
    'AdamW (as the trainer). GFLOP/s = PaLM 6N + 12·L·H·Q·T per token × tokens/s; fraction_of_peak uses the better of the MatMul peaks ' +
    'measured before and after the steps (best run of each configuration, wall time); *_per_cpu_s divide by the process CPU time of ' +
    'the step instead of wall time (robust to load; at 1 thread what an idle machine would show).',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  steps: STEPS,
  default_threads: defaults,
  peak: { gflops: peak, before: peakBefore, after: peakAfter },
  rows,
  profiles,
  side_by_side: sideBySide,
});
console.log(`wrote ${out}`);
