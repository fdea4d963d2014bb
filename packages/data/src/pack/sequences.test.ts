import { describe, expect, it } from 'vitest';
import { batches, packSequences } from './sequences.js';

function docsOf(lengths: number[]): { tokens: Uint16Array; docOffsets: Float64Array; bodies: number[][] } {
  const bodies = lengths.map((n, d) => Array.from({ length: n }, (_, i) => 10 * d + (i % 10)));
  const tokens = Uint16Array.from(bodies.flat());
  const docOffsets = new Float64Array(lengths.length + 1);
  lengths.forEach((n, i) => {
    docOffsets[i + 1] = (docOffsets[i] as number) + n;
  });
  return { tokens, docOffsets, bodies };
}

describe('packSequences', () => {
  it('builds [BOS] doc [EOS] streams and rows overlapping by one token', () => {
    const { tokens, docOffsets, bodies } = docsOf([3, 5, 2]);
    const p = packSequences({ tokens, docOffsets }, { seqLen: 4, bosId: 1000, eosId: 1001 });
    const expected = bodies.flatMap((b) => [1000, ...b, 1001]);
    expect(Array.from(p.stream)).toEqual(expected);
    expect(p.numRows).toBe(Math.floor((expected.length - 1) / 4));
    for (let i = 0; i < p.numRows; i++) expect(Array.from(p.row(i))).toEqual(expected.slice(4 * i, 4 * i + 5));
    // Every target position 1..numRows*seqLen is covered exactly once.
    expect(p.numRows * 4 + 1 + p.droppedTokens).toBe(expected.length);
  });

  it('shuffles documents deterministically by seed and keeps them whole', () => {
    const { tokens, docOffsets } = docsOf([4, 4, 4, 4, 4, 4]);
    const a = packSequences({ tokens, docOffsets }, { seqLen: 8, bosId: null, eosId: 999, seed: 5 });
    const b = packSequences({ tokens, docOffsets }, { seqLen: 8, bosId: null, eosId: 999, seed: 5 });
    const c = packSequences({ tokens, docOffsets }, { seqLen: 8, bosId: null, eosId: 999 });
    expect(Array.from(a.stream)).toEqual(Array.from(b.stream));
    expect(Array.from(a.stream)).not.toEqual(Array.from(c.stream));
    expect([...a.stream].sort((x, y) => x - y)).toEqual([...c.stream].sort((x, y) => x - y));
  });

  it('needs a separator and a valid length', () => {
    const { tokens, docOffsets } = docsOf([3]);
    expect(() => packSequences({ tokens, docOffsets }, { seqLen: 4, bosId: null, eosId: null })).toThrow(/BOS or EOS/);
    expect(() => packSequences({ tokens, docOffsets }, { seqLen: 0, bosId: 1, eosId: 2 })).toThrow(/seqLen/);
  });
});

describe('batches', () => {
  it('yields [batch, seq+1] rows with inputs/targets shifted by one, each row once per epoch', () => {
    const { tokens, docOffsets } = docsOf([20, 13, 31, 7]);
    const p = packSequences({ tokens, docOffsets }, { seqLen: 5, bosId: 1000, eosId: 1001 });
    const seen: number[] = [];
    for (const b of batches(p, { batchSize: 3, seed: 1, dropLast: false })) {
      expect(b.tokens.length).toBe(b.batchSize * 6);
      for (let r = 0; r < b.batchSize; r++) {
        const row = Array.from(p.row(b.rows[r] as number));
        expect(Array.from(b.tokens.subarray(r * 6, r * 6 + 6))).toEqual(row);
        expect(Array.from(b.inputs.subarray(r * 5, r * 5 + 5))).toEqual(row.slice(0, 5));
        expect(Array.from(b.targets.subarray(r * 5, r * 5 + 5))).toEqual(row.slice(1));
      }
      seen.push(...b.rows);
    }
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: p.numRows }, (_, i) => i));
  });

  it('is reproducible by seed and reshuffles each epoch', () => {
    const { tokens, docOffsets } = docsOf([50, 50, 50]);
    const p = packSequences({ tokens, docOffsets }, { seqLen: 4, bosId: 1000, eosId: 1001 });
    const order = (seed: number): number[][] => [...batches(p, { batchSize: 4, seed, epochs: 2 })].map((b) => Array.from(b.rows));
    expect(order(3)).toEqual(order(3));
    expect(order(3)).not.toEqual(order(4));
    const epochs = [...batches(p, { batchSize: 4, seed: 3, epochs: 2 })];
    const e0 = epochs.filter((b) => b.epoch === 0).flatMap((b) => Array.from(b.rows));
    const e1 = epochs.filter((b) => b.epoch === 1).flatMap((b) => Array.from(b.rows));
    expect(e0).not.toEqual(e1);
    expect(epochs.every((b) => b.batchSize === 4)).toBe(true);
  });

  it('refuses to yield nothing when there are too few rows', () => {
    const { tokens, docOffsets } = docsOf([5]);
    const p = packSequences({ tokens, docOffsets }, { seqLen: 4, bosId: 1000, eosId: 1001 });
    expect(p.numRows).toBe(1);
    expect(() => [...batches(p, { batchSize: 2 })]).toThrow(/at least 2 packed rows of 5 tokens, found 1/);
    expect([...batches(p, { batchSize: 2, dropLast: false })].length).toBe(1);
  });
});
