import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config.js';
import { blockSparsePays, blockSparseStaticMasks } from './block-sparse-static.js';
import { attends, MASKED } from './masks.js';
import { chunkedAndDense, hasSquareMask, randomWeights, tinyConfig } from './test-utils.js';

const TOKENS = Array.from({ length: 48 }, (_, i) => (i * 13 + 5) % 50);
type Sparse = { blockSize: number; localBlocks: number; globalTokens: number };

// Two rows: the tokens, and a mapping of them.
const rowsOf = (T: number, V: number) => [TOKENS.slice(0, T), TOKENS.slice(0, T).map((t) => (t * 7 + 3) % V)];

describe('block-sparse attention without a KV cache (chunked blocks, fixed T)', () => {
  it.each([
    [37, { blockSize: 4, localBlocks: 2, globalTokens: 3 }, {}],
    [32, { blockSize: 4, localBlocks: 2, globalTokens: 0 }, { kvHeads: 1 }],
    [20, { blockSize: 3, localBlocks: 1, globalTokens: 5 }, { layerRepeat: 2 }],
    [16, { blockSize: 2, localBlocks: 3, globalTokens: 1 }, { kvHeads: 4 }],
    [48, { blockSize: 5, localBlocks: 2, globalTokens: 12 }, {}],
  ] as Array<[number, Sparse, Partial<ModelConfig>]>)(
    'T %i, %o: logits equal the reference forward and the dense mask',
    async (T, sparse, over) => {
      const config = tinyConfig({ attention: { kind: 'block-sparse', ...sparse }, ...over });
      expect(blockSparsePays(sparse, T)).toBe(true);
      const weights = randomWeights(config, 6);
      const { chunked, dense, gap, scale, denseGap } = await chunkedAndDense(config, weights, rowsOf(T, config.vocabSize));
      expect(gap).toBeLessThan(1e-4);
      expect(scale).toBeGreaterThan(1);
      expect(denseGap).toBeLessThan(1e-5);
      // The dense graph holds a constant [T, T] mask; the chunked one does not.
      expect([hasSquareMask(chunked.graph, T), hasSquareMask(dense.graph, T)]).toEqual([false, true]);
    },
  );

  it.each([
    [{ blockSize: 4, localBlocks: 2, globalTokens: 3 }, 37],
    [{ blockSize: 3, localBlocks: 3, globalTokens: 7 }, 30],
    [{ blockSize: 1, localBlocks: 2, globalTokens: 2 }, 9],
  ] as Array<[Sparse, number]>)('%o at T %i: each query keeps exactly the keys `attends` allows, each once', (sparse, T) => {
    const { chunks, tail, tailStart } = blockSparseStaticMasks({ ...sparse, seqLen: T, headDim: 4, dtype: 'float32' });
    const { blockSize: b, localBlocks: L, globalTokens: G } = sparse;
    const attention = { kind: 'block-sparse' as const, ...sparse };
    const n = Math.floor(T / b);
    for (let i = 0; i < T; i++) {
      const c = Math.floor(i / b);
      const kept: number[] = [];
      if (c < n) {
        const K = G + L * b;
        const row = chunks.slice(i * K, (i + 1) * K);
        row.forEach((m, k) => m === 0 && kept.push(k < G ? k : (c - L + 1) * b + k - G));
      } else {
        const K = G + T - tailStart;
        const row = tail.slice((i - n * b) * K, (i - n * b + 1) * K);
        row.forEach((m, k) => m === 0 && kept.push(k < G ? k : tailStart + k - G));
      }
      const expected = Array.from({ length: T }, (_, j) => j).filter((j) => attends(attention, i, j));
      expect(kept.sort((x, y) => x - y)).toEqual(expected);
    }
    expect(chunks.every((m) => m === 0 || m === MASKED)).toBe(true);
  });

  it('is used once it scores at most half the dense keys (T ≥ 2·(G + L·b))', () => {
    const sparse = { blockSize: 4, localBlocks: 2, globalTokens: 3 };
    expect([blockSparsePays(sparse, 21), blockSparsePays(sparse, 22)]).toEqual([false, true]);
  });
});
