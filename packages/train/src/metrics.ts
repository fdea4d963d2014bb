import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { weightSpecs, type ModelConfig } from '@scalewise/models';
import { writeFileAtomicSync as writeFileAtomic } from '@scalewise/core/node';
import { matmulForward } from './reference/ops/matmul.js';

/** One optimizer step in metrics.jsonl. */
export interface StepMetrics {
  kind: 'train';
  step: number;
  /** Training tokens processed after this step. */
  tokens: number;
  /** Mean training cross-entropy of this step's batches, nats/token. */
  loss: number;
  lr: number;
  /** Global L2 norm of the gradient before clipping. */
  grad_norm: number;
  tokens_per_s: number;
  /** Achieved training FLOP/s (`mfuFlopsPerToken` × tokens/s) ÷ peak FLOP/s (see result `peak_gflops`). */
  mfu: number;
}

/** One validation in metrics.jsonl. */
export interface ValidationMetrics {
  kind: 'validation';
  step: number;
  tokens: number;
  /** Mean cross-entropy, nats/token. */
  val_loss: number;
  /** Bits per UTF-8 byte: val_loss / ln 2 × tokens/byte. */
  val_bpb: number;
  val_tokens: number;
}

export type MetricsRow = StepMetrics | ValidationMetrics;

/** Append-only JSONL log; on resume the rows after the checkpoint are dropped so the log matches the restored state. */
export class MetricsLog {
  constructor(readonly path: string) {}

  append(row: MetricsRow): void {
    appendFileSync(this.path, `${JSON.stringify(row)}\n`);
  }

  /** Keep only rows with step ≤ `step` (atomic rewrite); a torn last line from a kill is dropped too. */
  truncateAfter(step: number): void {
    if (!existsSync(this.path)) return;
    const kept = readMetrics(this.path).filter((row) => row.step <= step);
    writeFileAtomic(this.path, kept.map((row) => `${JSON.stringify(row)}\n`).join(''));
  }
}

/** Parse metrics.jsonl, skipping a torn (unparseable) line. */
export function readMetrics(path: string): MetricsRow[] {
  const rows: MetricsRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as MetricsRow);
    } catch {
      // a line cut by a kill mid-write
    }
  }
  return rows;
}

/**
 * Training FLOPs per token that MFU counts (PaLM appendix B, as in nanoGPT): 6·N + 12·L·H·Q·T, with N the
 * parameters applied per token (all but the input embedding, a lookup with no FLOPs; the head counted when tied;
 * a shared block counted once per application) and L the block applications (layers × layerRepeat).
 */
export function mfuFlopsPerToken(config: ModelConfig, seq: number): number {
  let n = 0;
  for (const s of weightSpecs(config)) {
    if (s.role === 'embedding') continue;
    n += s.shape.reduce((a, b) => a * b, 1) * (s.name.startsWith('model.layers.') ? config.layerRepeat : 1);
  }
  if (config.tiedEmbeddings) n += config.vocabSize * config.dim;
  return 6 * n + 12 * config.layers * config.layerRepeat * config.heads * config.headDim * seq;
}

/**
 * Peak GFLOP/s of the reference matmul kernel on this machine: best of a few [256 × 256]·[256 × 256]ᵀ products
 * (single thread). MFU of the reference engine is measured against this, not against a datasheet number.
 */
export function measureReferencePeakGflops(size = 256, reps = 5): number {
  const a = new Float32Array(size * size).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = new Float32Array(size * size).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const c = new Float32Array(size * size);
  let best = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    matmulForward(c, a, b, size, size, size);
    const seconds = (performance.now() - t0) / 1000;
    best = Math.max(best, (2 * size ** 3) / seconds / 1e9);
  }
  return best;
}

/** Shannon entropy of the unigram distribution of tokens, in bits per token. */
export function unigramEntropyBits(tokens: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) counts.set(tokens[i]!, (counts.get(tokens[i]!) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / tokens.length;
    h -= p * Math.log2(p);
  }
  return h;
}
