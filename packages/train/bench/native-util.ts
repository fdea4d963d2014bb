export { plainMatMulGflops } from '../src/native/peak.js';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRng } from '@scalewise/core';
import { weightSpecs, type ModelConfig, type ModelWeights } from '@scalewise/models';
import { profileByOp, type OpKernelTime, type OrtProfileEvent, type ProfileOptions } from '@scalewise/models/internals';
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
 * ORT kernel time by op type, largest first, from the profile a NativeEngine wrote with `profilePrefix` (ORT names
 * each session's file <prefix>-…_<timestamp>.json, beside the prefix); the first file is read, then every file of that
 * prefix is removed. Empty when none was written. See `profileByOp` in @scalewise/models/internals for the options.
 */
export function takeProfileByOp(prefix: string, options: ProfileOptions = {}): OpKernelTime[] {
  const dir = dirname(prefix);
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(basename(prefix)))
    .map((f) => join(dir, f));
  try {
    return files[0] ? profileByOp(JSON.parse(readFileSync(files[0], 'utf8')) as OrtProfileEvent[], options) : [];
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}

/** ORT's matrix-product kernels (MatMul, its transpose-fused form and Gemm): what the training FLOPs count. */
export const MATMUL_OPS: ReadonlySet<string> = new Set(['MatMul', 'FusedMatMul', 'Gemm']);
