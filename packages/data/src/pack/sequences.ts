import { DataInputError } from '../errors.js';
import { permutation } from '../hash.js';

/** Concatenated document tokens with document boundaries (a `PreparedSplit` fits). */
export interface TokenDocuments {
  tokens: Uint16Array | Uint32Array;
  docOffsets: Float64Array;
}

export interface PackOptions {
  /** Model input length; rows hold seqLen + 1 tokens. */
  seqLen: number;
  /** Inserted before every document when not null. */
  bosId: number | null;
  /** Inserted after every document when not null. */
  eosId: number | null;
  /** Shuffle document order with this seed before packing; omit to keep corpus order. */
  seed?: number;
}

/**
 * Fixed-length training rows cut from one token stream `[BOS] doc [EOS] [BOS] doc [EOS] ...`.
 * Row i is `stream[i*seqLen, i*seqLen + seqLen + 1)`: consecutive rows share one token, so every
 * stream token after the first is a target exactly once. For next-token training use
 * inputs = row[0..seqLen) and targets = row[1..seqLen].
 */
export interface PackedSequences {
  seqLen: number;
  rowLength: number;
  numRows: number;
  /** The stream with separators, same integer width as the split's tokens. */
  stream: Uint16Array | Uint32Array;
  /** Stream tokens at the end that fit in no full row (never used as targets). */
  droppedTokens: number;
  /** Copy row i into `out` (length seqLen + 1, allocated when omitted) as Int32. */
  row(i: number, out?: Int32Array): Int32Array;
}

/** Pack documents into fixed-length rows with BOS/EOS between documents. */
export function packSequences(docs: TokenDocuments, options: PackOptions): PackedSequences {
  const { seqLen, bosId, eosId } = options;
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new DataInputError(`packSequences: expected an integer seqLen >= 1, found ${seqLen}`);
  if (bosId === null && eosId === null)
    throw new DataInputError('packSequences: expected a BOS or EOS id to separate documents, found neither');
  const n = docs.docOffsets.length - 1;
  const extra = (bosId === null ? 0 : 1) + (eosId === null ? 0 : 1);
  const length = docs.tokens.length + n * extra;
  const stream =
    docs.tokens instanceof Uint16Array && Math.max(bosId ?? 0, eosId ?? 0) < 65536 ? new Uint16Array(length) : new Uint32Array(length);
  const order = options.seed === undefined ? null : permutation(n, options.seed);
  let at = 0;
  for (let k = 0; k < n; k++) {
    const d = order === null ? k : (order[k] as number);
    if (bosId !== null) stream[at++] = bosId;
    const body = docs.tokens.subarray(docs.docOffsets[d] as number, docs.docOffsets[d + 1] as number);
    stream.set(body, at);
    at += body.length;
    if (eosId !== null) stream[at++] = eosId;
  }
  const numRows = length > 1 ? Math.floor((length - 1) / seqLen) : 0;
  return {
    seqLen,
    rowLength: seqLen + 1,
    numRows,
    stream,
    droppedTokens: length - (numRows * seqLen + (numRows > 0 ? 1 : 0)),
    row(i, out = new Int32Array(seqLen + 1)) {
      if (!Number.isInteger(i) || i < 0 || i >= numRows) throw new DataInputError(`row: expected 0 <= i < ${numRows}, found ${i}`);
      const start = i * seqLen;
      for (let j = 0; j <= seqLen; j++) out[j] = stream[start + j] as number;
      return out;
    },
  };
}

/** A training batch. `tokens` is [batchSize, seqLen + 1] row-major; `inputs`/`targets` are its [batchSize, seqLen] views as copies. */
export interface Batch {
  batchSize: number;
  seqLen: number;
  tokens: Int32Array;
  /** tokens[:, 0:seqLen] */
  inputs: Int32Array;
  /** tokens[:, 1:seqLen+1] */
  targets: Int32Array;
  /** Which packed rows are in the batch. */
  rows: Uint32Array;
  epoch: number;
  /** Index of the batch within its epoch. */
  step: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Row order is a seeded permutation, different for every epoch. */
  seed?: number;
  /** Number of passes over the rows (default 1). */
  epochs?: number;
  /** Start at this epoch (for resuming). */
  startEpoch?: number;
  /** Drop the last batch of an epoch when it has fewer than batchSize rows (default true). */
  dropLast?: boolean;
}

/** Seeded, shuffled batches over packed rows, epoch after epoch. */
export function* batches(packed: PackedSequences, options: BatchOptions): Generator<Batch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DataInputError(`batches: expected an integer batchSize >= 1, found ${batchSize}`);
  const seed = options.seed ?? 0;
  const dropLast = options.dropLast ?? true;
  if (packed.numRows === 0 || (dropLast && packed.numRows < batchSize)) {
    throw new DataInputError(
      `batches: expected at least ${dropLast ? batchSize : 1} packed rows of ${packed.seqLen + 1} tokens, found ${packed.numRows} ` +
        `(too little data for this batch size and sequence length)`,
    );
  }
  const epochs = options.epochs ?? 1;
  const seq = packed.seqLen;
  const row = new Int32Array(seq + 1);
  for (let epoch = options.startEpoch ?? 0; epoch < epochs; epoch++) {
    const order = permutation(packed.numRows, (Math.imul(seed, 0x9e3779b1) + epoch) >>> 0);
    for (let start = 0, step = 0; start < order.length; start += batchSize, step++) {
      const size = Math.min(batchSize, order.length - start);
      if (size < batchSize && dropLast) break;
      const tokens = new Int32Array(size * (seq + 1));
      const inputs = new Int32Array(size * seq);
      const targets = new Int32Array(size * seq);
      const rows = order.slice(start, start + size);
      for (let b = 0; b < size; b++) {
        packed.row(rows[b] as number, row);
        tokens.set(row, b * (seq + 1));
        inputs.set(row.subarray(0, seq), b * seq);
        targets.set(row.subarray(1), b * seq);
      }
      yield { batchSize: size, seqLen: seq, tokens, inputs, targets, rows, epoch, step };
    }
  }
}
