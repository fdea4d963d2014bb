import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { EvalInputError } from '../errors.js';
import { writeInt8ModelFolder, type QuantizeStats } from '../quantize/int8.js';
import { benchSideBySide } from './side-by-side.js';

const root = await mkdtemp(join(tmpdir(), 'scalewise-side-by-side-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// headDim 16: the fused onnxruntime kernels apply, as for MobileLLM.
const config: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'tiny',
  vocabSize: 61,
  dim: 32,
  layers: 2,
  heads: 2,
  kvHeads: 1,
  headDim: 16,
  ffnHidden: 48,
  maxPositions: 64,
};

const fp32 = join(root, 'fp32');
const int8 = join(root, 'int8');
let stats: QuantizeStats;
beforeAll(async () => {
  const weights = initWeights(config, 4, { std: 0.1 });
  await writeModelFolder(fp32, { config, weights });
  stats = await writeInt8ModelFolder(int8, { config, weights });
});

describe('benchSideBySide', () => {
  it('times every model on the same repetitions and reports what each streams per token', async () => {
    const result = await benchSideBySide(
      [
        { label: 'ort fp32', model: fp32 },
        { label: 'ort int8', model: int8 },
        { label: 'tjs fp32', model: fp32, backend: 'transformers' },
        { label: 'wasm fp32', model: fp32, backend: 'wasm' },
      ],
      { tg: 5, reps: 2, threads: 1 },
    );
    expect(result).toMatchObject({ threads: 1, spinning: false, n_gen: 5, reps: 2 });
    expect(result.entries.map((e) => [e.label, e.backend, e.dtype])).toEqual([
      ['ort fp32', 'onnxruntime-node', 'fp32'],
      ['ort int8', 'onnxruntime-node', 'int8'],
      ['tjs fp32', 'transformers.js', 'fp32'],
      ['wasm fp32', 'wasm', 'fp32'],
    ]);
    for (const e of result.entries) {
      expect(e.tg.samples_ts).toHaveLength(2);
      expect(e.tg.avg_ts).toBeGreaterThan(0);
      // depth 5: layers × (key + value) × kvHeads × 5 × headDim floats
      expect(e.tg.kv_cache_bytes).toBe(2 * 2 * 1 * 5 * 16 * 4);
    }
    expect(result.entries[1]?.bytes_per_token).toBe(stats.bytes_per_token);
    expect(result.entries[0]?.bytes_per_token).toBeGreaterThan(stats.bytes_per_token);
    expect(result.entries[3]?.bytes_per_token).toBe(result.entries[0]?.bytes_per_token);
    expect(result.entries[0]?.tg_fraction_of_interleaved_bound).toBeNull();
    expect(result.interleaved_bandwidth).toEqual([]);
  });

  it('with bandwidth, measures it at each repetition and divides each repetition by its own bound', async () => {
    const result = await benchSideBySide([{ label: 'ort fp32', model: fp32 }], {
      tg: 4,
      reps: 3,
      threads: 1,
      bandwidth: true,
      bandwidthBytes: 4 * 2 ** 20,
    });
    expect(result.interleaved_bandwidth).toHaveLength(3);
    const e = result.entries[0]!;
    const expected =
      e.tg.samples_ts.reduce((sum, ts, r) => sum + (ts * e.bytes_per_token) / result.interleaved_bandwidth[r]!.bytes_per_second, 0) / 3;
    expect(e.tg_fraction_of_interleaved_bound).toBeCloseTo(expected, 10);
    expect(e.tg_fraction_of_interleaved_bound).toBeGreaterThan(0);
  });

  it('refuses an empty list and non-positive token counts before loading anything', async () => {
    await expect(benchSideBySide([])).rejects.toThrow(EvalInputError);
    await expect(benchSideBySide([{ label: 'x', model: join(root, 'missing') }], { tg: 0 })).rejects.toThrow(
      /tg must be a positive integer/,
    );
  });
});
