/**
 * Training throughput of the reference engine for 3 model sizes (byte vocabulary, seq 64, batch 8):
 * tokens/s and achieved GFLOP/s (accounted training FLOPs per token from @scalewise/models × tokens/s),
 * one untimed warm-up step then `REPS` timed steps (forward + backward + AdamW), mean ± sample sd.
 * Writes bench-results/train.json.   node --conditions=@scalewise/source --import tsx bench/run.ts
 */
import { mkdirSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flopsPerToken, initWeights, LLAMA_DEFAULTS, paramCounts, type ModelConfig } from '@scalewise/models';
import { Rng } from '@scalewise/core';
import { createEngine, type TokenBatch } from '../src/index.js';
import { AdamW, measureReferencePeakGflops } from '../src/internals.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const B = 8;
const T = 64;
const engineName = process.env.BENCH_ENGINE ?? 'reference';

const sizes: ModelConfig[] = [
  {
    ...LLAMA_DEFAULTS,
    name: 'byte-d64-l4',
    vocabSize: 259,
    dim: 64,
    layers: 4,
    heads: 4,
    kvHeads: 2,
    headDim: 16,
    ffnHidden: 176,
    maxPositions: 256,
  },
  {
    ...LLAMA_DEFAULTS,
    name: 'byte-d96-l4',
    vocabSize: 259,
    dim: 96,
    layers: 4,
    heads: 3,
    kvHeads: 1,
    headDim: 32,
    ffnHidden: 256,
    maxPositions: 256,
  },
  {
    ...LLAMA_DEFAULTS,
    name: 'byte-d128-l5',
    vocabSize: 259,
    dim: 128,
    layers: 5,
    heads: 4,
    kvHeads: 2,
    headDim: 32,
    ffnHidden: 352,
    maxPositions: 256,
  },
];

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

const peak = measureReferencePeakGflops();
const rows = [];
for (const config of sizes) {
  const engine = await createEngine(engineName, config, {});
  const weights = initWeights(config, 0);
  const grads = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
  const opt = new AdamW(config, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decayEmbeddings: false, decayNorms: false });
  const rng = new Rng(1);
  const batch: TokenBatch = {
    batch: B,
    seq: T,
    inputs: Int32Array.from({ length: B * T }, () => rng.int(256)),
    targets: Int32Array.from({ length: B * T }, () => rng.int(256)),
  };
  const step = async (): Promise<void> => {
    for (const g of grads.values()) g.fill(0);
    await engine.lossAndGrad(weights, grads, batch, 1);
    opt.step(weights, grads, 1e-3);
  };
  await step();
  const tps: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await step();
    tps.push((B * T) / ((performance.now() - t0) / 1000));
  }
  await engine.dispose();
  const flops = flopsPerToken(config, T).train.total;
  const gflops = tps.map((t) => (t * flops) / 1e9);
  const counts = paramCounts(config);
  const row = {
    model: config.name,
    params_total: counts.total,
    params_non_embedding: counts.nonEmbedding,
    batch: B,
    seq: T,
    train_flops_per_token: flops,
    tokens_per_s_mean: mean(tps),
    tokens_per_s_sd: sd(tps),
    gflops_mean: mean(gflops),
    gflops_sd: sd(gflops),
    reps: REPS,
  };
  rows.push(row);
  console.log(
    `${row.model.padEnd(14)} ${String(counts.total).padStart(8)} params  ${row.tokens_per_s_mean.toFixed(0)} ± ` +
      `${row.tokens_per_s_sd.toFixed(0)} tokens/s  ${row.gflops_mean.toFixed(2)} GFLOP/s`,
  );
}
const out = {
  benchmark: 'train-step throughput',
  engine: engineName,
  threads: 1,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  node: process.version,
  reference_matmul_peak_gflops: peak,
  date: new Date().toISOString(),
  note: 'single-threaded; the machine is shared with other jobs, so timings are noisy',
  rows,
};
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results', 'train.json');
mkdirSync(dirname(file), { recursive: true });
writeJsonAtomicSync(file, out);
console.log(`reference matmul peak ${peak.toFixed(2)} GFLOP/s; wrote ${file}`);

// Native engine (bench/native.ts): FLOP/s against a plain ORT MatMul and tokens/s against the reference engine;
// writes bench-results/native.json. BENCH_NATIVE=0 skips it.
if (process.env.BENCH_NATIVE !== '0') await (await import('./native.js')).runNativeBench();
