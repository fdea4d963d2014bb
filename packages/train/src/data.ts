import { createHash } from 'node:crypto';
import { packSequences, prepareTokens, type ProgressCallback } from '@scalewise/data';
import type { TokenBatch } from './engine.js';
import { TrainInputError } from './errors.js';
import { Rng, permutation } from '@scalewise/core';

/** Fixed-length rows of seq + 1 tokens (inputs = row[0..seq), targets = row[1..seq]). */
export interface TokenRows {
  numRows: number;
  /** Copy row i (seq + 1 tokens) into out. */
  row(i: number, out: Int32Array): Int32Array;
}

/** What the trainer reads: packed train and validation rows, and what is needed to report bits per byte. */
export interface TrainingData {
  seq: number;
  vocabSize: number;
  train: TokenRows;
  validation: TokenRows;
  /** Validation split tokens per UTF-8 byte (1 for the byte tokenizer), for bits per byte. */
  tokensPerByte: number;
  /** SHA-256 identifying the tokenized data (corpus, tokenizer, split, packing). */
  manifestHash: string;
  /** Human-readable description of the source. */
  description: string;
}

/** Rows cut from one token stream: row i = stream[i·seq, i·seq + seq + 1) (consecutive rows share a token). */
export function rowsFromStream(stream: ArrayLike<number>, seq: number): TokenRows {
  const numRows = stream.length > 1 ? Math.floor((stream.length - 1) / seq) : 0;
  return {
    numRows,
    row(i, out) {
      const start = i * seq;
      for (let j = 0; j <= seq; j++) out[j] = stream[start + j]!;
      return out;
    },
  };
}

/**
 * Tokenize (cached by `@scalewise/data`) and pack a corpus: documents joined with EOS between them; the
 * train split's document order is shuffled with `seed`, validation keeps corpus order.
 */
export async function loadTrainingData(
  spec: { corpus: string; tokenizer: string; seq: number; seed: number },
  onProgress?: ProgressCallback,
): Promise<TrainingData> {
  const prepared = await prepareTokens({ corpus: spec.corpus, tokenizer: spec.tokenizer, ...(onProgress ? { onProgress } : {}) });
  const tok = prepared.tokenizer;
  const sep = { bosId: null, eosId: tok.eosId ?? tok.bosId };
  if (sep.eosId === null) throw new TrainInputError(`tokenizer '${tok.name}' has neither an EOS nor a BOS id to separate documents`);
  const train = packSequences(prepared.splits.train, { seqLen: spec.seq, ...sep, seed: spec.seed });
  const validation = packSequences(prepared.splits.validation, { seqLen: spec.seq, ...sep });
  const val = prepared.splits.validation;
  if (train.numRows === 0 || validation.numRows === 0) {
    throw new TrainInputError(
      `corpus '${spec.corpus}' is too small for seq ${spec.seq}: ${train.numRows} train rows, ${validation.numRows} validation rows`,
    );
  }
  const { createdAt: _createdAt, ...stable } = prepared.manifest;
  const manifestHash = createHash('sha256')
    .update(JSON.stringify({ manifest: stable, seq: spec.seq, packing: 'eos-joined', shuffleSeed: spec.seed }))
    .digest('hex');
  return {
    seq: spec.seq,
    vocabSize: tok.vocabSize,
    train: { numRows: train.numRows, row: (i, out) => train.row(i, out) },
    validation: { numRows: validation.numRows, row: (i, out) => validation.row(i, out) },
    tokensPerByte: val.tokenCount / val.bytes,
    manifestHash,
    description:
      `${prepared.manifest.corpusName} / ${tok.name} tokenizer (${train.numRows} train rows, ${validation.numRows} ` +
      `validation rows of ${spec.seq} tokens)`,
  };
}

/** The sampler's resumable position. */
export interface SamplerState {
  /** Rows handed out so far. */
  consumed: number;
}

/**
 * Batches of rows in a seeded order that is a fresh permutation every epoch, so the whole stream is a
 * deterministic function of (seed, rows consumed): resuming needs only `consumed`.
 */
export class RowSampler {
  private epoch = -1;
  private order: Uint32Array = new Uint32Array(0);
  private readonly row: Int32Array;
  private readonly batch: TokenBatch;
  consumed = 0;

  constructor(
    private readonly rows: TokenRows,
    private readonly seq: number,
    private readonly batchSize: number,
    private readonly seed: number,
  ) {
    if (rows.numRows < 1) throw new TrainInputError('training data has no rows');
    this.row = new Int32Array(seq + 1);
    this.batch = { batch: batchSize, seq, inputs: new Int32Array(batchSize * seq), targets: new Int32Array(batchSize * seq) };
  }

  /** The next batch (its arrays are reused by the following call). */
  next(): TokenBatch {
    const { seq } = this;
    for (let b = 0; b < this.batchSize; b++) {
      const epoch = Math.floor(this.consumed / this.rows.numRows);
      if (epoch !== this.epoch) {
        this.epoch = epoch;
        this.order = permutation(this.rows.numRows, new Rng((this.seed * 1000003 + epoch) >>> 0));
      }
      this.rows.row(this.order[this.consumed % this.rows.numRows]!, this.row);
      this.batch.inputs.set(this.row.subarray(0, seq), b * seq);
      this.batch.targets.set(this.row.subarray(1), b * seq);
      this.consumed++;
    }
    return this.batch;
  }

  state(): SamplerState {
    return { consumed: this.consumed };
  }

  restore(state: SamplerState): void {
    this.consumed = state.consumed;
  }
}

/** The fixed validation batches: the first `count` × batchSize rows (fewer when the split is small). */
export function validationBatches(rows: TokenRows, seq: number, batchSize: number, count: number): TokenBatch[] {
  const out: TokenBatch[] = [];
  const row = new Int32Array(seq + 1);
  for (let start = 0; out.length < count && start < rows.numRows; start += batchSize) {
    const size = Math.min(batchSize, rows.numRows - start);
    const batch: TokenBatch = { batch: size, seq, inputs: new Int32Array(size * seq), targets: new Int32Array(size * seq) };
    for (let b = 0; b < size; b++) {
      rows.row(start + b, row);
      batch.inputs.set(row.subarray(0, seq), b * seq);
      batch.targets.set(row.subarray(1), b * seq);
    }
    out.push(batch);
  }
  return out;
}
