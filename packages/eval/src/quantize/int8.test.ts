import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { loadOrtModel } from '../backends/ort.js';
import { perplexity } from '../ppl/perplexity.js';
import { createRng } from '@scalewise/core';
import { quantizeTransposed, writeInt8ModelFolder } from './int8.js';

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
    const stats = await writeInt8ModelFolder(join(dir, 'int8'), { config, weights });
    expect(stats.matrices).toBe(2 * 7 + 1); // q, k, v, o, gate, up, down per layer + the tied output head
    const fp32 = await loadOrtModel(join(dir, 'fp32'), { threads: 1 });
    const int8 = await loadOrtModel(join(dir, 'int8'), { threads: 1 });
    expect(int8.info.dtype).toBe('int8');
    expect((fp32.info.modelBytes ?? 0) / (int8.info.modelBytes ?? 1)).toBeGreaterThan(2); // fp32 embedding kept for the Gather
    const rand = createRng(5);
    const docs = Array.from({ length: 6 }, () => ({ tokens: Array.from({ length: 30 }, () => Math.floor(rand.next() * 97)) }));
    const [a, b] = [
      await perplexity(fp32, docs, { maxLength: 32, prefixToken: 0 }),
      await perplexity(int8, docs, { maxLength: 32, prefixToken: 0 }),
    ];
    expect(Math.abs(b.token_perplexity / a.token_perplexity - 1)).toBeLessThan(0.01);
    expect(Math.abs(a.token_perplexity - 97)).toBeGreaterThan(1); // not a uniform model, so the comparison means something
    // KV-cache decoding works through the quantized graph
    const s = int8.startDecode();
    await s.feed(Int32Array.from([1, 2, 3]));
    expect((await s.feed(Int32Array.from([4]))).length).toBe(97);
    await Promise.all([fp32.dispose(), int8.dispose()]);
  });
});
