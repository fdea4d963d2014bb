import { describe, expect, it } from 'vitest';
import { initWeights } from '@scalewise/models';
import { bootstrapDocumentLosses, documentLosses, leadingDocuments } from './doc-validation.js';
import { createReferenceEngine } from './reference/engine.js';
import { tinyModel } from './test-utils.js';

const model = tinyModel();
const docsOf = (lengths: number[]) => {
  const offsets = [0];
  for (const n of lengths) offsets.push(offsets.at(-1)! + n);
  const tokens = Array.from({ length: offsets.at(-1)! }, (_, i) => (i * 7 + 3) % 14);
  return { tokens, docOffsets: offsets };
};

describe('documentLosses', () => {
  it('scores every target once, per document, with EOS after each document', async () => {
    const engine = await createReferenceEngine(model, {});
    const weights = initWeights(model, 1);
    const docs = docsOf([5, 12, 7, 9]);
    const losses = await documentLosses(engine, weights, docs, { seq: 4, batchSize: 2, eosId: 15 });
    // Document d's targets: its tokens and its EOS; the first document's first token has no context.
    expect(Array.from(losses.tokens)).toEqual([5, 13, 8, 10]);
    expect(Array.from(losses.bytes)).toEqual([5, 12, 7, 9]);
    expect(losses.nats.every((v) => v > 0)).toBe(true);
  });

  it('sums to the unmasked loss of the packed rows when the stream fills whole rows', async () => {
    const engine = await createReferenceEngine(model, {});
    const weights = initWeights(model, 2);
    const docs = docsOf([6, 9, 4]); // 19 tokens + 3 EOS = 22 = 1 + 7·3 → 7 full rows of seq 3, no tail
    const losses = await documentLosses(engine, weights, docs, { seq: 3, batchSize: 4, eosId: 15 });
    const stream = [...docs.tokens.slice(0, 6), 15, ...docs.tokens.slice(6, 15), 15, ...docs.tokens.slice(15), 15];
    const rows = 7;
    const inputs = new Int32Array(rows * 3);
    const targets = new Int32Array(rows * 3);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < 3; j++) {
        inputs[r * 3 + j] = stream[r * 3 + j]!;
        targets[r * 3 + j] = stream[r * 3 + j + 1]!;
      }
    const whole = await engine.loss(weights, { batch: rows, seq: 3, inputs, targets });
    const total = losses.nats.reduce((a, b) => a + b, 0);
    expect(whole.count).toBe(21);
    expect(total).toBeCloseTo(whole.meanNats * whole.count, 4);
  });
});

describe('bootstrapDocumentLosses', () => {
  it('gives the ratio estimate with an interval around it, collapsing when documents agree', () => {
    const varied = bootstrapDocumentLosses(
      {
        nats: Float64Array.from([10, 30, 20, 50]),
        tokens: Float64Array.from([10, 10, 10, 20]),
        bytes: Float64Array.from([10, 10, 10, 20]),
      },
      { resamples: 500, seed: 3 },
    );
    expect(varied.loss_nats).toBeCloseTo(110 / 50, 12);
    expect(varied.bpb).toBeCloseTo(110 / Math.LN2 / 50, 12);
    expect(varied.loss_ci[0]).toBeLessThan(varied.loss_nats);
    expect(varied.loss_ci[1]).toBeGreaterThan(varied.loss_nats);
    const same = bootstrapDocumentLosses(
      { nats: Float64Array.from([2, 2, 2]), tokens: Float64Array.from([1, 1, 1]), bytes: Float64Array.from([1, 1, 1]) },
      { resamples: 100 },
    );
    expect(same.loss_ci[0]).toBeCloseTo(2, 12);
    expect(same.loss_ci[1]).toBeCloseTo(2, 12);
    expect(() => bootstrapDocumentLosses({ nats: new Float64Array(0), tokens: new Float64Array(0), bytes: new Float64Array(0) })).toThrow(
      /no documents/,
    );
  });
});

describe('leadingDocuments', () => {
  it('keeps whole documents in order until the token count is reached', () => {
    const docs = { tokens: [1, 2, 3, 4, 5, 6, 7, 8, 9], docOffsets: [0, 2, 5, 9], docBytes: [2, 3, 4] };
    expect(leadingDocuments(docs, 3)).toEqual({ tokens: docs.tokens, docOffsets: [0, 2, 5], docBytes: [2, 3] });
    expect(leadingDocuments(docs, 2).docOffsets).toEqual([0, 2]);
    expect(leadingDocuments(docs, 100).docOffsets).toEqual([0, 2, 5, 9]);
    expect(() => leadingDocuments(docs, 0)).toThrow(/maxTokens/);
  });
});
