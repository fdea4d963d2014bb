/**
 * Validation a reviewer accepts: every document of the held-out split scored, per document, with the same packing
 * as training (`doc EOS doc EOS …`, `loadTrainingData`), and a document-level bootstrap interval.
 *
 * Targets: every stream position but the first, i.e. each document's tokens and the EOS after it (the first
 * document's first token has no context). Rows of `seq` tokens cut the stream as training rows do; the tail that
 * fits no full row is scored by one last row ending at the stream's end (its already-scored targets masked), so no
 * target is dropped and none is counted twice. Contexts run across separators as in training. Each engine call
 * holds one document's (row, mask) segments, so its mean × count is that document's exact sum of nats; batches
 * keep one shape (padded with fully masked rows) so the native engine builds one session.
 */
import { join } from 'node:path';
import { createRng, natsToBits } from '@scalewise/core';
import { prepareTokens } from '@scalewise/data';
import { loadWeights, type ModelWeights } from '@scalewise/models';
import type { TokenBatch, TrainingEngine } from './engine.js';
import { createEngine } from './engines.js';
import { TrainError, TrainInputError } from './errors.js';
import { readRunResult } from './run-result.js';

/** Documents as token ids (a `@scalewise/data` PreparedSplit fits). */
export interface ValidationDocuments {
  tokens: ArrayLike<number>;
  /** Document d is tokens[docOffsets[d], docOffsets[d + 1]); length documents + 1. */
  docOffsets: ArrayLike<number>;
  /** UTF-8 bytes per document, for bits per byte (default: its token count). */
  docBytes?: ArrayLike<number>;
}

/** Per-document sums: nats of its targets, how many targets, and its bytes. */
export interface DocumentLosses {
  nats: Float64Array;
  tokens: Float64Array;
  bytes: Float64Array;
}

/** Score every target of the split; `batchSize` rows per engine call. */
export async function documentLosses(
  engine: TrainingEngine,
  weights: ModelWeights,
  docs: ValidationDocuments,
  options: { seq: number; batchSize: number; eosId: number },
): Promise<DocumentLosses> {
  const { seq, batchSize, eosId } = options;
  const n = docs.docOffsets.length - 1;
  if (n < 1) throw new TrainInputError('validation: the split has no documents');
  const length = (docs.docOffsets[n] as number) - (docs.docOffsets[0] as number) + n;
  if (length < seq + 1)
    throw new TrainInputError(`validation: the split has ${length} tokens with separators, fewer than one row of ${seq + 1}`);
  const stream = new Int32Array(length);
  // ends[d]: stream index of document d's EOS (its last target).
  const ends = new Float64Array(n);
  let at = 0;
  for (let d = 0; d < n; d++) {
    for (let i = docs.docOffsets[d] as number; i < (docs.docOffsets[d + 1] as number); i++) stream[at++] = docs.tokens[i] as number;
    ends[d] = at;
    stream[at++] = eosId;
  }
  // Row starts: training's full rows, then one row ending at the stream's end for the tail.
  const full = Math.floor((length - 1) / seq);
  const starts: number[] = Array.from({ length: full }, (_, i) => i * seq);
  const covered = full * seq; // targets 1..covered are scored by the full rows
  if (covered < length - 1) starts.push(length - 1 - seq);
  // Segments per document: row start and the target range [from, to] (stream positions) it scores.
  const segments: { start: number; from: number; to: number }[][] = Array.from({ length: n }, () => []);
  let doc = 0;
  for (const [r, start] of starts.entries()) {
    let from = r < full ? start + 1 : covered + 1;
    const last = start + seq;
    while (from <= last) {
      while (ends[doc]! < from) doc++;
      const to = Math.min(last, ends[doc]!);
      segments[doc]!.push({ start, from, to });
      from = to + 1;
    }
  }
  const nats = new Float64Array(n);
  const tokens = new Float64Array(n);
  const bytes = Float64Array.from({ length: n }, (_, d) =>
    docs.docBytes ? (docs.docBytes[d] as number) : (docs.docOffsets[d + 1] as number) - (docs.docOffsets[d] as number),
  );
  const batch: TokenBatch = {
    batch: batchSize,
    seq,
    inputs: new Int32Array(batchSize * seq),
    targets: new Int32Array(batchSize * seq),
    mask: new Uint8Array(batchSize * seq),
  };
  for (let d = 0; d < n; d++) {
    const list = segments[d]!;
    for (let s = 0; s < list.length; s += batchSize) {
      batch.inputs.fill(0);
      batch.targets.fill(0);
      batch.mask!.fill(0);
      list.slice(s, s + batchSize).forEach((seg, b) => {
        for (let j = 0; j < seq; j++) {
          batch.inputs[b * seq + j] = stream[seg.start + j]!;
          const target = seg.start + j + 1;
          batch.targets[b * seq + j] = stream[target]!;
          if (target >= seg.from && target <= seg.to) batch.mask![b * seq + j] = 1;
        }
      });
      const r = await engine.loss(weights, batch);
      nats[d]! += r.meanNats * r.count;
      tokens[d]! += r.count;
    }
  }
  let total = 0;
  for (const t of tokens) total += t;
  if (total !== length - 1) throw new TrainError(`validation: scored ${total} targets, expected ${length - 1}`);
  return { nats, tokens, bytes };
}

/** Whole-split validation with document-bootstrap intervals (percentile). */
export interface ValidationEstimate {
  /** Mean nats per target token over the whole split. */
  loss_nats: number;
  loss_ci: [number, number];
  /** Bits per UTF-8 byte (all targets' bits, separators included, over the documents' bytes; as the n-gram baselines). */
  bpb: number;
  bpb_ci: [number, number];
  tokens: number;
  documents: number;
  level: number;
  resamples: number;
  method: string;
}

/** Resample documents with replacement; each resample's loss is Σ nats / Σ tokens (bpb: Σ bits / Σ bytes). */
export function bootstrapDocumentLosses(
  losses: DocumentLosses,
  options: { resamples?: number; level?: number; seed?: number } = {},
): ValidationEstimate {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const n = losses.nats.length;
  if (n < 1) throw new TrainInputError('validation bootstrap: no documents');
  if (!(Number.isInteger(resamples) && resamples >= 10))
    throw new TrainInputError(`validation bootstrap: resamples must be an integer >= 10, found ${resamples}`);
  if (!(level > 0 && level < 1)) throw new TrainInputError(`validation bootstrap: level must be in (0, 1), found ${level}`);
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  const totalNats = sum(losses.nats);
  const totalTokens = sum(losses.tokens);
  const totalBytes = sum(losses.bytes);
  const rng = createRng(options.seed ?? 0);
  const loss = new Float64Array(resamples);
  const bpb = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let a = 0,
      t = 0,
      b = 0;
    for (let i = 0; i < n; i++) {
      const d = rng.int(n);
      a += losses.nats[d]!;
      t += losses.tokens[d]!;
      b += losses.bytes[d]!;
    }
    loss[r] = a / t;
    bpb[r] = natsToBits(a) / b;
  }
  const pick = (values: Float64Array): [number, number] => {
    const sorted = Float64Array.from(values).sort();
    const at = (q: number) => sorted[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
    return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
  };
  return {
    loss_nats: totalNats / totalTokens,
    loss_ci: pick(loss),
    bpb: natsToBits(totalNats) / totalBytes,
    bpb_ci: pick(bpb),
    tokens: totalTokens,
    documents: n,
    level,
    resamples,
    method: `document bootstrap (${resamples} resamples, percentile)`,
  };
}

/** The split's first documents (corpus order, whole documents) holding at least `maxTokens` tokens; all when fewer. */
export function leadingDocuments(docs: ValidationDocuments, maxTokens: number): ValidationDocuments {
  if (!(Number.isInteger(maxTokens) && maxTokens > 0))
    throw new TrainInputError(`validation: maxTokens must be a positive integer, found ${maxTokens}`);
  const n = docs.docOffsets.length - 1;
  let count = 1;
  while (count < n && (docs.docOffsets[count] as number) - (docs.docOffsets[0] as number) < maxTokens) count++;
  const offsets = Array.from({ length: count + 1 }, (_, i) => docs.docOffsets[i] as number);
  return {
    tokens: docs.tokens,
    docOffsets: offsets,
    ...(docs.docBytes ? { docBytes: Array.from({ length: count }, (_, i) => docs.docBytes![i] as number) } : {}),
  };
}

/**
 * Score a finished run's final checkpoint on its corpus's whole validation split (same tokenizer, same EOS
 * packing as its training), with document-bootstrap intervals.
 */
export async function validateRun(
  runDir: string,
  options: { threads?: number; batchSize?: number; resamples?: number; seed?: number; maxTokens?: number } = {},
): Promise<ValidationEstimate> {
  const result = readRunResult(runDir);
  if (result.checkpoint === null)
    throw new TrainInputError(`${join(runDir, 'result.json')}: field 'checkpoint': the run saved no checkpoint to validate`);
  const config = result.config;
  const weights = loadWeights(join(result.checkpoint, 'model.safetensors'), config.model).weights;
  const prepared = await prepareTokens({ corpus: config.data.corpus, tokenizer: config.data.tokenizer });
  const eosId = prepared.tokenizer.eosId ?? prepared.tokenizer.bosId;
  if (eosId === null)
    throw new TrainInputError(`tokenizer '${prepared.tokenizer.name}' has neither an EOS nor a BOS id to separate documents`);
  const engine = await createEngine(config.engine, config.model, options.threads === undefined ? {} : { threads: options.threads });
  try {
    const split =
      options.maxTokens === undefined ? prepared.splits.validation : leadingDocuments(prepared.splits.validation, options.maxTokens);
    const losses = await documentLosses(engine, weights, split, { seq: config.data.seq, batchSize: options.batchSize ?? 32, eosId });
    return bootstrapDocumentLosses(losses, {
      ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
      seed: options.seed ?? config.seed,
    });
  } finally {
    await engine.dispose();
  }
}
