import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initWeights, parseConfigJson, weightSpecs } from '@scalewise/models';
import { encodeSafetensors } from '@scalewise/models/internals';
import { UsageError } from '../kit.js';
import command from './model-export.js';
import { captureIO } from '../capture-io.test-helper.js';

const root = await mkdtemp(join(tmpdir(), 'scalewise-cli-export-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// A small scalewise ModelConfig (vocab 300 ≥ the byte tokenizer's 259 ids), layer-shared and GQA.
const small = {
  name: 'small-ls',
  vocabSize: 300,
  dim: 32,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 8,
  ffnHidden: 48,
  maxPositions: 128,
  layerRepeat: 2,
};

describe('scalewise model export', () => {
  it('exports a config.json with --random, then the same weights from --weights give the same logits', async () => {
    await writeFile(join(root, 'small.json'), JSON.stringify(small));
    const io = captureIO(root);
    expect(await command.run(['small.json', '--random', '--seed', '3', '--out', 'a', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out) as { files: Array<{ path: string; bytes: number }>; params: number; external_data: boolean };
    expect(report.files.map((f) => f.path)).toContain('onnx/model.onnx');
    expect(report.files.map((f) => f.path)).toContain('tokenizer.json');
    expect(report.external_data).toBe(false);
    const hf = JSON.parse(await readFile(join(root, 'a', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(hf.num_hidden_layers).toBe(4); // 2 blocks × layerRepeat 2 cache slots
    expect(hf.eos_token_id).toBe(257);

    // Same seed through safetensors, and the exported config.json read back as input.
    const config = parseConfigJson(small, 'small');
    const weights = initWeights(config, 3);
    const tensors = new Map(weightSpecs(config).map((s) => [s.name, { shape: s.shape, data: weights.get(s.name)! }]));
    await writeFile(join(root, 'w.safetensors'), encodeSafetensors(tensors));
    const io2 = captureIO(root);
    expect(await command.run(['export', 'a/config.json', '--weights', 'w.safetensors', '--out', 'b'], io2)).toBe(0);
    // Encoding is deterministic: equal bytes mean equal graph and weights.
    const [a, b] = await Promise.all([readFile(join(root, 'a/onnx/model.onnx')), readFile(join(root, 'b/onnx/model.onnx'))]);
    expect(b.equals(a)).toBe(true);
    const io3 = captureIO(root);
    expect(await command.run(['small.json', '--random', '--seed', '4', '--out', 'c', '--external-data', 'yes'], io3)).toBe(0);
    expect(io3.out).toMatch(/onnx\/model\.onnx_data/);
    const c = await readFile(join(root, 'c/onnx/model.onnx'));
    expect(c.length).toBeLessThan(a.length / 2);
  });

  it('rejects bad usage and bad input with clear messages', async () => {
    const io = captureIO(root);
    await expect(command.run(['mobilellm-125m', '--out', 'x'], io)).rejects.toThrow(UsageError);
    await expect(command.run(['mobilellm-125m', '--random', '--weights', 'w', '--out', 'x'], io)).rejects.toThrow(
      /exactly one of --random or --weights/,
    );
    await expect(command.run(['mobilellm-125m', '--random'], io)).rejects.toThrow(/--out/);
    await expect(command.run(['no-such-preset', '--random', '--out', 'x'], io)).rejects.toThrow(/valid presets: .*mobilellm-125m/);
    await writeFile(join(root, 'bad.json'), JSON.stringify({ ...small, kvHeads: 3 }));
    await expect(command.run(['bad.json', '--random', '--out', 'x'], io)).rejects.toThrow(/kvHeads/);
    await expect(command.run(['small.json', '--weights', 'missing.safetensors', '--out', 'x'], io)).rejects.toThrow(/missing\.safetensors/);
    expect(await command.run(['--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: scalewise model export');
  });
});
