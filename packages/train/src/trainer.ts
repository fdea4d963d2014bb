import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { flopsPerToken, initWeights, paramCounts, type ModelWeights } from '@scalewise/models';
import { checkOutputFolder, type ProgressCallback } from '@scalewise/data';
import { loadLatestCheckpoint, listCheckpoints, saveCheckpoint, type CheckpointState } from './checkpoint.js';
import { resolveTrainingConfig, type TrainingConfig } from './config.js';
import { loadTrainingData, RowSampler, validationBatches, type TrainingData } from './data.js';
import type { TokenBatch, TrainingEngine } from './engine.js';
import { createEngine } from './engines.js';
import { TrainError, TrainInputError } from './errors.js';
import { natsToBits } from '@scalewise/core';
import { writeFileAtomicSync as writeFileAtomic } from '@scalewise/core/node';
import { measureReferencePeakGflops, MetricsLog, mfuFlopsPerToken, readMetrics, type StepMetrics } from './metrics.js';
import { AdamW, clipFactor, globalNorm } from './optimizer.js';
import { checkTrainingMemory } from './memory.js';
import { learningRate } from './schedule.js';
import { codeVersion } from './version.js';

export interface TrainOptions {
  /** A training config (parsed JSON, validated here) or an already resolved one. */
  config: unknown;
  /** Output folder: metrics.jsonl, checkpoints/, result.json. */
  outDir: string;
  /** Continue from the newest checkpoint in outDir (starts fresh when there is none). */
  resume?: boolean;
  /** Start afresh in an outDir that holds another run (its checkpoints, metrics and result are replaced). */
  force?: boolean;
  /** Warnings (a damaged checkpoint skipped on resume); default: none shown. */
  onWarning?: (message: string) => void;
  /** Data to train on; loaded from `config.data` when absent. */
  data?: TrainingData;
  /** Relative model/config paths in the config resolve against this folder. */
  cwd?: string;
  onProgress?: ProgressCallback;
  /** Called after every optimizer step, after its metrics row (and any checkpoint) is written. */
  onStep?: (row: StepMetrics) => void;
  /** When aborted: finish the current step, write a checkpoint, return with `interrupted: true`. */
  signal?: AbortSignal;
  /**
   * Engine threads for this machine, overriding `config.threads` (not part of the config, so a resume elsewhere still
   * matches); with neither, the engine's measured fastest (native: `preferredThreads`).
   */
  threads?: number;
}

/** What a run produced (also written to `<outDir>/result.json`). */
export interface TrainResult {
  model: string;
  params_total: number;
  params_non_embedding: number;
  /** Training tokens processed. */
  tokens: number;
  /** Training FLOPs: accounted matmul FLOPs per token (models `flopsPerToken(...).train.total`) × tokens. */
  flops: number;
  /** 6 · params_total · tokens (Kaplan/Chinchilla's C ≈ 6ND). */
  flops_6nd: number;
  steps: number;
  /** Mean training loss (nats/token) over the last 5% of steps (at least one step). */
  final_train_loss: number;
  /** Validation loss, nats/token, at the last step. */
  val_loss: number;
  /** Validation bits per UTF-8 byte. */
  val_bpb: number;
  wall_s: number;
  tokens_per_s: number;
  /** Peak GFLOP/s that MFU is relative to, and where it came from (`config`, `reference matmul`, or the engine's own measurement). */
  peak_gflops: number;
  peak_source: string;
  mfu: number;
  interrupted: boolean;
  engine: string;
  seed: number;
  manifest_hash: string;
  code_version: string;
  checkpoint: string | null;
  config: TrainingConfig;
}

async function evaluate(
  engine: TrainingEngine,
  weights: ModelWeights,
  data: TrainingData,
  batches: TokenBatch[],
): Promise<{ loss: number; bpb: number; count: number }> {
  let sum = 0;
  let count = 0;
  for (const batch of batches) {
    const r = await engine.loss(weights, batch);
    sum += r.meanNats * r.count;
    count += r.count;
  }
  const loss = sum / count;
  if (!Number.isFinite(loss)) throw new TrainError(`validation loss is not finite (${loss}): training diverged`);
  return { loss, bpb: natsToBits(loss) * data.tokensPerByte, count };
}

/** Train one model: deterministic for a given config and seed, checkpointed, exactly resumable. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const config = resolveTrainingConfig(options.config, options.cwd ? { cwd: options.cwd } : {});
  const mc = config.model;
  // Bad output folders and models too large for this machine are refused before any data is read or written.
  checkOutputFolder(options.outDir, 'output folder');
  checkTrainingMemory(config);
  const ckptRoot = join(options.outDir, 'checkpoints');
  const previous = ['metrics.jsonl', 'result.json'].filter((name) => existsSync(join(options.outDir, name)));
  if (!options.resume && !options.force && (previous.length > 0 || listCheckpoints(ckptRoot).length > 0)) {
    throw new TrainInputError(
      `${options.outDir} already holds a run (${previous.length > 0 ? previous.join(', ') : 'checkpoints'}): continue it with ` +
        `--resume, replace it with --force, or choose another output folder`,
    );
  }
  const data = options.data ?? (await loadTrainingData({ ...config.data, seed: config.seed }, options.onProgress));
  if (data.seq !== config.data.seq)
    throw new TrainInputError(`training data rows have seq ${data.seq}, config field 'data.seq' is ${config.data.seq}`);
  if (data.vocabSize > mc.vocabSize)
    throw new TrainInputError(`model '${mc.name}' has vocabSize ${mc.vocabSize}, smaller than the tokenizer's ${data.vocabSize}`);
  mkdirSync(options.outDir, { recursive: true });
  if (options.force && !options.resume) {
    // Only what a run writes is removed: scalewise's own step-* checkpoints and result.json (metrics are truncated below).
    for (const dir of listCheckpoints(ckptRoot)) rmSync(dir, { recursive: true, force: true });
    rmSync(join(options.outDir, 'result.json'), { force: true });
  }
  const metrics = new MetricsLog(join(options.outDir, 'metrics.jsonl'));

  // Threads change speed, not the run: the caller's (a typed flag) win over the config's; else the engine's measured default.
  const threads = options.threads ?? config.threads;
  const engine = await createEngine(config.engine, mc, threads === undefined ? {} : { threads });
  try {
    const optimizer = new AdamW(mc, config.optimizer);
    const sampler = new RowSampler(data.train, config.data.seq, config.batchSize, config.seed);
    let weights: ModelWeights;
    let startStep = 0;
    let wallBefore = 0;
    const loaded = options.resume ? loadLatestCheckpoint(ckptRoot, optimizer, options.onWarning) : undefined;
    const latest = loaded?.dir;
    if (loaded) {
      const saved = loaded.state;
      if (JSON.stringify(saved.config) !== JSON.stringify(config)) {
        throw new TrainInputError(
          `cannot resume from ${latest}: its training config differs from this run's (start a new --out folder, or use the same config)`,
        );
      }
      if (saved.manifestHash !== data.manifestHash)
        throw new TrainInputError(
          `cannot resume from ${latest}: it was trained on different data (manifest ${saved.manifestHash.slice(0, 12)}, now ` +
            `${data.manifestHash.slice(0, 12)})`,
        );
      weights = loaded.weights;
      sampler.restore(saved.data);
      startStep = saved.step;
      wallBefore = saved.wallSeconds;
      metrics.truncateAfter(startStep);
    } else {
      weights = initWeights(mc, config.seed);
      metrics.truncateAfter(-1);
    }
    const grads: ModelWeights = new Map([...weights].map(([name, w]) => [name, new Float32Array(w.length)]));
    const valBatches = validationBatches(data.validation, config.data.seq, config.batchSize, config.eval.batches);
    // An engine may measure its own kernel's peak (native: ORT MatMul); otherwise the reference matmul's.
    const measure = (engine as { measurePeakGflops?: () => Promise<number> }).measurePeakGflops;
    const peakSource = config.peakGflops !== undefined ? 'config' : measure ? `${engine.name} engine` : 'reference matmul';
    const peak = config.peakGflops ?? (measure ? await measure.call(engine) : measureReferencePeakGflops());
    const flopsTok = flopsPerToken(mc, config.data.seq).train.total;
    const mfuFlopsTok = mfuFlopsPerToken(mc, config.data.seq);
    const tokensPerStep = config.batchSize * config.gradAccum * config.data.seq;
    let val = { loss: Number.NaN, bpb: Number.NaN, count: 0 };
    let lastCheckpoint: string | null = latest ?? null;
    const started = performance.now();
    const elapsed = (): number => wallBefore + (performance.now() - started) / 1000;
    const state = (step: number): CheckpointState => ({
      step,
      tokens: step * tokensPerStep,
      adamT: optimizer.t,
      data: sampler.state(),
      seed: config.seed,
      wallSeconds: elapsed(),
      config,
      manifestHash: data.manifestHash,
      codeVersion: codeVersion(),
      savedAt: new Date().toISOString(),
    });
    let step = startStep;
    let interrupted = false;
    while (step < config.steps) {
      const t0 = performance.now();
      const lr = learningRate(config.schedule, config.optimizer.lr, step, config.steps);
      let loss = 0;
      for (let micro = 0; micro < config.gradAccum; micro++) {
        // The first micro-batch overwrites last step's gradients (no zeroing pass); the others add to them.
        const options = { overwrite: micro === 0 };
        loss += (await engine.lossAndGrad(weights, grads, sampler.next(), 1 / config.gradAccum, options)) / config.gradAccum;
      }
      if (!Number.isFinite(loss))
        throw new TrainError(`training loss is not finite at step ${step + 1} (${loss}): lower optimizer.lr or enable clipping`);
      const norm = globalNorm(grads);
      optimizer.step(weights, grads, lr, clipFactor(norm, config.optimizer.clip));
      step++;
      const seconds = (performance.now() - t0) / 1000;
      const row: StepMetrics = {
        kind: 'train',
        step,
        tokens: step * tokensPerStep,
        loss,
        lr,
        grad_norm: norm,
        tokens_per_s: tokensPerStep / seconds,
        mfu: (tokensPerStep * mfuFlopsTok) / seconds / 1e9 / peak,
      };
      metrics.append(row);
      const last = step === config.steps;
      if (last || (config.eval.every > 0 && step % config.eval.every === 0)) {
        val = await evaluate(engine, weights, data, valBatches);
        metrics.append({
          kind: 'validation',
          step,
          tokens: step * tokensPerStep,
          val_loss: val.loss,
          val_bpb: val.bpb,
          val_tokens: val.count,
        });
      }
      let saved = false;
      if (last || (config.checkpoint.every > 0 && step % config.checkpoint.every === 0)) {
        lastCheckpoint = saveCheckpoint(ckptRoot, weights, optimizer, state(step), config.checkpoint.keep);
        saved = true;
      }
      options.onStep?.(row);
      options.onProgress?.({
        stage: 'train',
        done: step,
        total: config.steps,
        unit: 'steps',
        detail:
          `loss ${loss.toFixed(3)} nats, ${Math.round(row.tokens_per_s)} ` +
          `tok/s${Number.isFinite(val.loss) ? `, val ${val.bpb.toFixed(3)} bits/byte` : ''}`,
      });
      // The engines' promises resolve without a macrotask, so yield once per step to let signal handlers (SIGINT) run.
      await new Promise((resolve) => setImmediate(resolve));
      if (!last && options.signal?.aborted) {
        interrupted = true;
        if (!saved) lastCheckpoint = saveCheckpoint(ckptRoot, weights, optimizer, state(step), config.checkpoint.keep);
        break;
      }
    }
    if (!Number.isFinite(val.loss)) {
      // Resumed at or past the end, or interrupted before any validation: measure now.
      val = await evaluate(engine, weights, data, valBatches);
    }
    // From the log, so a resumed run averages the same steps as an uninterrupted one.
    const tail = Math.max(1, Math.ceil(config.steps * 0.05));
    const trainRows = readMetrics(metrics.path)
      .filter((r): r is StepMetrics => r.kind === 'train')
      .slice(-tail);
    const counts = paramCounts(mc);
    const wall = elapsed();
    const tokens = step * tokensPerStep;
    const trainedNow = (step - startStep) * tokensPerStep;
    const nowSeconds = (performance.now() - started) / 1000;
    const result: TrainResult = {
      model: mc.name,
      params_total: counts.total,
      params_non_embedding: counts.nonEmbedding,
      tokens,
      flops: flopsTok * tokens,
      flops_6nd: 6 * counts.total * tokens,
      steps: step,
      final_train_loss: trainRows.reduce((a, r) => a + r.loss, 0) / trainRows.length,
      val_loss: val.loss,
      val_bpb: val.bpb,
      wall_s: wall,
      tokens_per_s: trainedNow > 0 ? trainedNow / nowSeconds : 0,
      peak_gflops: peak,
      peak_source: peakSource,
      mfu: trainedNow > 0 ? (trainedNow * mfuFlopsTok) / nowSeconds / 1e9 / peak : 0,
      interrupted,
      engine: engine.name,
      seed: config.seed,
      manifest_hash: data.manifestHash,
      code_version: codeVersion(),
      checkpoint: lastCheckpoint,
      config,
    };
    if (!interrupted) writeFileAtomic(join(options.outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await engine.dispose();
  }
}
