export { plainMatMulGflops } from '../src/native/peak.js';
import { readFileSync, rmSync } from 'node:fs';
import { createRng } from '@scalewise/core';
import { weightSpecs, type ModelConfig, type ModelWeights } from '@scalewise/models';
import { mfuFlopsPerToken } from '../src/metrics.js';

/** Deterministic weights with the usual scales (uniform with the target standard deviation: √12 ≈ 3.46). */
export function benchWeights(config: ModelConfig, seed = 1): ModelWeights {
  const rng = createRng(seed);
  const u = () => rng.next() - 0.5;
  const w: ModelWeights = new Map();
  for (const spec of weightSpecs(config)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const std = spec.role === 'linear' ? 1 / Math.sqrt(spec.shape[1] ?? 1) : 0.02;
    w.set(
      spec.name,
      Float32Array.from({ length: n }, () => (spec.role === 'norm' ? 1 : std * 3.46 * u())),
    );
  }
  return w;
}

/** Parameters that multiply activations in matmuls (the 6N of training FLOPs): all but the input embedding, plus a tied head. */
export function matmulParams(config: ModelConfig): number {
  let n = 0;
  for (const s of weightSpecs(config)) if (s.role !== 'embedding') n += s.shape.reduce((a, b) => a * b, 1);
  return n + (config.tiedEmbeddings ? config.vocabSize * config.dim : 0);
}

/**
 * Training FLOPs per token, 6·N_matmul + 12·L·H·Q·T (PaLM appendix B): the trainer's MFU numerator (`mfuFlopsPerToken`).
 */
export function trainFlopsPerToken(config: ModelConfig, seq: number): number {
  return mfuFlopsPerToken(config, seq);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/**
 * Plain ORT MatMul [m×k]·[k×n], GFLOP/s (median of `reps`): with b fed as an input (as the training graph
 * feeds weights) or stored as an initializer (which lets ORT pre-pack it).
 */
interface ProfileEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string };
}

/**
 * ORT profile node times by op type, largest first. `skipRuns`: leave out the first session runs (the warm-up run
 * allocates and is several times slower). `per`: 'sum' adds every run's time; 'fastest' adds each node's fastest run,
 * which on a shared machine estimates one undisturbed run.
 */
export function profileByOp(file: string, skipRuns = 0, per: 'sum' | 'fastest' = 'sum'): { op: string; ms: number; share: number }[] {
  const events = JSON.parse(readFileSync(file, 'utf8')) as ProfileEvent[];
  const starts = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').map((e) => e.ts ?? 0);
  const from = skipRuns > 0 ? (starts.sort((a, b) => a - b)[skipRuns] ?? Infinity) : -Infinity;
  // Kernel events are named <node>_kernel_time (fence events around them last ~0).
  const byNode = new Map<string, { op: string; us: number }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.args?.op_name || !e.dur || (e.ts ?? 0) < from) continue;
    const seen = byNode.get(e.name ?? '');
    if (!seen) byNode.set(e.name ?? '', { op: e.args.op_name, us: e.dur });
    else seen.us = per === 'sum' ? seen.us + e.dur : Math.min(seen.us, e.dur);
  }
  const byOp = new Map<string, number>();
  for (const { op, us } of byNode.values()) byOp.set(op, (byOp.get(op) ?? 0) + us);
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  return [...byOp].map(([op, us]) => ({ op, ms: us / 1000, share: us / total })).sort((a, b) => b.ms - a.ms);
}

/** ORT's matrix-product kernels (MatMul, its transpose-fused form and Gemm): what the training FLOPs count. */
export const MATMUL_OPS: ReadonlySet<string> = new Set(['MatMul', 'FusedMatMul', 'Gemm']);

export function removeQuietly(path: string): void {
  rmSync(path, { force: true });
}
