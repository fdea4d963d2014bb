import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { loadOrtModel } from '../backends/ort.js';
import { perplexity } from '../ppl/perplexity.js';
import { createRng } from '@scalewise/core';
import { quantizeBlocks8 } from './blocks.js';
import { quantizeGraphInt8, quantizeTransposed, writeInt8ModelFolder } from './int8.js';
import { buildInferenceGraph } from '@scalewise/models/internals';

const dir = mkdtempSync(join(tmpdir(), 'eval-int8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('int8 weights', () => {
  it('quantizeTransposed stores Wᵀ with per-output scales, within half a step of W', () => {
    const rand = createRng(1);
    const [out, inDim] = [5, 7];
    const w = Float32Array.from({ length: out * inDim }, () => rand.next() * 2 - 1);
    const { q, scale } = quantizeTransposed(w, out, inDim);
    for (let o = 0; o < out; o++) {
      const row = Array.from(w.subarray(o * inDim, (o + 1) * inDim));
      expect(scale[o]).toBeCloseTo(Math.max(...row.map(Math.abs)) / 127, 7);
      row.forEach((v, i) =>
        expect(Math.abs((q[i * out + o] as number) * (scale[o] as number) - v)).toBeLessThanOrEqual((scale[o] as number) / 2 + 1e-7),
      );
    }
  });

  it('quantizeBlocks8 keeps each block of a row within half a step, the partial last block padded with zeros', () => {
    const rand = createRng(2);
    const [n, k, bs] = [3, 40, 16]; // 3 blocks per row, the last one 8 wide
    const w = Float32Array.from({ length: n * k }, () => rand.next() * 2 - 1);
    w[5] = 10; // one large weight: only its own block's scale grows
    const { q, scales } = quantizeBlocks8(w, n, k, bs);
    expect(q.length).toBe(n * 3 * bs);
    expect(scales[0]).toBeCloseTo(10 / 127, 6);
    expect(scales[1]).toBeLessThan(1 / 127 + 1e-7);
    for (let row = 0; row < n; row++) {
      for (let i = 0; i < k; i++) {
        const b = Math.floor(i / bs);
        const s = scales[row * 3 + b] as number;
        const value = ((q[(row * 3 + b) * bs + (i % bs)] as number) - 128) * s;
        expect(Math.abs(value - (w[row * k + i] as number))).toBeLessThanOrEqual(s / 2 + 1e-7);
      }
      for (let i = k % bs; i < bs; i++) expect(q[(row * 3 + 2) * bs + i]).toBe(128);
    }
  });

  it('an int8 export runs in onnxruntime, is ~4x smaller and keeps perplexity within 1% of fp32', async () => {
    const config: ModelConfig = {
      ...LLAMA_DEFAULTS,
      name: 'tiny',
      vocabSize: 97,
      dim: 64,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      headDim: 16,
      ffnHidden: 128,
      maxPositions: 128,
    };
    const weights = initWeights(config, 11, { std: 0.1 });
    await writeModelFolder(join(dir, 'fp32'), { config, weights });
    const fp32 = await loadOrtModel(join(dir, 'fp32'), { threads: 1 });
    const rand = createRng(5);
    const docs = Array.from({ length: 6 }, () => ({ tokens: Array.from({ length: 30 }, () => Math.floor(rand.next() * 97)) }));
    const a = await perplexity(fp32, docs, { maxLength: 32, prefixToken: 0 });
    expect(Math.abs(a.token_perplexity - 97)).toBeGreaterThan(1); // not a uniform model, so the comparison means something
    // Both kernels; the fused q/k/v and gate/up MatMuls (Concat of transposes) are quantized as one matrix each.
    for (const kernel of ['nbits', 'dynamic'] as const) {
      const stats = await writeInt8ModelFolder(join(dir, kernel), { config, weights, kernel });
      expect(stats.matrices).toBe(2 * 7 + 1); // q, k, v, o, gate, up, down per layer + the tied output head
      const int8 = await loadOrtModel(join(dir, kernel), { threads: 1 });
      expect(int8.info.dtype).toBe('int8');
      expect((fp32.info.modelBytes ?? 0) / (int8.info.modelBytes ?? 1)).toBeGreaterThan(2); // fp32 embedding kept for the Gather
      const b = await perplexity(int8, docs, { maxLength: 32, prefixToken: 0 });
      expect(Math.abs(b.token_perplexity / a.token_perplexity - 1)).toBeLessThan(0.01);
      expect(b.token_perplexity).not.toBe(a.token_perplexity); // the weights really are quantized
      // KV-cache decoding works through the quantized graph
      const s = int8.startDecode();
      await s.feed(Int32Array.from([1, 2, 3]));
      expect((await s.feed(Int32Array.from([4]))).length).toBe(97);
      await int8.dispose();
    }
    await fp32.dispose();
  });

  it('rewrites every projection MatMul: no float MatMul is left in an nbits export', async () => {
    const config: ModelConfig = {
      ...LLAMA_DEFAULTS,
      name: 'tiny',
      vocabSize: 50,
      dim: 32,
      layers: 1,
      heads: 4,
      kvHeads: 2,
      headDim: 8,
      ffnHidden: 48,
      maxPositions: 32,
    };
    const g = buildInferenceGraph(config, initWeights(config, 3, { std: 0.1 }));
    const stats = quantizeGraphInt8(g);
    expect(stats.matrices).toBe(7 + 1);
    expect(g.nodes.filter((n) => n.opType === 'MatMulNBits')).toHaveLength(4 + 1); // qkv, o, gate_up, down, head
    expect(g.nodes.filter((n) => n.opType === 'MatMul')).toHaveLength(0);
    expect(() => quantizeGraphInt8(buildInferenceGraph(config, initWeights(config, 3)), { blockSize: 24 })).toThrow(/power of 2/);
  });
});
