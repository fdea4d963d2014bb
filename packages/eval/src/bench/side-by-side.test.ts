import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { EvalInputError } from '../errors.js';
import { writeInt8ModelFolder } from '../quantize/int8.js';
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

describe('benchSideBySide', () => {
  it('times every model on the same repetitions and reports what each streams per token', async () => {
    const weights = initWeights(config, 4, { std: 0.1 });
    const fp32 = join(root, 'fp32');
    const int8 = join(root, 'int8');
    await writeModelFolder(fp32, { config, weights });
    const stats = await writeInt8ModelFolder(int8, { config, weights });
    const result = await benchSideBySide(
      [
        { label: 'ort fp32', model: fp32 },
        { label: 'ort int8', model: int8 },
        { label: 'tjs fp32', model: fp32, backend: 'transformers' },
      ],
      { tg: 5, reps: 2, threads: 1 },
    );
    expect(result).toMatchObject({ threads: 1, spinning: false, n_gen: 5, reps: 2 });
    expect(result.entries.map((e) => [e.label, e.backend, e.dtype])).toEqual([
      ['ort fp32', 'onnxruntime-node', 'fp32'],
      ['ort int8', 'onnxruntime-node', 'int8'],
      ['tjs fp32', 'transformers.js', 'fp32'],
    ]);
    for (const e of result.entries) {
      expect(e.tg.samples_ts).toHaveLength(2);
      expect(e.tg.avg_ts).toBeGreaterThan(0);
      // depth 5: layers × (key + value) × kvHeads × 5 × headDim floats
      expect(e.tg.kv_cache_bytes).toBe(2 * 2 * 1 * 5 * 16 * 4);
    }
    expect(result.entries[1]?.bytes_per_token).toBe(stats.bytes_per_token);
    expect(result.entries[0]?.bytes_per_token).toBeGreaterThan(stats.bytes_per_token);
  });

  it('refuses an empty list and non-positive token counts before loading anything', async () => {
    await expect(benchSideBySide([])).rejects.toThrow(EvalInputError);
    await expect(benchSideBySide([{ label: 'x', model: join(root, 'missing') }], { tg: 0 })).rejects.toThrow(
      /tg must be a positive integer/,
    );
  });
});
