/**
 * RoPE as one com.microsoft.RotaryEmbedding node per q and k (the training graph's default) against the plain ops it
 * replaces (Slice, Slice, Concat, Mul, Mul, Add forward; Mul, Mul, Split, Pad, Pad, Sum backward), same process,
 * engines alternating step by step: the default study's smallest and largest models (1 thread each, as the study
 * trains them side by side) and the native bench model (the engine's default threads). A step is lossAndGrad
 * (forward + backward) on one batch; also the two engines' loss and largest relative gradient difference.
 *
 *   node --conditions=@scalewise/source --import tsx bench/fused-rope.ts
 *   env: ROPE_BENCH_OUT (bench-results/fused-rope.json), ROPE_BENCH_STEPS (24 per engine; the bench model 8)
 */
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { initWeights, type ModelConfig, type ModelWeights } from '@scalewise/models';
import { writeJsonAtomicSync as writeJsonAtomic } from '@scalewise/core/node';
import type { TokenBatch } from '../src/engine.js';
import { mfuFlopsPerToken } from '../src/metrics.js';
import { NativeEngine } from '../src/native/index.js';
import { relErr } from '../src/native/testing.js';
import { machineMatMulPeak, preferredThreads } from '../src/native/peak.js';
import { DEFAULT_FAMILY_STUDY, planFamilyStudy } from '../src/study-plan.js';
import { median } from './native-util.js';
import { BENCH_MODEL, syntheticBatch } from './native.js';

const STEPS = Number(process.env.ROPE_BENCH_STEPS ?? 24);
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const bySize = [...planFamilyStudy(DEFAULT_FAMILY_STUDY).runs].sort((a, b) => a.nonEmbeddingParams - b.nonEmbeddingParams);
const cases: { label: string; config: ModelConfig; batch: TokenBatch; threads: number; steps: number }[] = [
  ...[bySize[0]!, bySize.at(-1)!].map((r) => ({
    label: `study ${r.config.name}`,
    config: r.config,
    batch: syntheticBatch(r.config, r.batchSize, DEFAULT_FAMILY_STUDY.seq, 3),
    threads: 1,
    steps: STEPS,
  })),
  {
    label: `bench ${BENCH_MODEL.name}`,
    config: BENCH_MODEL,
    batch: syntheticBatch(BENCH_MODEL, 16, 256, 7),
    threads: preferredThreads(await machineMatMulPeak()),
    steps: Math.max(4, Math.round(STEPS / 3)),
  },
];

const rows = [];
for (const { label, config, batch, threads, steps } of cases) {
  const loadBefore = load();
  const weights = initWeights(config, 1);
  const engines = [false, true].map((fusedRope) => new NativeEngine(config, { threads, fusedRope }));
  const grads = engines.map((): ModelWeights => new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)])));
  const losses = [];
  for (let e = 0; e < 2; e++) losses.push(await engines[e]!.lossAndGrad(weights, grads[e]!, batch, 1)); // builds the sessions
  const maxRelGrad = Math.max(...[...grads[0]!].map(([name, plain]) => relErr(grads[1]!.get(name)!, plain)));
  const seconds: number[][] = [[], []];
  for (let s = 0; s < steps; s++) {
    for (let e = 0; e < 2; e++) {
      const t0 = performance.now();
      await engines[e]!.lossAndGrad(weights, grads[e]!, batch, 1);
      seconds[e]!.push((performance.now() - t0) / 1000);
    }
  }
  for (const e of engines) await e.dispose();
  const tokens = batch.batch * batch.seq;
  const flops = mfuFlopsPerToken(config, batch.seq) * tokens;
  const side = (s: number[]) => ({ median_step_s: median(s), tokens_per_s: tokens / median(s), gflops: flops / median(s) / 1e9 });
  const [plain, fused] = [side(seconds[0]!), side(seconds[1]!)];
  const row = {
    case: label,
    threads,
    batch: batch.batch,
    seq: batch.seq,
    steps,
    plain_rope: plain,
    rotary_embedding: fused,
    speedup: plain.median_step_s / fused.median_step_s,
    loss: { plain: losses[0], fused: losses[1] },
    max_rel_grad_diff: maxRelGrad,
    load: { before: loadBefore, after: load() },
  };
  rows.push(row);
  console.log(
    `${label}, ${threads} thr, ${batch.batch}×${batch.seq}: plain ${(1000 * plain.median_step_s).toFixed(1)} ms ` +
      `(${plain.gflops.toFixed(1)} GFLOP/s), RotaryEmbedding ${(1000 * fused.median_step_s).toFixed(1)} ms ` +
      `(${fused.gflops.toFixed(1)} GFLOP/s): ${row.speedup.toFixed(3)}×; gradients within ${maxRelGrad.toExponential(1)}`,
  );
}
const out = process.env.ROPE_BENCH_OUT ?? join(import.meta.dirname, '..', 'bench-results', 'fused-rope.json');
writeJsonAtomic(out, {
  bench: 'native training step (lossAndGrad): RoPE as com.microsoft.RotaryEmbedding vs plain ONNX ops, engines alternating',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  note:
    'medians of alternated steps in one process (a shared 2-vCPU machine: compare the two columns of a row, not rows across ' +
    'runs); GFLOP/s = PaLM 6N + 12·L·H·Q·T per token (as MFU counts) × tokens/s',
  rows,
});
console.log(`wrote ${out}`);
