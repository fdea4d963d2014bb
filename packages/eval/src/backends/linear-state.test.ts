import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, forward, initWeights, kvCacheBytes, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { benchThroughput } from '../bench/throughput.js';
import type { CausalLM } from '../lm.js';
import { loadOrtModel } from './ort.js';
import { loadTransformersModel } from './transformers.js';
import { writeInt8ModelFolder } from '../quantize/int8.js';

// A linear-attention export decodes through the same cache slots with a constant recurrent state (S, z).
const config: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'tiny-linear',
  vocabSize: 61,
  dim: 32,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 8,
  ffnHidden: 48,
  maxPositions: 128,
  attention: { kind: 'linear' },
};
const weights = initWeights(config, 7, { std: 0.2 });
const dir = mkdtempSync(join(tmpdir(), 'eval-linear-'));
const folder = join(dir, 'tiny-linear');
beforeAll(async () => {
  await writeModelFolder(folder, { config, weights });
  await writeInt8ModelFolder(join(dir, 'int8'), { config, weights });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ids = Int32Array.from({ length: 40 }, (_, i) => 1 + ((i * 13) % 60));

async function decodeOneByOne(lm: CausalLM): Promise<{ worst: number; bytes: number[] }> {
  const reference = forward(config, weights, ids);
  const session = lm.startDecode();
  const V = config.vocabSize;
  let worst = 0;
  const bytes: number[] = [];
  for (let t = 0; t < ids.length; t++) {
    const logits = await session.feed(ids.subarray(t, t + 1));
    for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs((logits[v] as number) - (reference[t * V + v] as number)));
    bytes.push(session.cacheBytes());
  }
  return { worst, bytes };
}

describe('linear attention through scalewise decoding (constant state)', () => {
  it.each([
    ['onnxruntime-node', (path: string) => loadOrtModel(path, { threads: 1 })],
    ['transformers.js', (path: string) => loadTransformersModel(path, { threads: 1 })],
  ])('%s: 40 tokens one by one equal the reference forward (1e-4); cache bytes constant = accounting', async (_n, load) => {
    const lm = await load(folder);
    const { worst, bytes } = await decodeOneByOne(lm);
    expect(worst).toBeLessThan(1e-4);
    expect(new Set(bytes).size).toBe(1);
    expect(bytes[0]).toBe(kvCacheBytes(config, 1, 1, 'fp32'));
    expect(bytes[39]).toBe(kvCacheBytes(config, 40, 1, 'fp32'));
    await lm.dispose();
  });

  it('an int8 export decodes with the same constant state, close to fp32', async () => {
    const [fp32, int8] = [await loadOrtModel(folder, { threads: 1 }), await loadOrtModel(join(dir, 'int8'), { threads: 1 })];
    const [a, b] = [fp32.startDecode(), int8.startDecode()];
    let [worst, scale] = [0, 0];
    for (let t = 0; t < ids.length; t++) {
      const [la, lb] = [await a.feed(ids.subarray(t, t + 1)), await b.feed(ids.subarray(t, t + 1))];
      for (let v = 0; v < la.length; v++) {
        worst = Math.max(worst, Math.abs((la[v] as number) - (lb[v] as number)));
        scale = Math.max(scale, Math.abs(la[v] as number));
      }
    }
    expect(b.cacheBytes()).toBe(kvCacheBytes(config, 40, 1, 'fp32'));
    expect(worst).toBeGreaterThan(0); // really quantized
    expect(worst / scale).toBeLessThan(0.05); // within 5% of the logit range
    await Promise.all([fp32.dispose(), int8.dispose()]);
  });

  it('bench tg runs and reports the constant state as its KV cache', async () => {
    const lm = await loadOrtModel(folder, { threads: 1 });
    const result = await benchThroughput(lm, { pp: 8, tg: 24, reps: 1 });
    expect(result.tg?.kv_cache_bytes).toBe(kvCacheBytes(config, 24, 1, 'fp32'));
    expect(result.pp?.kv_cache_bytes).toBe(kvCacheBytes(config, 8, 1, 'fp32'));
    expect(result.tg?.avg_ts).toBeGreaterThan(0);
    await lm.dispose();
  });
});
