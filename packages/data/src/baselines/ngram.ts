/**
 * Byte-level n-gram baselines, fitted on one split and scored on another, in bits per byte.
 *
 * Separator convention (mirrors `loadTrainingData`, which packs with `packSequences({ bosId: null, eosId })`:
 * `doc EOS doc EOS …`): the alphabet is the 256 byte values plus one separator symbol (`NGRAM_SEPARATOR`, the
 * EOS); documents are joined as `EOS d₁ EOS d₂ EOS … dₙ EOS` — one EOS is prepended so the first document, like
 * every other, is read after a separator — and contexts run across separators as in packed training rows. Each
 * document's targets are its bytes and the EOS after it (packed validation rows score that EOS too); bits per
 * byte divide the bits of all targets by the documents' UTF-8 bytes. `docBits` allows a document bootstrap.
 *
 * Models:
 * - order 1: add-one (Laplace) unigram over the 257 symbols, P(w) = (c(w) + 1) / (N + 257).
 * - orders 2–5: interpolated Kneser–Ney (Chen & Goodman 1998, "interpolated KN") with ONE absolute discount
 *   per level, D = n₁ / (n₁ + 2n₂) from that level's counts-of-counts (Ney et al.). The highest level uses raw
 *   counts, lower levels continuation counts N₁₊(• g); the order-1 level interpolates with the uniform 1/257.
 *   P(w | h) = max(c(hw) − D, 0) / c(h•) + D · N₁₊(h•) / c(h•) · P(w | h′), h′ = h without its first symbol;
 *   a context never seen in training passes P(w | h′) through unchanged.
 */
import { DataInputError } from '../errors.js';
import { CountTable } from './count-table.js';

/** The separator (EOS) symbol; byte values are 0–255. */
export const NGRAM_SEPARATOR = 256;
/** Symbols predicted: 256 bytes + the separator. */
export const NGRAM_ALPHABET = 257;
/** Base of the integer n-gram keys: symbols are stored as 1…257 so that keys of different lengths differ. */
const BASE = 258;
const MAX_ORDER = 5;
const POW = Array.from({ length: MAX_ORDER + 1 }, (_, k) => BASE ** k);

/** Documents as byte tokens (a byte-tokenizer `PreparedSplit` fits). */
export interface ByteDocuments {
  tokens: Uint8Array | Uint16Array | Uint32Array;
  /** Document d is `tokens[docOffsets[d], docOffsets[d + 1])`; length documents + 1. */
  docOffsets: ArrayLike<number>;
  /** UTF-8 bytes per document (default: its token count, exact for the byte tokenizer). */
  docBytes?: ArrayLike<number>;
}

export interface NgramOptions {
  /** Highest order fitted, 1–5. Default 5. */
  maxOrder?: number;
}

export interface NgramModel {
  maxOrder: number;
  /** Training targets counted (bytes + separators). */
  trainTokens: number;
  /**
   * Absolute discount per level k: `raw[k]` when k is the model's order (k ≥ 2), `continuation[k]` below it; NaN where
   * unused (order 1 is add-one).
   */
  discounts: { raw: number[]; continuation: number[] };
  /** P(symbol | context) under the model of `order` (1 = add-one unigram); the last `order − 1` context symbols are used. */
  probability(order: number, context: ArrayLike<number>, symbol: number): number;
}

export interface NgramScore {
  order: number;
  method: 'add-one unigram' | 'interpolated Kneser-Ney';
  bitsPerByte: number;
  /** Bits per predicted symbol (bytes and separators). */
  bitsPerToken: number;
  bits: number;
  bytes: number;
  /** Symbols predicted: every byte and one separator per document. */
  tokens: number;
  documents: number;
  /** Bits spent on the separators (bits − separatorBits = the documents' bytes alone). */
  separatorBits: number;
  /** Bits of each document's targets (its bytes and its trailing separator). */
  docBits: Float64Array;
  docBytes: Float64Array;
}

/** Byte documents from texts (UTF-8), e.g. for tests and small corpora. */
export function byteDocuments(texts: readonly string[]): ByteDocuments {
  const parts = texts.map((t) => new TextEncoder().encode(t));
  const docOffsets = new Float64Array(parts.length + 1);
  parts.forEach((p, i) => {
    docOffsets[i + 1] = (docOffsets[i] as number) + p.length;
  });
  const tokens = new Uint8Array(docOffsets[parts.length] as number);
  parts.forEach((p, i) => tokens.set(p, docOffsets[i] as number));
  return { tokens, docOffsets, docBytes: Float64Array.from(parts, (p) => p.length) };
}

/** `EOS d₁ EOS d₂ EOS …`, checking that every token is a byte. */
function symbolStream(docs: ByteDocuments, what: string): { stream: Uint16Array; starts: Float64Array } {
  const n = docs.docOffsets.length - 1;
  if (n < 1) throw new DataInputError(`ngram baselines: the ${what} split has no documents`);
  const stream = new Uint16Array(docs.tokens.length + n + 1);
  const starts = new Float64Array(n);
  stream[0] = NGRAM_SEPARATOR;
  let at = 1;
  for (let d = 0; d < n; d++) {
    starts[d] = at;
    for (let i = docs.docOffsets[d] as number; i < (docs.docOffsets[d + 1] as number); i++) {
      const v = docs.tokens[i] as number;
      if (!(v >= 0 && v < 256))
        throw new DataInputError(
          `ngram baselines: expected byte tokens 0–255 (the byte tokenizer), found id ${v} in ${what} document ${d}`,
        );
      stream[at++] = v;
    }
    stream[at++] = NGRAM_SEPARATOR;
  }
  return { stream, starts };
}

interface Level {
  grams: CountTable;
  total: CountTable;
  types: CountTable;
  discount: number;
}

/** A model's scorer: `fill(s, t)` writes P(s[t] | s[..t]) of every order into `out[1…maxOrder]`. */
interface Scorer {
  fill: (s: ArrayLike<number>, t: number) => void;
  out: Float64Array;
}
const scorers = new WeakMap<NgramModel, Scorer>();

function discountOf(grams: CountTable): number {
  let n1 = 0;
  let n2 = 0;
  grams.forEach((_, c) => {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  });
  // No singletons (tiny data): no estimate, so the conventional 0.5.
  return n1 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
}

/** Context totals c(h•) and follower types N₁₊(h•) of a level's counts. */
function level(grams: CountTable): Level {
  const total = new CountTable(grams.size / 4);
  const types = new CountTable(grams.size / 4);
  grams.forEach((key, c) => {
    const last = key % BASE;
    const ctx = (key - last) / BASE;
    total.add(ctx, c);
    types.add(ctx, 1);
  });
  return { grams, total, types, discount: discountOf(grams) };
}

function interpolate(l: Level, gram: number, ctx: number, lower: number): number {
  const total = l.total.get(ctx);
  if (total === 0) return lower;
  return Math.max(l.grams.get(gram) - l.discount, 0) / total + ((l.discount * l.types.get(ctx)) / total) * lower;
}

/** Count n-grams of the train split (one pass) and derive every level's tables. */
export function fitNgramModel(train: ByteDocuments, options: NgramOptions = {}): NgramModel {
  const maxOrder = options.maxOrder ?? MAX_ORDER;
  if (!(Number.isInteger(maxOrder) && maxOrder >= 1 && maxOrder <= MAX_ORDER)) {
    throw new DataInputError(`ngram baselines: expected maxOrder an integer 1–${MAX_ORDER}, found ${maxOrder}`);
  }
  const { stream } = symbolStream(train, 'train');
  const raw = Array.from({ length: maxOrder + 1 }, () => new CountTable(1 << 12));
  for (let t = 1; t < stream.length; t++) {
    let key = 0;
    for (let k = 1; k <= maxOrder && t - k + 1 >= 0; k++) {
      key += ((stream[t - k + 1] as number) + 1) * (POW[k - 1] as number);
      (raw[k] as CountTable).add(key);
    }
  }
  // Continuation counts: N₁₊(• g) = distinct (k+1)-grams ending in g.
  const cont = Array.from({ length: maxOrder }, () => new CountTable(1 << 12));
  for (let k = 1; k < maxOrder; k++) {
    const p = POW[k] as number;
    (raw[k + 1] as CountTable).forEach((key) => (cont[k] as CountTable).add(key - Math.floor(key / p) * p));
  }
  const rawLevels = raw.map((g, k) => (k === 0 ? null : level(g)));
  const contLevels = cont.map((g, k) => (k === 0 ? null : level(g)));
  const unigram = raw[1] as CountTable;
  const trainTokens = stream.length - 1;
  const out = new Float64Array(maxOrder + 1);
  const chain = new Float64Array(maxOrder);

  /** out[n] = P(s[t] | history in s before t) under the order-n model, n = 1…maxOrder. */
  const fill = (s: ArrayLike<number>, t: number): void => {
    const w = (s[t] as number) + 1;
    out[1] = (unigram.get(w) + 1) / (trainTokens + NGRAM_ALPHABET);
    chain[0] = 1 / NGRAM_ALPHABET;
    let key = 0;
    for (let k = 1; k <= maxOrder; k++) {
      const available = t - k + 1 >= 0;
      if (available) key += ((s[t - k + 1] as number) + 1) * (POW[k - 1] as number);
      const ctx = (key - w) / BASE;
      if (k >= 2) out[k] = available ? interpolate(rawLevels[k] as Level, key, ctx, chain[k - 1] as number) : (chain[k - 1] as number);
      if (k < maxOrder)
        chain[k] = available ? interpolate(contLevels[k] as Level, key, ctx, chain[k - 1] as number) : (chain[k - 1] as number);
    }
  };

  const model: NgramModel = {
    maxOrder,
    trainTokens,
    discounts: {
      raw: rawLevels.map((l, k) => (l === null || k === 1 ? Number.NaN : l.discount)),
      continuation: contLevels.map((l) => (l === null ? Number.NaN : l.discount)),
    },
    probability(order, context, symbol) {
      if (!(Number.isInteger(order) && order >= 1 && order <= maxOrder))
        throw new DataInputError(`ngram probability: expected order 1–${maxOrder}, found ${order}`);
      const s = [...Array.from(context), symbol];
      for (const v of s)
        if (!(Number.isInteger(v) && v >= 0 && v <= NGRAM_SEPARATOR))
          throw new DataInputError(`ngram probability: expected symbols 0–256 (256 = separator), found ${v}`);
      fill(s, s.length - 1);
      return out[order] as number;
    },
  };
  scorers.set(model, { fill, out });
  return model;
}

/** Score every document of a split under every order 1…maxOrder in one pass. */
export function scoreNgramModel(model: NgramModel, validation: ByteDocuments): NgramScore[] {
  const inner = scorers.get(model);
  if (inner === undefined) throw new DataInputError('scoreNgramModel: expected a model from fitNgramModel');
  const { stream, starts } = symbolStream(validation, 'validation');
  const docs = starts.length;
  const orders = model.maxOrder;
  const docBits = Array.from({ length: orders + 1 }, () => new Float64Array(docs));
  const docBytes = new Float64Array(docs);
  const separatorBits = new Float64Array(orders + 1);
  for (let d = 0; d < docs; d++) {
    const length = (validation.docOffsets[d + 1] as number) - (validation.docOffsets[d] as number);
    docBytes[d] = validation.docBytes === undefined ? length : (validation.docBytes[d] as number);
    // Targets: the document's bytes and its trailing separator.
    const end = (starts[d] as number) + length;
    for (let t = starts[d] as number; t <= end; t++) {
      inner.fill(stream, t);
      for (let n = 1; n <= orders; n++) {
        const bits = -Math.log2(inner.out[n] as number);
        (docBits[n] as Float64Array)[d]! += bits;
        if (t === end) separatorBits[n]! += bits;
      }
    }
  }
  let bytes = 0;
  for (const b of docBytes) bytes += b;
  if (!(bytes > 0)) throw new DataInputError('ngram baselines: the validation split has no bytes to score');
  const tokens = stream.length - 1;
  return Array.from({ length: orders }, (_, i) => {
    const order = i + 1;
    let bits = 0;
    for (const b of docBits[order] as Float64Array) bits += b;
    return {
      order,
      method: order === 1 ? 'add-one unigram' : 'interpolated Kneser-Ney',
      bitsPerByte: bits / bytes,
      bitsPerToken: bits / tokens,
      bits,
      bytes,
      tokens,
      documents: docs,
      separatorBits: separatorBits[order] as number,
      docBits: docBits[order] as Float64Array,
      docBytes,
    };
  });
}

/** Fit on `train`, score `validation`: bits/byte for orders 1…maxOrder. */
export function ngramBaselines(train: ByteDocuments, validation: ByteDocuments, options: NgramOptions = {}): NgramScore[] {
  return scoreNgramModel(fitNgramModel(train, options), validation);
}
