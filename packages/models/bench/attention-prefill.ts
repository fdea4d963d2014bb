/**
 * Prefill time of the ONNX inference graph at T = 4096 tokens, sliding window 256, on one small model (dim 256,
 * 4 layers, 4 heads of 64, 2 kv heads, vocab 259): chunked sliding-window attention (the default graph) against
 * dense causal attention (attention 'full', same weights) and against the previous dense masked sliding window;
 * also block-sparse (blocks of 64, 4 local, 16 global) chunked vs its dense mask, in the KV graph and in the no-cache
 * (training/eval) graph of emitDecoder with seqLen = T, the latter two alternating A/B/A/B in this process.
 * One ORT thread (the fastest setting on the 2-vCPU machine, issue #18), batch 1, one untimed warm-up, then REPS runs.
 * Usage (from packages/models): pnpm bench:attention   (BENCH_REPS=3 by default)
 * Writes bench-results/attention-prefill.json; ratios by wall clock and by this process's CPU time (ORT runs on the
 * calling thread with 1 intra-op thread, so CPU time is less sensitive to a shared machine).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { weightSpecs } from '../src/weights.js';
import { LLAMA_DEFAULTS, type AttentionConfig, type ModelConfig } from '../src/config.js';
import { meanKeyCount } from '../src/accounting/attention-span.js';
import { forward } from '../src/forward/model.js';
import { emitDecoder } from '../src/onnx/decoder.js';
import { encodeModel } from '../src/onnx/encode.js';
import { Graph } from '../src/onnx/graph.js';
import { buildInferenceGraph } from '../src/onnx/inference.js';
import { maxAbsDiff, randomWeights, step } from '../src/onnx/test-utils.js';

const T = 4096;
const W = 256;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const base: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'bench-attn',
  vocabSize: 259,
  dim: 256,
  layers: 4,
  heads: 4,
  kvHeads: 2,
  headDim: 64,
  ffnHidden: 688,
  maxPositions: T,
  attention: { kind: 'full' },
};
const windowed: AttentionConfig = { kind: 'sliding-window', window: W };
const weights = randomWeights(base, 3);
const tokens = Array.from({ length: T }, (_, i) => (i * 7919 + 13) % base.vocabSize);
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

async function measure(name: string, attention: AttentionConfig, chunkedAttention: boolean, fusedOps = true) {
  const config = { ...base, attention };
  const graph = buildInferenceGraph(config, weights, { chunkedAttention, fusedOps });
  const session = await ort.InferenceSession.create(encodeModel(graph), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const run = () => step(session, config, [tokens], [tokens.map(() => 1)]);
  const first = await run(); // untimed warm-up
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    seconds.push((performance.now() - t0) / 1000);
    const used = process.cpuUsage(c0);
    cpuSeconds.push((used.user + used.system) / 1e6);
  }
  const cpuMean = cpuSeconds.reduce((a, b) => a + b, 0) / cpuSeconds.length;
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  const sd = seconds.length > 1 ? Math.sqrt(seconds.reduce((a, b) => a + (b - mean) ** 2, 0) / (seconds.length - 1)) : 0;
  console.log(
    `${name.padEnd(32)} ${mean.toFixed(3)} ± ${sd.toFixed(3)} s wall, ${cpuMean.toFixed(3)} s CPU (${(T / mean).toFixed(0)} tokens/s)`,
  );
  await session.release();
  return {
    row: {
      graph: name,
      prefill_s: { mean, sd, runs: seconds },
      prefill_cpu_s: { mean: cpuMean, runs: cpuSeconds },
      tokens_per_s: T / mean,
    },
    logits: first.logits,
  };
}

/** The no-cache graph (what native training, eval and prefill without a cache run), forward only: logits [1, T, V]. */
async function staticSession(attention: AttentionConfig, chunkedAttention: boolean) {
  const config = { ...base, attention };
  const g = new Graph('static');
  const ids = g.input('ids', 'int64', [1, T]);
  for (const spec of weightSpecs(config)) g.input(spec.name, 'float32', spec.shape);
  g.output(
    emitDecoder(g, config, { weight: (n) => n, inputIds: ids, seqLen: T, chunkedAttention }).logits,
    'float32',
    [1, T, base.vocabSize],
    'logits',
  );
  const session = await ort.InferenceSession.create(encodeModel(g), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds: Record<string, ort.Tensor> = { ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, T]) };
  for (const spec of weightSpecs(config)) feeds[spec.name] = new ort.Tensor('float32', weights.get(spec.name)!, spec.shape);
  return { session, run: async () => (await session.run(feeds)).logits!.data as Float32Array };
}

/** Chunked vs dense no-cache graph, alternating A/B after one untimed run each. */
async function measureStaticPair(name: string, attention: AttentionConfig) {
  const sides = [await staticSession(attention, true), await staticSession(attention, false)];
  const logits = [await sides[0]!.run(), await sides[1]!.run()];
  const seconds: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  for (let r = 0; r < REPS; r++) {
    for (const [i, side] of sides.entries()) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await side.run();
      seconds[i]!.push((performance.now() - t0) / 1000);
      const used = process.cpuUsage(c0);
      cpu[i]!.push((used.user + used.system) / 1e6);
    }
  }
  for (const side of sides) await side.session.release();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows = ['chunked', 'dense mask'].map((kind, i) => ({
    graph: `${name}, no cache (training graph), ${kind}`,
    forward_s: { mean: mean(seconds[i]!), runs: seconds[i]! },
    forward_cpu_s: { mean: mean(cpu[i]!), runs: cpu[i]! },
  }));
  for (const row of rows)
    console.log(`${row.graph.padEnd(60)} ${row.forward_s.mean.toFixed(3)} s wall, ${row.forward_cpu_s.mean.toFixed(3)} s CPU`);
  return { rows, chunked: logits[0]!, dense: logits[1]! };
}

const loadBefore = uptime();
const chunked = await measure('sliding-window 256, chunked', windowed, true);
// Full causal attention as exported (fused GroupQueryAttention kernel), and with the plain ops the windowed graphs use.
const dense = await measure('full causal, dense', { kind: 'full' }, false);
const denseUnfused = await measure('full causal, dense, unfused ops', { kind: 'full' }, false, false);
const denseWindow = await measure('sliding-window 256, dense mask', windowed, false);
// Block-sparse with about the same reach (4 local blocks of 64 + 16 global tokens), chunked vs its dense mask.
const sparse: AttentionConfig = { kind: 'block-sparse', blockSize: 64, localBlocks: 4, globalTokens: 16 };
const sparseChunked = await measure('block-sparse 64×4+16, chunked', sparse, true);
const sparseDense = await measure('block-sparse 64×4+16, dense mask', sparse, false);
const sparseStatic = await measureStaticPair('block-sparse 64×4+16', sparse);
// Parity with the TypeScript reference forward pass at the same length (one pass each, not timed).
const reference = (attention: AttentionConfig) => forward({ ...base, attention }, weights, tokens);
const refWindow = reference(windowed);
const refSparse = reference(sparse);
const loadAfter = uptime();
const ratio = dense.row.prefill_s.mean / chunked.row.prefill_s.mean;
const out = {
  bench: 'ONNX prefill: chunked sliding-window vs dense causal attention (onnxruntime-node, fp32, 1 thread, batch 1)',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  model: { dim: base.dim, layers: base.layers, heads: base.heads, kvHeads: base.kvHeads, headDim: base.headDim, vocab: base.vocabSize },
  tokens: T,
  window: W,
  repetitions: REPS,
  results: [chunked.row, dense.row, denseUnfused.row, denseWindow.row, sparseChunked.row, sparseDense.row, ...sparseStatic.rows],
  ratio_dense_causal_over_chunked: ratio,
  ratio_dense_causal_unfused_over_chunked: denseUnfused.row.prefill_s.mean / chunked.row.prefill_s.mean,
  ratio_dense_causal_over_chunked_cpu_time: dense.row.prefill_cpu_s.mean / chunked.row.prefill_cpu_s.mean,
  ratio_dense_window_over_chunked: denseWindow.row.prefill_s.mean / chunked.row.prefill_s.mean,
  ratio_dense_causal_over_block_sparse_chunked: dense.row.prefill_s.mean / sparseChunked.row.prefill_s.mean,
  max_abs_logit_diff_chunked_vs_reference: maxAbsDiff(chunked.logits, refWindow),
  max_abs_logit_diff_block_sparse_chunked_vs_reference: maxAbsDiff(sparseChunked.logits, refSparse),
  max_abs_logit_reference: refWindow.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
  parity_note:
    'the chunked window equals the dense-masked window graph bit for bit, so its distance to the reference is the fp32 ' +
    'rounding of the ONNX graph at |logit| up to max_abs_logit_reference (tests hold 1e-4 at O(1–10) logits)',
  max_abs_logit_diff_block_sparse_chunked_vs_dense: maxAbsDiff(sparseChunked.logits, sparseDense.logits),
  ratio_block_sparse_dense_mask_over_chunked: sparseDense.row.prefill_s.mean / sparseChunked.row.prefill_s.mean,
  ratio_block_sparse_no_cache_dense_over_chunked: sparseStatic.rows[1]!.forward_s.mean / sparseStatic.rows[0]!.forward_s.mean,
  ratio_block_sparse_no_cache_dense_over_chunked_cpu_time:
    sparseStatic.rows[1]!.forward_cpu_s.mean / sparseStatic.rows[0]!.forward_cpu_s.mean,
  max_abs_logit_diff_block_sparse_no_cache_chunked_vs_dense: maxAbsDiff(sparseStatic.chunked, sparseStatic.dense),
  max_abs_logit_diff_block_sparse_no_cache_chunked_vs_reference: maxAbsDiff(sparseStatic.chunked, refSparse),
  max_abs_logit_diff_chunked_vs_dense_window: maxAbsDiff(chunked.logits, denseWindow.logits),
  keys_per_query: {
    accounting_mean: meanKeyCount(windowed, T),
    chunked_scored: 2 * W,
    dense_scored: T,
    note:
      'FLOP accounting counts kept keys (≤ W per query); the chunked graph scores 2W keys per query ' +
      '(its chunk and the previous one), about half of them masked',
  },
  uptime_before: loadBefore,
  uptime_after: loadAfter,
  load_average_after: loadavg(),
};
console.log(`dense causal / chunked = ${ratio.toFixed(2)}×; ${loadAfter}`);
const dir = join(import.meta.dirname, '..', 'bench-results');
await mkdir(dir, { recursive: true });
const path = join(dir, 'attention-prefill.json');
await writeFile(`${path}.tmp`, `${JSON.stringify(out, null, 2)}\n`);
await rename(`${path}.tmp`, path);
console.log(`wrote ${path}`);
