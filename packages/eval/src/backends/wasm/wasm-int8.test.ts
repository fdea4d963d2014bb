import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, getPreset, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { writeInt8ModelFolder } from '../../quantize/int8.js';
import type { CausalLM } from '../../lm.js';
import { loadOrtModel } from '../ort.js';
import { loadWasmModel } from './wasm.js';
import { createDecodeEngine, engineMemoryBytes } from './engine.js';
import { createWasmKernels } from './kernels.js';
import { readOnnxInitializers } from './onnx-initializers.js';
import { int8Weights } from './q8-weights.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-wasm-int8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const argmax = (a: Float32Array, from: number, n: number) => {
  let best = from;
  for (let i = from; i < from + n; i++) if ((a[i] as number) > (a[best] as number)) best = i;
  return best - from;
};

/** Prefill 8 tokens, then decode 20 greedily (the reference's choice fed to every model); all logits of each. */
async function prefillThenDecode(models: CausalLM[], V: number): Promise<Float32Array[]> {
  const sessions = models.map((m) => m.startDecode());
  const prompt = Int32Array.from([1, 17, 250, 3, 99, 42, 7, 299]);
  const all = await Promise.all(sessions.map(async (s) => [await s.feed(prompt)]));
  for (let i = 0; i < 20; i++) {
    const last = all[0]?.at(-1) as Float32Array;
    const next = Int32Array.of(argmax(last, last.length - V, V));
    for (const [j, s] of sessions.entries()) all[j]?.push(await s.feed(next));
  }
  return all.map((xs) => Float32Array.from(xs.flatMap((x) => Array.from(x))));
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

const base: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'wasm-int8-test',
  vocabSize: 300,
  dim: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 32,
  ffnHidden: 256,
  maxPositions: 64,
};

describe('wasm backend, int8 folders (MatMulNBits)', () => {
  const cases: Array<[string, Partial<ModelConfig>, number]> = [
    ['dims multiples of the block (128), tied head', {}, 128],
    [
      'widths 96 and 160 padded to blocks of 64, untied head, MQA',
      { dim: 96, heads: 3, kvHeads: 1, ffnHidden: 160, tiedEmbeddings: false },
      64,
    ],
  ];
  for (const [label, change, blockSize] of cases) {
    it(`gives onnxruntime int8's logits and stays near fp32 (${label})`, async () => {
      const config = { ...base, ...change };
      const weights = initWeights(config, 5, { std: 0.2 });
      const int8 = join(dir, `int8-${blockSize}`);
      const fp32 = join(dir, `fp32-${blockSize}`);
      await writeInt8ModelFolder(int8, { config, weights, blockSize });
      await writeModelFolder(fp32, { config, weights });
      const models = [await loadWasmModel(int8, { threads: 2 }), await loadOrtModel(int8, { threads: 1 }), await loadWasmModel(fp32)];
      const [wasm, ort, float] = await prefillThenDecode(models, config.vocabSize);
      const scale = maxAbs(ort as Float32Array);
      const vsOrt = maxAbsDiff(wasm as Float32Array, ort as Float32Array);
      const vsFp32 = maxAbsDiff(wasm as Float32Array, float as Float32Array);
      const ortVsFp32 = maxAbsDiff(ort as Float32Array, float as Float32Array);
      console.log(
        `${label}: max |logit| ${scale.toFixed(3)}, wasm int8 vs ort int8 ${vsOrt.toExponential(2)}, ` +
          `vs wasm fp32 ${vsFp32.toExponential(2)} (ort int8 vs fp32 ${ortVsFp32.toExponential(2)})`,
      );
      expect(scale).toBeGreaterThan(1);
      // Same quantized x and weights, only fp32 summation order differs (an x value that lands on a rounding tie
      // after such a difference flips by one quantum): measured ≤ 4e-6 here.
      expect(vsOrt).toBeLessThan(1e-4 * scale);
      // The quantization error itself (random std-0.2 weights, two layers): ORT's int8 is as far from fp32.
      expect(vsFp32).toBeLessThan(ortVsFp32 + 1e-4 * scale);
      expect(vsFp32).toBeLessThan(0.2 * scale);
      expect(vsFp32).toBeGreaterThan(0); // int8 is really used
      expect(models[0]?.info).toMatchObject({ backend: 'wasm', dtype: 'int8', vocabSize: 300 });
      expect(models[0]?.info.params).toBe(models[2]?.info.params);
      await Promise.all(models.map((m) => m.dispose()));
    });
  }

  it('sizes an int8 engine from config.json scalewise_bytes_per_token: enough, and far under the float32 size', async () => {
    for (const [label, change, blockSize] of cases) {
      const config = { ...base, ...change };
      const folder = join(dir, `int8-${blockSize}`); // written by the test above
      const perToken = Number(
        (JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>).scalewise_bytes_per_token,
      );
      expect(perToken, label).toBeGreaterThan(0);
      const init = readOnnxInitializers(join(folder, 'onnx', 'model.onnx'));
      const kernels = await createWasmKernels({ threads: 1 });
      createDecodeEngine(kernels, config, (name) => init.float32(name), int8Weights(init));
      const used = kernels.alloc(16) * 4; // the allocation top: everything the engine took lies below it
      const estimate = engineMemoryBytes(config, { int8MatrixBytes: perToken });
      expect(estimate, label).toBeGreaterThanOrEqual(used);
      expect(estimate, label).toBeLessThan(used + 4 * (3 * 32 * 4096) + 0.03 * perToken + 2 ** 16); // the bound's slack
      await kernels.dispose();
    }
    // MobileLLM-125M in int8 (about 141 MB read per token): well under half of its float32 size.
    const preset = getPreset('mobilellm-125m');
    expect(engineMemoryBytes(preset, { int8MatrixBytes: 141e6 })).toBeLessThan(0.45 * engineMemoryBytes(preset));
  });
});
