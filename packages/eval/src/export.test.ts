import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, forward, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { functionModel } from './backends/function.js';
import { loadOrtModel } from './backends/ort.js';
import { loadTransformersModel } from './backends/transformers.js';
import { perplexity } from './ppl/perplexity.js';
import { createRng } from '@scalewise/core';

// A tiny model exported by @scalewise/models: the path real checkpoints take.
const config: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'tiny',
  vocabSize: 61,
  dim: 32,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 8,
  ffnHidden: 48,
  maxPositions: 128,
};
const weights = initWeights(config, 7, { std: 0.2 });
const dir = mkdtempSync(join(tmpdir(), 'eval-export-'));
const folder = join(dir, 'tiny');
beforeAll(async () => {
  await writeModelFolder(folder, { config, weights });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rand = createRng(3);
const docs = Array.from({ length: 9 }, (_, d) => ({
  tokens: Array.from({ length: 3 + ((d * 7) % 23) }, () => 1 + Math.floor(rand.next() * 60)),
  text: `document ${d}`,
}));

describe('on a model exported by @scalewise/models', () => {
  it('onnxruntime-node and transformers.js agree on logits (1e-4)', async () => {
    const a = await loadOrtModel(folder, { threads: 1 });
    const b = await loadTransformersModel(folder, { threads: 1 });
    const windows = [Int32Array.from(docs[0]?.tokens ?? []), Int32Array.from(docs[4]?.tokens ?? [])];
    const [la, lb] = [await a.logits(windows), await b.logits(windows)];
    let worst = 0;
    windows.forEach((w, i) => {
      for (let k = 0; k < w.length * config.vocabSize; k++) {
        const at = i * la.seqLen * config.vocabSize + k;
        worst = Math.max(worst, Math.abs((la.data[at] as number) - (lb.data[at] as number)));
      }
    });
    expect(worst).toBeLessThan(1e-4);
    const [pa, pb] = [await perplexity(a, docs, { maxLength: 16, stride: 8 }), await perplexity(b, docs, { maxLength: 16, stride: 8 })];
    expect(Math.abs(pa.nll_per_token - pb.nll_per_token)).toBeLessThan(1e-4);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('gives the reference forward pass perplexity, independent of batch size (1 vs 8 within 1e-5)', async () => {
    const lm = await loadOrtModel(folder, { threads: 1 });
    const reference = functionModel(config.vocabSize, (ids) => forward(config, weights, ids), { bosTokenId: 1 });
    const opts = { maxLength: 12, stride: 5, prefixToken: 1 } as const;
    const one = await perplexity(lm, docs, { ...opts, batchSize: 1 });
    const eight = await perplexity(lm, docs, { ...opts, batchSize: 8 });
    const ref = await perplexity(reference, docs, opts);
    expect(Math.abs(one.nll_per_token - eight.nll_per_token)).toBeLessThan(1e-5);
    expect(Math.abs(one.nll_per_token - ref.nll_per_token)).toBeLessThan(1e-4);
    // A trained-looking model is far from uniform: the check above would fail on misaligned targets.
    expect(Math.abs(one.nll_per_token - Math.log(config.vocabSize))).toBeGreaterThan(0.01);
    await lm.dispose();
  });

  it('KV-cache decoding reproduces the full forward pass', async () => {
    const lm = await loadOrtModel(folder, { threads: 1 });
    const ids = Int32Array.from(docs[3]?.tokens ?? []);
    const full = await lm.logits([ids]);
    const session = lm.startDecode();
    const parts = [await session.feed(ids.subarray(0, 3))];
    for (let t = 3; t < ids.length; t++) parts.push(await session.feed(ids.subarray(t, t + 1)));
    const stepped = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    let worst = 0;
    stepped.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - (full.data[k] as number)))));
    expect(worst).toBeLessThan(1e-4);
    // layers × (key + value) × kvHeads × depth × headDim × 4 bytes
    expect(session.cacheBytes()).toBe(config.layers * 2 * config.kvHeads * ids.length * config.headDim * 4);
    await lm.dispose();
  });
});
