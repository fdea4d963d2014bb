/**
 * Prefill time of the ONNX inference graph at T = 4096 tokens, sliding window 256, on one small model (dim 256,
 * 4 layers, 4 heads of 64, 2 kv heads, vocab 259): chunked sliding-window attention (the default graph) against
 * dense causal attention (attention 'full', same weights) and against the previous dense masked sliding window;
 * also block-sparse (blocks of 64, 4 local, 16 global) chunked vs its dense mask. Chunked and dense causal each as
 * exported (fused ops) and with plain ONNX ops (fusedOps: false), so fused is compared with fused; all KV-graph
 * variants alternate in one loop. Then the no-cache (training/eval) graph of emitDecoder with seqLen = T,
 * block-sparse chunked vs dense mask, alternating A/B/A/B.
 * BENCH_THREADS ORT threads (default 1: on hosts whose two vCPUs share one core it is as fast as two; where they are two
 * cores, two threads halve both sides and leave their ratio as it was), batch 1; one session open at a time, opened
 * for each of REPS rounds and timed after untimed warm-up runs (peak memory about one dense graph's, not all eight).
 * Then an ORT profile of the fused dense graph splits its prefill into attention kernels and everything else, which a
 * chunked graph does too: dense ÷ (dense − attention) is what dense ÷ chunked would be with free chunked attention.
 * Then the fused pair again over model shapes (prefill-shapes.ts): how the ratio and its ceiling move with the model.
 * Usage (from packages/models): pnpm bench:attention   (BENCH_REPS=3, BENCH_THREADS=1 by default)
 * Writes bench-results/attention-prefill.json; ratios by wall clock and by this process's CPU time (with 1 intra-op
 * thread ORT runs on the calling thread, so CPU time is less sensitive to a shared machine).
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { writeJsonAtomic } from '@scalewise/core/node';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { AttentionConfig } from '../src/config.js';
import { meanKeyCount } from '../src/accounting/attention-span.js';
import { forward } from '../src/forward/model.js';
import { maxAbsDiff } from '../src/onnx/test-utils.js';
import { profilePrefill } from './attention-profile.js';
import { measureShapes } from './prefill-shapes.js';
import {
  base,
  DECODE_PROMPT,
  DECODE_TOKENS,
  LONG_PROMPT,
  measureAll,
  measureDecode,
  measureStaticPair,
  REPS,
  T,
  THREADS,
  tokens,
  W,
  weights,
  windowed,
  type Measured,
  type Variant,
} from './prefill-measure.js';

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const loadBefore = uptime();
// Block-sparse with about the same reach (4 local blocks of 64 + 16 global tokens).
const sparse: AttentionConfig = { kind: 'block-sparse', blockSize: 64, localBlocks: 4, globalTokens: 16 };
const full: AttentionConfig = { kind: 'full' };
const denseFused: Variant = { name: 'full causal, dense', attention: full, chunkedAttention: false, fusedOps: true };
// As exported (fused ops: contrib norms, rotary, GroupQueryAttention for full attention, chunked attention for the
// window and block-sparse) and with plain ONNX ops (fusedOps: false), all alternating in one loop.
const [chunked, dense, chunkedUnfused, denseUnfused, sparseChunked, sparseChunkedUnfused, denseWindow, sparseDense] = await measureAll([
  { name: 'sliding-window 256, chunked', attention: windowed, chunkedAttention: true, fusedOps: true },
  denseFused,
  { name: 'sliding-window 256, chunked, unfused ops', attention: windowed, chunkedAttention: true, fusedOps: false },
  { name: 'full causal, dense, unfused ops', attention: full, chunkedAttention: false, fusedOps: false },
  { name: 'block-sparse 64×4+16, chunked', attention: sparse, chunkedAttention: true, fusedOps: true },
  { name: 'block-sparse 64×4+16, chunked, unfused ops', attention: sparse, chunkedAttention: true, fusedOps: false },
  { name: 'sliding-window 256, dense mask', attention: windowed, chunkedAttention: false, fusedOps: true },
  { name: 'block-sparse 64×4+16, dense mask', attention: sparse, chunkedAttention: false, fusedOps: true },
]).then((rs) => rs as [Measured, Measured, Measured, Measured, Measured, Measured, Measured, Measured]);
// The fused dense graph's attention kernels against the rest of its prefill (the rest a chunked graph does too).
const denseProfile = await profilePrefill(denseFused, ['GroupQueryAttention']);
const byShape = await measureShapes();
const sparseStatic = await measureStaticPair('block-sparse 64×4+16', sparse);
const decodeVariants: Variant[] = [
  { name: 'sliding-window 256, chunked', attention: windowed, chunkedAttention: true, fusedOps: true },
  { name: 'sliding-window 256, chunked, unfused ops', attention: windowed, chunkedAttention: true, fusedOps: false },
  denseFused,
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
  bench:
    'ONNX prefill: chunked sliding-window vs dense causal attention ' +
    `(onnxruntime-node, fp32, ${THREADS} thread${THREADS > 1 ? 's' : ''}, batch 1)`,
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  model: { dim: base.dim, layers: base.layers, heads: base.heads, kvHeads: base.kvHeads, headDim: base.headDim, vocab: base.vocabSize },
  tokens: T,
  window: W,
  repetitions: REPS,
  threads: THREADS,
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
  dense_causal_fused_profile: {
    ...denseProfile,
    note:
      'an onnxruntime profile of the fused dense graph (2 untimed runs, then profiled_runs): kernel_s and attention_kernel_s ' +
      'take each node at its fastest run; runs split each run inside onnxruntime into its GroupQueryAttention kernels and ' +
      'the rest (projections, FFN, head, norms, rotary, onnxruntime between kernels), which the chunked graph runs too',
  },
  // Dense ÷ chunked if the chunked graph did the rest as fast as dense and its attention in no time (median over runs).
  ratio_dense_causal_fused_ceiling_free_attention: denseProfile.ceiling_free_attention,
  by_model_shape: {
    note:
      'dense causal ÷ chunked sliding-window prefill, both fused, T and window as above, per model shape (vocab 259, head 64): ' +
      'the ratio is bounded by the share of the dense prefill that is attention, which grows as the model narrows; ' +
      'flops_per_token_computed counts what each graph computes (dense: every key, chunked: W + C keys per query)',
    rows: byShape,
  },
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
const profiledRuns = denseProfile.runs.map((r) => `${r.attention_s.toFixed(3)} of ${r.run_s.toFixed(3)} s`).join(', ');
console.log(
  `dense causal / chunked, both fused = ${ratio.toFixed(2)}×; ` +
    `both unfused = ${out.ratio_dense_causal_unfused_over_chunked_unfused.toFixed(2)}×; ` +
    `block-sparse fused = ${out.ratio_dense_causal_fused_over_block_sparse_chunked_fused.toFixed(2)}×; ` +
    `with free chunked attention at most ${out.ratio_dense_causal_fused_ceiling_free_attention?.toFixed(2) ?? 'n/a'}× ` +
    `(profiled dense runs, attention of all: ${profiledRuns}); ` +
    loadAfter,
);
const dir = join(import.meta.dirname, '..', 'bench-results');
await mkdir(dir, { recursive: true });
const path = join(dir, 'attention-prefill.json');
await writeJsonAtomic(path, out);
console.log(`wrote ${path}`);
