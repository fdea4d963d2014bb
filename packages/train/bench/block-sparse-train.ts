/**
 * Native-engine training graph, block-sparse attention (blocks of 64, 4 local, 16 global) at long T: the chunked
 * form (only kept blocks, what buildTrainingGraph emits) against the dense T×T mask, forward + backward (the work of
 * NativeEngine.lossAndGrad; AdamW is the same for both), alternating A/B/A/B in one process, 1 ORT thread, batch 1.
 * Also checks that both give the same loss and gradients, and that the chunked side is byte for byte the graph the
 * engine builds by default (`chunked_graph_is_the_engines`).
 *
 *   node --conditions=@scalewise/source --import tsx bench/block-sparse-train.ts
 *   env: BSP_TRAIN_SEQ (comma-separated lengths, default 1024,2048), BSP_TRAIN_REPS (3)
 * Writes bench-results/block-sparse-train.json.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { LLAMA_DEFAULTS, weightSpecs, type ModelConfig } from '@scalewise/models';
import { encodeModel } from '@scalewise/models/internals';
import { writeJsonAtomicSync as writeJsonAtomic } from '@scalewise/core/node';
import { buildTrainingGraph } from '../src/native/training-graph.js';
import { benchWeights } from './native-util.js';

const LENGTHS = (process.env.BSP_TRAIN_SEQ ?? '1024,2048').split(',').map(Number);
const REPS = Number(process.env.BSP_TRAIN_REPS ?? 3);
const base: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'bench-bsp',
  vocabSize: 259,
  dim: 256,
  layers: 4,
  heads: 4,
  kvHeads: 2,
  headDim: 64,
  ffnHidden: 688,
  maxPositions: Math.max(...LENGTHS),
  attention: { kind: 'block-sparse', blockSize: 64, localBlocks: 4, globalTokens: 16 },
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function maxRelDiff(a: ort.InferenceSession.ReturnType, b: ort.InferenceSession.ReturnType): number {
  let worst = 0;
  for (const name of Object.keys(b)) {
    const x = a[name]!.data as Float32Array;
    const y = b[name]!.data as Float32Array;
    let d = 0,
      m = 0;
    for (let i = 0; i < x.length; i++) {
      d = Math.max(d, Math.abs(x[i]! - y[i]!));
      m = Math.max(m, Math.abs(y[i]!));
    }
    if (m > 0) worst = Math.max(worst, d / m);
  }
  return worst;
}

const weights = benchWeights(base, 3);

async function measure(T: number) {
  const tokens = (mul: number, add: number) =>
    new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: T }, (_, i) => BigInt((i * mul + add) % base.vocabSize)),
      [1, T],
    );
  const feeds: Record<string, ort.Tensor> = {
    input_ids: tokens(7919, 13),
    targets: tokens(31, 7),
    target_weights: new ort.Tensor('float32', new Float32Array(T).fill(1 / T), [1, T]),
  };
  for (const s of weightSpecs(base)) feeds[s.name] = new ort.Tensor('float32', weights.get(s.name)!, s.shape);
  // What NativeEngine trains: buildTrainingGraph with its default options (chunked once T ≥ 2·(G + L·b)).
  const enginesBytes = encodeModel(buildTrainingGraph(base, { batch: 1, seq: T }).graph);
  let chunkedIsEngines = false;
  const sides = [];
  for (const chunked of [true, false]) {
    const bytes = encodeModel(buildTrainingGraph(base, { batch: 1, seq: T, chunkedAttention: chunked }).graph);
    if (chunked) chunkedIsEngines = Buffer.from(bytes).equals(Buffer.from(enginesBytes));
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      logSeverityLevel: 3,
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    sides.push({
      name: chunked ? 'chunked' : 'dense mask',
      session,
      seconds: [] as number[],
      cpu: [] as number[],
    });
  }
  const outputs = [await sides[0]!.session.run(feeds), await sides[1]!.session.run(feeds)]; // untimed warm-up, kept for parity
  for (let r = 0; r < REPS; r++) {
    for (const side of sides) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await side.session.run(feeds);
      side.seconds.push((performance.now() - t0) / 1000);
      const used = process.cpuUsage(c0);
      side.cpu.push((used.user + used.system) / 1e6);
    }
  }
  for (const side of sides) await side.session.release();
  const rows = sides.map((s) => ({
    graph: `block-sparse 64×4+16, T ${T}, training graph (forward + backward), ${s.name}`,
    step_s: { mean: mean(s.seconds), runs: s.seconds },
    step_cpu_s: { mean: mean(s.cpu), runs: s.cpu },
    tokens_per_s: T / mean(s.seconds),
  }));
  for (const row of rows)
    console.log(`${row.graph.padEnd(80)} ${row.step_s.mean.toFixed(3)} s wall, ${row.step_cpu_s.mean.toFixed(3)} s CPU`);
  return {
    tokens: T,
    results: rows,
    ratio_dense_over_chunked: rows[1]!.step_s.mean / rows[0]!.step_s.mean,
    ratio_dense_over_chunked_cpu_time: rows[1]!.step_cpu_s.mean / rows[0]!.step_cpu_s.mean,
    max_rel_diff_loss_and_grads_chunked_vs_dense: maxRelDiff(outputs[0]!, outputs[1]!),
    // The chunked side's encoded model is byte for byte the engine's default training graph.
    chunked_graph_is_the_engines: chunkedIsEngines,
  };
}

const loadBefore = uptime();
const lengths = [];
for (const T of LENGTHS) {
  const r = await measure(T);
  console.log(
    `T ${T}: dense / chunked = ${r.ratio_dense_over_chunked.toFixed(2)}× (CPU ${r.ratio_dense_over_chunked_cpu_time.toFixed(2)}×)`,
  );
  lengths.push(r);
}
const loadAfter = uptime();
const out = {
  bench: 'native engine training graph: chunked block-sparse vs dense mask (onnxruntime-node, fp32, 1 thread, batch 1)',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  model: { dim: base.dim, layers: base.layers, heads: base.heads, kvHeads: base.kvHeads, headDim: base.headDim, vocab: base.vocabSize },
  attention: base.attention,
  repetitions: REPS,
  order: 'per length: one untimed run each, then alternating chunked/dense',
  lengths,
  uptime_before: loadBefore,
  uptime_after: loadAfter,
  load_average_after: loadavg(),
};
console.log(loadAfter);
const path = join(import.meta.dirname, '..', 'bench-results', 'block-sparse-train.json');
writeJsonAtomic(path, out);
console.log(`wrote ${path}`);
