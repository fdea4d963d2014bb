/**
 * Prefill time of the ONNX inference graph at T = 4096 tokens, sliding window 256, on one small model (dim 256,
 * 4 layers, 4 heads of 64, 2 kv heads, vocab 259): chunked sliding-window attention (the default graph) against
 * dense causal attention (attention 'full', same weights) and against the previous dense masked sliding window;
 * also block-sparse (blocks of 64, 4 local, 16 global) chunked vs its dense mask. Chunked and dense causal each as
 * exported (fused ops) and with plain ONNX ops (fusedOps: false), so fused is compared with fused; all KV-graph
 * variants alternate in one loop. Then the no-cache (training/eval) graph of emitDecoder with seqLen = T,
 * block-sparse chunked vs dense mask, alternating A/B/A/B.
 * One ORT thread (the fastest setting on the 2-vCPU machine, issue #18), batch 1; one session open at a time, opened
 * for each of REPS rounds and timed after untimed warm-up runs (peak memory about one dense graph's, not all eight).
 * Usage (from packages/models): pnpm bench:attention   (BENCH_REPS=3 by default)
 * Writes bench-results/attention-prefill.json; ratios by wall clock and by this process's CPU time (ORT runs on the
 * calling thread with 1 intra-op thread, so CPU time is less sensitive to a shared machine).
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { writeJsonAtomic } from '@scalewise/core/node';
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

type Measured = Awaited<ReturnType<typeof measureAll>>[number];

interface Variant {
  name: string;
  attention: AttentionConfig;
  chunkedAttention: boolean;
  fusedOps: boolean;
}

/** A KV-cache session of one variant; release it before the next one is opened. */
async function kvSession(v: Variant) {
  const config = { ...base, attention: v.attention };
  const graph = buildInferenceGraph(config, weights, { chunkedAttention: v.chunkedAttention, fusedOps: v.fusedOps });
  const session = await ort.InferenceSession.create(encodeModel(graph), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return { config, session };
}

/**
 * KV-graph prefill of every variant, REPS rounds in turn (A/B/C/… alternating). One session is open at a time (a
 * dense T×T graph's arena holds about a gigabyte; all eight at once took 7 GB): per round each variant's session is
 * opened, run twice untimed (onnxruntime plans its memory pattern on the first run and allocates it on the second),
 * timed on the third run and released.
 */
async function measureAll(variants: Variant[]) {
  const sides = variants.map(() => ({
    logits: new Float32Array(0) as Float32Array<ArrayBufferLike>,
    seconds: [] as number[],
    cpuSeconds: [] as number[],
  }));
  for (let r = 0; r < REPS; r++) {
    for (const [i, side] of sides.entries()) {
      const { config, session } = await kvSession(variants[i]!);
      const run = () => step(session, config, [tokens], [tokens.map(() => 1)]);
      side.logits = (await run()).logits;
      await run();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run();
      side.seconds.push((performance.now() - t0) / 1000);
      const used = process.cpuUsage(c0);
      side.cpuSeconds.push((used.user + used.system) / 1e6);
      await session.release();
    }
  }
  const results = [];
  for (const [i, side] of sides.entries()) {
    const { seconds, cpuSeconds } = side;
    const cpuMean = cpuSeconds.reduce((a, b) => a + b, 0) / cpuSeconds.length;
    const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
    const sd = seconds.length > 1 ? Math.sqrt(seconds.reduce((a, b) => a + (b - mean) ** 2, 0) / (seconds.length - 1)) : 0;
    const name = variants[i]!.name;
    console.log(
      `${name.padEnd(44)} ${mean.toFixed(3)} ± ${sd.toFixed(3)} s wall, ${cpuMean.toFixed(3)} s CPU (${(T / mean).toFixed(0)} tokens/s)`,
    );
    const row = {
      graph: name,
      prefill_s: { mean, sd, min: Math.min(...seconds), runs: seconds },
      prefill_cpu_s: { mean: cpuMean, runs: cpuSeconds },
      tokens_per_s: T / mean,
    };
    results.push({ row, logits: side.logits });
  }
  return results;
}

const DECODE_PROMPT = 300;
const DECODE_TOKENS = 64;
/** A long context, where dense causal decode reads every cached key and the windowed graphs read at most their bound. */
const LONG_PROMPT = T - DECODE_TOKENS;

/**
 * Decode through the KV cache after a `promptTokens` prefill: CPU ms per token over DECODE_TOKENS steps, variants
 * alternating, one session open at a time (each round: prompt and decode once untimed, then again timed).
 */
async function measureDecode(variants: Variant[], promptTokens = DECODE_PROMPT) {
  const sides = variants.map(() => ({ ms: [] as number[] }));
  const prompt = tokens.slice(0, promptTokens);
  for (let r = 0; r < REPS; r++) {
    for (const [i, side] of sides.entries()) {
      const { config, session } = await kvSession(variants[i]!);
      for (const timed of [false, true]) {
        let out = await step(session, config, [prompt], [prompt.map(() => 1)]);
        const c0 = process.cpuUsage();
        for (let t = 0; t < DECODE_TOKENS; t++) {
          const mask = [new Array<number>(promptTokens + t + 1).fill(1)];
          out = await step(session, config, [[tokens[promptTokens + t]!]], mask, out.present);
        }
        const used = process.cpuUsage(c0);
        if (timed) side.ms.push((used.user + used.system) / 1e3 / DECODE_TOKENS);
      }
      await session.release();
    }
  }
  const rows = [];
  for (const [i, side] of sides.entries()) {
    const mean = side.ms.reduce((a, b) => a + b, 0) / side.ms.length;
    console.log(`decode after ${promptTokens}, ${variants[i]!.name.padEnd(36)} ${mean.toFixed(2)} ms CPU per token`);
    rows.push({ graph: variants[i]!.name, cpu_ms_per_token: { mean, runs: side.ms } });
  }
  return rows;
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

/** Chunked vs dense no-cache graph, alternating A/B, one session open at a time (two untimed runs, one timed). */
async function measureStaticPair(name: string, attention: AttentionConfig) {
  const logits: Float32Array<ArrayBufferLike>[] = [new Float32Array(0), new Float32Array(0)];
  const seconds: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  for (let r = 0; r < REPS; r++) {
    for (const i of [0, 1]) {
      const side = await staticSession(attention, i === 0);
      logits[i] = await side.run();
      await side.run();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await side.run();
      seconds[i]!.push((performance.now() - t0) / 1000);
      const used = process.cpuUsage(c0);
      cpu[i]!.push((used.user + used.system) / 1e6);
      await side.session.release();
    }
  }
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
// Block-sparse with about the same reach (4 local blocks of 64 + 16 global tokens).
const sparse: AttentionConfig = { kind: 'block-sparse', blockSize: 64, localBlocks: 4, globalTokens: 16 };
const full: AttentionConfig = { kind: 'full' };
// As exported (fused ops: contrib norms, rotary, GroupQueryAttention for full attention, chunked attention for the
// window and block-sparse) and with plain ONNX ops (fusedOps: false), all alternating in one loop.
const [chunked, dense, chunkedUnfused, denseUnfused, sparseChunked, sparseChunkedUnfused, denseWindow, sparseDense] = await measureAll([
  { name: 'sliding-window 256, chunked', attention: windowed, chunkedAttention: true, fusedOps: true },
  { name: 'full causal, dense', attention: full, chunkedAttention: false, fusedOps: true },
  { name: 'sliding-window 256, chunked, unfused ops', attention: windowed, chunkedAttention: true, fusedOps: false },
  { name: 'full causal, dense, unfused ops', attention: full, chunkedAttention: false, fusedOps: false },
  { name: 'block-sparse 64×4+16, chunked', attention: sparse, chunkedAttention: true, fusedOps: true },
  { name: 'block-sparse 64×4+16, chunked, unfused ops', attention: sparse, chunkedAttention: true, fusedOps: false },
  { name: 'sliding-window 256, dense mask', attention: windowed, chunkedAttention: false, fusedOps: true },
  { name: 'block-sparse 64×4+16, dense mask', attention: sparse, chunkedAttention: false, fusedOps: true },
]).then((rs) => rs as [Measured, Measured, Measured, Measured, Measured, Measured, Measured, Measured]);
const sparseStatic = await measureStaticPair('block-sparse 64×4+16', sparse);
const decodeVariants: Variant[] = [
  { name: 'sliding-window 256, chunked', attention: windowed, chunkedAttention: true, fusedOps: true },
  { name: 'sliding-window 256, chunked, unfused ops', attention: windowed, chunkedAttention: true, fusedOps: false },
  { name: 'full causal, dense', attention: full, chunkedAttention: false, fusedOps: true },
  { name: 'block-sparse 64×4+16, chunked', attention: sparse, chunkedAttention: true, fusedOps: true },
];
const decode = await measureDecode(decodeVariants);
const decodeLong = await measureDecode([decodeVariants[0]!, decodeVariants[2]!, decodeVariants[3]!], LONG_PROMPT);
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
  results: [
    chunked.row,
    dense.row,
    denseUnfused.row,
    denseWindow.row,
    sparseChunked.row,
    sparseDense.row,
    ...sparseStatic.rows,
    chunkedUnfused.row,
    sparseChunkedUnfused.row,
  ],
  note:
    'rows without "unfused ops" are the default export (fusedOps: true: contrib RMSNorm/rotary; GroupQueryAttention for full ' +
    'attention, the chunked attention graphs for sliding-window and block-sparse); all KV rows alternate in one loop, ' +
    'one session open at a time (opened each round, timed on its third run)',
  // Like for like: both sides fused, or both plain ONNX ops.
  ratio_dense_causal_fused_over_chunked_fused: ratio,
  ratio_dense_causal_fused_over_chunked_fused_cpu_time: dense.row.prefill_cpu_s.mean / chunked.row.prefill_cpu_s.mean,
  ratio_dense_causal_fused_over_chunked_fused_fastest_run: dense.row.prefill_s.min / chunked.row.prefill_s.min,
  ratio_dense_causal_unfused_over_chunked_unfused: denseUnfused.row.prefill_s.mean / chunkedUnfused.row.prefill_s.mean,
  ratio_dense_causal_fused_over_block_sparse_chunked_fused: dense.row.prefill_s.mean / sparseChunked.row.prefill_s.mean,
  ratio_dense_causal_fused_over_block_sparse_chunked_fused_cpu_time: dense.row.prefill_cpu_s.mean / sparseChunked.row.prefill_cpu_s.mean,
  ratio_dense_causal_unfused_over_block_sparse_chunked_unfused: denseUnfused.row.prefill_s.mean / sparseChunkedUnfused.row.prefill_s.mean,
  ratio_chunked_unfused_over_fused: chunkedUnfused.row.prefill_s.mean / chunked.row.prefill_s.mean,
  ratio_block_sparse_chunked_unfused_over_fused: sparseChunkedUnfused.row.prefill_s.mean / sparseChunked.row.prefill_s.mean,
  ratio_dense_causal_unfused_over_fused: denseUnfused.row.prefill_s.mean / dense.row.prefill_s.mean,
  max_abs_logit_diff_chunked_fused_vs_unfused: maxAbsDiff(chunked.logits, chunkedUnfused.logits),
  max_abs_logit_diff_block_sparse_chunked_fused_vs_unfused: maxAbsDiff(sparseChunked.logits, sparseChunkedUnfused.logits),
  max_abs_logit_diff_chunked_unfused_vs_reference: maxAbsDiff(chunkedUnfused.logits, refWindow),
  decode: { prompt_tokens: DECODE_PROMPT, decoded_tokens: DECODE_TOKENS, results: decode },
  decode_long: { prompt_tokens: LONG_PROMPT, decoded_tokens: DECODE_TOKENS, results: decodeLong },
  ratio_decode_long_dense_causal_over_chunked: decodeLong[1]!.cpu_ms_per_token.mean / decodeLong[0]!.cpu_ms_per_token.mean,
  ratio_decode_chunked_unfused_over_fused: decode[1]!.cpu_ms_per_token.mean / decode[0]!.cpu_ms_per_token.mean,
  ratio_decode_block_sparse_chunked_over_dense_causal: decode[3]!.cpu_ms_per_token.mean / decode[2]!.cpu_ms_per_token.mean,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  ratio_dense_causal_over_chunked: ratio,
  ratio_dense_causal_unfused_over_chunked: denseUnfused.row.prefill_s.mean / chunked.row.prefill_s.mean,
  ratio_dense_causal_over_chunked_cpu_time: dense.row.prefill_cpu_s.mean / chunked.row.prefill_cpu_s.mean,
  ratio_dense_window_over_chunked: denseWindow.row.prefill_s.mean / chunked.row.prefill_s.mean,
  ratio_dense_causal_over_block_sparse_chunked: dense.row.prefill_s.mean / sparseChunked.row.prefill_s.mean,
  max_abs_logit_diff_chunked_vs_reference: maxAbsDiff(chunked.logits, refWindow),
  max_abs_logit_diff_block_sparse_chunked_vs_reference: maxAbsDiff(sparseChunked.logits, refSparse),
  max_abs_logit_reference: refWindow.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
  parity_note:
    'the plain-ops chunked window equals the plain dense-masked window graph bit for bit, so its distance to the reference is the fp32 ' +
    'rounding of the ONNX graph at |logit| up to max_abs_logit_reference (tests hold 1e-4 at O(1–10) logits); the fused ' +
    "graphs differ from the plain ones by the fused kernels' rounding (max_abs_logit_diff_*_fused_vs_unfused)",
  max_abs_logit_diff_block_sparse_chunked_vs_dense: maxAbsDiff(sparseChunked.logits, sparseDense.logits),
  ratio_block_sparse_dense_mask_over_chunked: sparseDense.row.prefill_s.mean / sparseChunked.row.prefill_s.mean,
  ratio_block_sparse_no_cache_dense_over_chunked: sparseStatic.rows[1]!.forward_s.mean / sparseStatic.rows[0]!.forward_s.mean,
  ratio_block_sparse_no_cache_dense_over_chunked_cpu_time:
    sparseStatic.rows[1]!.forward_cpu_s.mean / sparseStatic.rows[0]!.forward_cpu_s.mean,
  max_abs_logit_diff_block_sparse_no_cache_chunked_vs_dense: maxAbsDiff(sparseStatic.chunked, sparseStatic.dense),
  max_abs_logit_diff_block_sparse_no_cache_chunked_vs_reference: maxAbsDiff(sparseStatic.chunked, refSparse),
  max_abs_logit_diff_chunked_vs_dense_window: maxAbsDiff(chunked.logits, denseWindow.logits),
  max_abs_logit_diff_chunked_unfused_vs_dense_window: maxAbsDiff(chunkedUnfused.logits, denseWindow.logits),
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
console.log(
  `dense causal / chunked, both fused = ${ratio.toFixed(2)}×; ` +
    `both unfused = ${out.ratio_dense_causal_unfused_over_chunked_unfused.toFixed(2)}×; ` +
    `block-sparse fused = ${out.ratio_dense_causal_fused_over_block_sparse_chunked_fused.toFixed(2)}×; ${loadAfter}`,
);
const dir = join(import.meta.dirname, '..', 'bench-results');
await mkdir(dir, { recursive: true });
const path = join(dir, 'attention-prefill.json');
await writeJsonAtomic(path, out);
console.log(`wrote ${path}`);
