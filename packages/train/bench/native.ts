/**
 * Native-engine benchmark: achieved training FLOP/s (whole step: forward + backward + AdamW) against a plain
 * ORT MatMul on the model's largest matmul shape (same run, same threads), tokens/s against the reference
 * engine, an ORT per-op profile of steady-state steps (the matmuls' share of the kernel time), and a loss-curve parity
 * run of both engines.
 *
 *   node --conditions=@scalewise/source --import tsx bench/native.ts
 *   env: NATIVE_BENCH_OUT (bench-results/native.json), NATIVE_BENCH_THREADS (the engine's default: preferredThreads of the
 *        machine peak), NATIVE_BENCH_STEPS (5), NATIVE_BENCH_BATCH (16), NATIVE_BENCH_SEQ (256), NATIVE_BENCH_CURVE_STEPS (300),
 *        NATIVE_BENCH_PROFILE_STEPS (5), NATIVE_BENCH_RUN_STEPS (12: steps back to back after the pairs)
 */
import { join } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import { LLAMA_DEFAULTS, weightSpecs, type ModelConfig, type ModelWeights } from '@scalewise/models';
import type { TokenBatch, TrainingEngine } from '../src/engine.js';
import { AdamW } from '../src/optimizer.js';
import { createReferenceEngine } from '../src/reference/engine.js';
import { NativeEngine } from '../src/native/index.js';
import { measureMatMulPeak, preferredThreads } from '../src/native/peak.js';
import { MATMUL_OPS, benchWeights, matmulParams, median, plainMatMulGflops, takeProfileByOp, trainFlopsPerToken } from './native-util.js';
import { writeJsonAtomicSync as writeJsonAtomic } from '@scalewise/core/node';

const env = (key: string, fallback: number) => Number(process.env[key] ?? fallback);
// Unset: the thread count a user gets by default (resolved in runNativeBench from the machine's MatMul peak).
let THREADS = env('NATIVE_BENCH_THREADS', 0);
const STEPS = env('NATIVE_BENCH_STEPS', 5);
const BATCH = env('NATIVE_BENCH_BATCH', 16);
const SEQ = env('NATIVE_BENCH_SEQ', 256);
const CURVE_STEPS = env('NATIVE_BENCH_CURVE_STEPS', 300);
const PROFILE_STEPS = env('NATIVE_BENCH_PROFILE_STEPS', 5);
const RUN_STEPS = env('NATIVE_BENCH_RUN_STEPS', 12);

export const BENCH_MODEL: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'bench-5.8m',
  vocabSize: 4096,
  dim: 256,
  layers: 6,
  heads: 4,
  kvHeads: 2,
  headDim: 64,
  ffnHidden: 768,
  maxPositions: 1024,
};

/** Token rows from a noisy affine recurrence, so that a model can learn something. */
export function syntheticBatch(config: ModelConfig, batch: number, seq: number, seed: number): TokenBatch {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const V = config.vocabSize;
  const row = new Int32Array(batch * (seq + 1));
  for (let b = 0; b < batch; b++) {
    let t = Math.floor(rand() * V);
    for (let i = 0; i <= seq; i++) {
      row[b * (seq + 1) + i] = t;
      t = rand() < 0.8 ? (3 * t + 1) % V : Math.floor(rand() * V);
    }
  }
  const inputs = new Int32Array(batch * seq),
    targets = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < seq; i++) {
      inputs[b * seq + i] = row[b * (seq + 1) + i] as number;
      targets[b * seq + i] = row[b * (seq + 1) + i + 1] as number;
    }
  return { batch, seq, inputs, targets };
}

export const ADAMW = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decayEmbeddings: false, decayNorms: false };

/** A training step (loss + grads, AdamW update) as a closure returning its seconds and loss. */
export function stepper(
  engine: TrainingEngine,
  config: ModelConfig,
  weights: ModelWeights,
  batch: TokenBatch,
): () => Promise<{ seconds: number; loss: number }> {
  const grads: ModelWeights = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
  const opt = new AdamW(config, ADAMW);
  return async () => {
    const t0 = performance.now();
    // As the trainer: the step's only micro-batch overwrites last step's gradients (no zeroing pass).
    const loss = await engine.lossAndGrad(weights, grads, batch, 1, { overwrite: true });
    opt.step(weights, grads, 1e-3);
    return { seconds: (performance.now() - t0) / 1000, loss };
  };
}

async function lossCurves(steps: number): Promise<{ steps: number; maxRelDiff: number; first: number[]; last: number[] }> {
  const config: ModelConfig = {
    ...LLAMA_DEFAULTS,
    name: 'curve-tiny',
    vocabSize: 64,
    dim: 32,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    headDim: 8,
    ffnHidden: 64,
    maxPositions: 64,
  };
  const curves: number[][] = [];
  for (const engine of [new NativeEngine(config, { threads: THREADS }), await createReferenceEngine(config, {})]) {
    const weights = benchWeights(config, 3);
    const grads: ModelWeights = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
    const opt = new AdamW(config, ADAMW);
    const curve: number[] = [];
    for (let step = 0; step < steps; step++) {
      for (const g of grads.values()) g.fill(0);
      curve.push(await engine.lossAndGrad(weights, grads, syntheticBatch(config, 4, 32, 1000 + step), 1));
      opt.step(weights, grads, 3e-3);
    }
    curves.push(curve);
    await engine.dispose();
  }
  const [a, b] = curves as [number[], number[]];
  const maxRelDiff = Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number)) / (b[i] as number)));
  return { steps, maxRelDiff, first: [a[0] as number, b[0] as number], last: [a[steps - 1] as number, b[steps - 1] as number] };
}

export async function runNativeBench(outFile: string = join(import.meta.dirname, '..', 'bench-results', 'native.json')): Promise<void> {
  const config = BENCH_MODEL;
  // The machine's best fp32 MatMul (any size, any thread count) and the default thread count it implies.
  const machinePeak = await measureMatMulPeak();
  if (!THREADS) THREADS = preferredThreads(machinePeak);
  const tokens = BATCH * SEQ;
  const params = weightSpecs(config).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const flopsPerToken = trainFlopsPerToken(config, SEQ);
  const shapes: [string, number, number, number][] = [
    ['q_proj', tokens, config.dim, config.heads * config.headDim],
    ['gate/up_proj', tokens, config.dim, config.ffnHidden],
    ['down_proj', tokens, config.ffnHidden, config.dim],
    ['lm_head', tokens, config.dim, config.vocabSize],
  ];
  const largest = shapes.reduce((best, s) => (s[1] * s[2] * s[3] > best[1] * best[2] * best[3] ? s : best));
  console.log(
    `model ${config.name}: ${(params / 1e6).toFixed(2)}M params (tied), ${(matmulParams(config) / 1e6).toFixed(2)}M matmul params; ` +
      `${BATCH}×${SEQ} = ${tokens} tokens/step; ${THREADS} threads`,
  );

  // Paired measurements: each native step is followed by the MatMul baselines and a reference step, so that
  // each ratio compares runs made under the same (shared, fluctuating) machine load; medians over the pairs.
  const native = new NativeEngine(config, { threads: THREADS });
  const reference = await createReferenceEngine(config, {});
  const batch = syntheticBatch(config, BATCH, SEQ, 7);
  const nativeStep = stepper(native, config, benchWeights(config), batch);
  // One row at the same sequence length (same attention work per token): the reference engine is linear in rows.
  const refSeq = SEQ;
  const referenceStep = stepper(reference, config, benchWeights(config), syntheticBatch(config, 1, refSeq, 7));
  const [m, k, n] = [largest[1], largest[2], largest[3]];
  await nativeStep(); // untimed warm-up (builds the session)
  await referenceStep();
  const pairs: {
    nativeS: number;
    loss: number;
    matmulFed: number;
    matmulPrepacked: number;
    referenceS: number;
    ratioToMatMul: number;
    ratioToReference: number;
  }[] = [];
  for (let i = 0; i < STEPS; i++) {
    const { seconds: nativeS, loss } = await nativeStep();
    const matmulFed = await plainMatMulGflops(m, k, n, THREADS, false, 5);
    const matmulPrepacked = await plainMatMulGflops(m, k, n, THREADS, true, 5);
    const { seconds: referenceS } = await referenceStep();
    const achievedI = (flopsPerToken * tokens) / nativeS / 1e9;
    pairs.push({
      nativeS,
      loss,
      matmulFed,
      matmulPrepacked,
      referenceS,
      ratioToMatMul: achievedI / Math.max(matmulFed, matmulPrepacked),
      ratioToReference: tokens / nativeS / (refSeq / referenceS),
    });
    console.log(
      `  pair ${i + 1}: native ${nativeS.toFixed(2)} s (${achievedI.toFixed(1)} GFLOP/s), MatMul ${matmulFed.toFixed(1)} fed / ` +
        `${matmulPrepacked.toFixed(1)} pre-packed GFLOP/s, reference ${referenceS.toFixed(2)} s for ${refSeq} tokens`,
    );
  }
  // The peak once more between the two step phases: on a shared host one pass can catch a slow moment (12:32 on
  // 2026-12-04 the before/after passes read 164/169 GFLOP/s, a run three minutes later 216), flattering every ratio.
  const peakMiddle = await measureMatMulPeak();
  // What a training loop sustains: steps back to back (each pair puts MatMul baselines and a reference step between them).
  const runSeconds: number[] = [];
  for (let i = 0; i < RUN_STEPS; i++) runSeconds.push((await nativeStep()).seconds);
  await native.dispose();
  await reference.dispose();
  const stepS = median(pairs.map((p) => p.nativeS));
  const nativeTps = tokens / stepS;
  const achieved = (flopsPerToken * nativeTps) / 1e9;
  const ratioToMatMul = median(pairs.map((p) => p.ratioToMatMul));
  const ratioToReference = median(pairs.map((p) => p.ratioToReference));
  const refTps = refSeq / median(pairs.map((p) => p.referenceS));
  console.log(
    `plain MatMul ${largest[0]} [${m}×${k}]·[${k}×${n}]: median ${median(pairs.map((p) => p.matmulFed)).toFixed(1)} GFLOP/s fed, ` +
      `${median(pairs.map((p) => p.matmulPrepacked)).toFixed(1)} pre-packed`,
  );
  const peakAfter = await measureMatMulPeak();
  const bestPeak = Math.max(
    machinePeak.gflops,
    peakMiddle.gflops,
    peakAfter.gflops,
    ...pairs.flatMap((p) => [p.matmulFed, p.matmulPrepacked]),
  );
  const ratioToMachinePeak = achieved / bestPeak;
  console.log(
    `native: ${stepS.toFixed(3)} s/step (median of ${STEPS}), ${nativeTps.toFixed(0)} tokens/s, ${achieved.toFixed(1)} GFLOP/s; ` +
      `paired ratio to the better MatMul ${(100 * ratioToMatMul).toFixed(1)}%; ${(100 * ratioToMachinePeak).toFixed(1)}% of the ` +
      `run's best MatMul ${bestPeak.toFixed(1)} GFLOP/s (peak ${machinePeak.gflops.toFixed(1)} before, ` +
      `${peakMiddle.gflops.toFixed(1)} between the pairs and the steps back to back, ${peakAfter.gflops.toFixed(1)} after)`,
  );
  console.log(`reference: ${refTps.toFixed(1)} tokens/s (1×${refSeq}); paired native/reference ${ratioToReference.toFixed(1)}×`);
  const runStepS = median(runSeconds);
  const runGflops = (flopsPerToken * tokens) / runStepS / 1e9;
  const consecutive = {
    steps: RUN_STEPS,
    medianSecondsPerStep: runStepS,
    fastestSecondsPerStep: Math.min(...runSeconds),
    achievedGflops: runGflops,
    ratioToMachinePeak: runGflops / bestPeak,
    note: 'steps back to back on the same engine, after the pairs; ratio to the same best MatMul as ratioToMachinePeak',
  };
  console.log(
    `native, ${RUN_STEPS} steps back to back: ${runStepS.toFixed(3)} s/step median ` +
      `(fastest ${consecutive.fastestSecondsPerStep.toFixed(3)}), ${consecutive.achievedGflops.toFixed(1)} GFLOP/s, ` +
      `${(100 * consecutive.ratioToMachinePeak).toFixed(1)}% of the run's best MatMul`,
  );

  // Steady-state ORT profile: a warm-up step, then PROFILE_STEPS profiled steps whose kernel times are kept.
  const prefix = join(tmpdir(), `scalewise-native-profile-${process.pid}`);
  const profiled = new NativeEngine(config, { threads: THREADS, profilePrefix: prefix });
  const profiledStep = stepper(profiled, config, benchWeights(config), batch);
  await profiledStep();
  for (let i = 0; i < PROFILE_STEPS; i++) await profiledStep();
  await profiled.endProfiling();
  await profiled.dispose();
  // Each node's fastest profiled run: one undisturbed step as this shared machine allows.
  const ops = takeProfileByOp(prefix, { skipRuns: 1, per: 'fastest' });
  const profile = ops.slice(0, 12);
  console.log(
    `ORT profile (each node's fastest of ${PROFILE_STEPS} steps after a warm-up): ` +
      profile.map((p) => `${p.op} ${(100 * p.share).toFixed(1)}%`).join(', '),
  );
  // How much of an undisturbed step's ORT kernel time the matrix products take (T1 of issue #18 needs the rest small).
  const kernelS = ops.reduce((a, p) => a + p.ms, 0) / 1000;
  const matmulS = ops.filter((p) => MATMUL_OPS.has(p.op)).reduce((a, p) => a + p.ms, 0) / 1000;
  const profileSummary = {
    steps: PROFILE_STEPS,
    kernelSecondsPerStep: kernelS,
    matmulSecondsPerStep: matmulS,
    matmulShare: kernelS > 0 ? matmulS / kernelS : null,
    matmulGflops: matmulS > 0 ? (flopsPerToken * tokens) / matmulS / 1e9 : null,
    note:
      'ORT kernel seconds per step, each node at its fastest of the profiled steps after a warm-up step (an estimate of ' +
      'one undisturbed step on a shared machine; ORT dispatch, AdamW and the JS around the run are not in it); matmul = ' +
      'MatMul, FusedMatMul and Gemm nodes; matmulGflops = step FLOPs ÷ matmul seconds',
  };
  console.log(
    `ORT kernels of an undisturbed step: ${(1000 * kernelS).toFixed(0)} ms, of which matmuls ${(1000 * matmulS).toFixed(0)} ms ` +
      `(${profileSummary.matmulShare === null ? 'n/a' : `${(100 * profileSummary.matmulShare).toFixed(1)}%`}, ` +
      `${profileSummary.matmulGflops?.toFixed(1) ?? 'n/a'} GFLOP/s)`,
  );

  const curve = await lossCurves(CURVE_STEPS);
  console.log(
    `loss curves over ${curve.steps} AdamW steps: max relative difference native vs reference ${curve.maxRelDiff.toExponential(2)}; ` +
      `last ${curve.last.map((v) => v.toFixed(4)).join(' vs ')} nats`,
  );

  writeJsonAtomic(outFile, {
    note:
      'Timings on a 2-vCPU machine shared with other processes (noisy); ratios are medians of per-pair ratios (native step, then ' +
      'MatMul, then reference step). FLOPs per token = 6·N_matmul + 12·L·H·Q·T (PaLM); ' +
      "the step is lossAndGrad (overwriting last step's gradients, as the trainer) and the AdamW update.",
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model,
    threads: THREADS,
    model: { ...config, params, matmulParams: matmulParams(config) },
    batch: BATCH,
    seq: SEQ,
    tokensPerStep: tokens,
    flopsPerToken,
    native: { medianSecondsPerStep: stepS, tokensPerSecond: nativeTps, achievedGflops: achieved },
    plainMatMul: {
      op: largest[0],
      shape: [m, k, n],
      note: 'fed = b as an input (as weights are fed in training); prepacked = b as an initializer; the ratio uses the better of the two',
    },
    reference: { batch: 1, seq: refSeq, tokensPerSecond: refTps },
    machinePeak: {
      before: machinePeak,
      middle: peakMiddle,
      after: peakAfter,
      best: bestPeak,
      note: 'best fp32 MatMul of the run over sizes 512³/1024³, the model shape, 1 and all threads, fed and pre-packed',
    },
    ratioToMatMul,
    ratioToMachinePeak,
    ratioToReference,
    consecutive,
    pairs,
    profileTopOps: profile,
    profile: profileSummary,
    lossCurves: curve,
  });
  console.log(`wrote ${outFile}`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await runNativeBench(process.env.NATIVE_BENCH_OUT);
