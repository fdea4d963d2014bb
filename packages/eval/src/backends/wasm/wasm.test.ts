import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { buildInferenceGraph, encodeModel } from '@scalewise/models/internals';
import { writeInt8ModelFolder } from '../../quantize/int8.js';
import type { CausalLM } from '../../lm.js';
import { loadModel } from '../load.js';
import { loadOrtModel } from '../ort.js';
import { loadWasmModel } from './wasm.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-wasm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'wasm-test',
  vocabSize: 300,
  dim: 64,
  layers: 3,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  ffnHidden: 96,
  maxPositions: 64,
};

/** A folder as `writeModelFolder` writes it; `unfused`: the plain-ONNX graph with one MatMul per weight instead. */
async function exportFolder(name: string, config: ModelConfig, options: { unfused?: boolean; externalData?: boolean } = {}) {
  const folder = join(dir, name);
  const weights = initWeights(config, 11, { std: 0.2 });
  await writeModelFolder(folder, { config, weights, externalData: options.externalData ?? false });
  if (options.unfused) {
    const graph = buildInferenceGraph(config, weights, { fusedOps: false, fuseProjections: false });
    writeFileSync(join(folder, 'onnx', 'model.onnx'), encodeModel(graph));
  }
  return folder;
}

const argmax = (a: Float32Array, from: number, n: number) => {
  let best = from;
  for (let i = from; i < from + n; i++) if ((a[i] as number) > (a[best] as number)) best = i;
  return best - from;
};

/** Prefill 8 tokens, then decode 20 greedily (onnxruntime's choice fed to both); all logits of both backends. */
async function prefillThenDecode(a: CausalLM, b: CausalLM, V: number) {
  const sa = a.startDecode();
  const sb = b.startDecode();
  const prompt = Int32Array.from([1, 17, 250, 3, 99, 42, 7, 299]);
  const la = [await sa.feed(prompt)];
  const lb = [await sb.feed(prompt)];
  for (let i = 0; i < 20; i++) {
    const last = la.at(-1) as Float32Array;
    const next = Int32Array.of(argmax(last, last.length - V, V));
    la.push(await sa.feed(next));
    lb.push(await sb.feed(next));
  }
  expect(sa.length).toBe(28);
  expect(sb.cacheBytes()).toBe(sa.cacheBytes());
  const flat = (xs: Float32Array[]) => Float32Array.from(xs.flatMap((x) => Array.from(x)));
  return { a: flat(la), b: flat(lb) };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('wasm backend', () => {
  const cases: Array<[string, Partial<ModelConfig>, { unfused?: boolean; externalData?: boolean }]> = [
    ['default (fused) export, tied head', {}, {}],
    ['default export, untied head, weights in model.onnx_data', { tiedEmbeddings: false }, { externalData: true }],
    ['unfused plain-ONNX export, tied head', {}, { unfused: true }],
    ['unfused export, untied head', { tiedEmbeddings: false }, { unfused: true }],
    ['default export, layer sharing (MobileLLM-LS, unrolled config.json), MQA', { layerRepeat: 2, kvHeads: 1 }, {}],
  ];
  for (const [label, change, options] of cases) {
    it(`gives onnxruntime's logits within 1e-4 for a prefill and 20 decoded tokens (${label})`, async () => {
      const config = { ...base, ...change };
      const folder = await exportFolder(label.replace(/\W+/g, '-'), config, options);
      const wasm = await loadWasmModel(folder);
      const ort = await loadOrtModel(folder, { threads: 1 });
      const { a, b } = await prefillThenDecode(wasm, ort, config.vocabSize);
      expect(maxAbs(b)).toBeGreaterThan(1); // logits of order 1–10
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
      // logits(windows) decodes each window afresh: the same numbers as the session, windows of unequal length included.
      const windows = [Int32Array.from([5, 6, 7, 8, 9]), Int32Array.from([1, 17, 250])];
      const wl = await wasm.logits(windows);
      const ol = await ort.logits(windows);
      expect([wl.batch, wl.seqLen, wl.vocab, wl.lengths]).toEqual([2, 5, 300, [5, 3]]);
      windows.forEach((w, i) => {
        const rows = (x: Float32Array) => x.subarray(i * 5 * 300, (i * 5 + w.length) * 300);
        expect(maxAbsDiff(rows(wl.data), rows(ol.data))).toBeLessThan(1e-4);
      });
      expect(Array.from(wl.data.subarray(5 * 300, 8 * 300))).toEqual(Array.from(a.subarray(0, 3 * 300)));
      expect(wasm.info).toMatchObject({
        backend: 'wasm',
        threads: Math.min(2, availableParallelism()),
        dtype: 'fp32',
        vocabSize: 300,
        maxPositions: 64,
        kvCache: true,
      });
      expect(wasm.info.params).toBe([...initWeights(config, 0).values()].reduce((n, w) => n + w.length, 0));
      await Promise.all([wasm.dispose(), ort.dispose()]);
    });
  }

  it('loads through loadModel, ends an older session when a new one starts, and counts the cache', async () => {
    const lm = await loadModel(join(dir, 'default-fused-export-tied-head'), { backend: 'wasm', threads: 1 });
    const s1 = lm.startDecode();
    await s1.feed(Int32Array.from([1, 2, 3]));
    // 3 layers × key+value × 2 kv heads × 3 positions × head_dim 16 × 4 bytes
    expect(s1.cacheBytes()).toBe(3 * 2 * 2 * 3 * 16 * 4);
    const s2 = lm.startDecode();
    expect(s2.length).toBe(0);
    await expect(s1.feed(Int32Array.of(4))).rejects.toThrow(/ended by a newer one/);
    await expect(s2.feed(Int32Array.of(300))).rejects.toThrow(/token id 300 is outside the vocabulary/);
    await expect(lm.logits([Int32Array.from({ length: 65 })])).rejects.toThrow(/window length 65 exceeds the model's 64 positions/);
    await lm.dispose();
  });

  it('refuses dtypes other than fp32 / int8, other attention kinds and graphs without config.json, saying what it runs', async () => {
    const weights = initWeights(base, 2);
    const int4 = join(dir, 'int4');
    await writeInt8ModelFolder(int4, { config: base, weights });
    const json = JSON.parse(readFileSync(join(int4, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(int4, 'config.json'), JSON.stringify({ ...json, scalewise_dtype: 'int4' }));
    await expect(loadWasmModel(int4)).rejects.toMatchObject({
      name: 'EvalInputError',
      message: expect.stringMatching(/config\.json' says scalewise_dtype "int4"; it runs fp32 and int8 \(MatMulNBits\) llama/),
    });
    const windowed = { ...base, attention: { kind: 'sliding-window' as const, window: 8 } };
    const sw = join(dir, 'sliding');
    await writeModelFolder(sw, { config: windowed, weights: initWeights(windowed, 2) });
    await expect(loadWasmModel(sw)).rejects.toThrow(/supports full causal attention only .* found attention 'sliding-window'/);
    const lone = join(dir, 'lone.onnx');
    copyFileSync(join(sw, 'onnx', 'model.onnx'), lone);
    await expect(loadWasmModel(lone)).rejects.toThrow(/has no config\.json beside its ONNX graph/);
  });

  it('refuses, before reading weights, a model past 4 GiB of wasm memory, and initializers that do not match config.json', async () => {
    const folder = join(dir, 'default-fused-export-tied-head');
    const json = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    const huge = join(dir, 'huge');
    await writeModelFolder(huge, { config: base, weights: initWeights(base, 1) });
    writeFileSync(join(huge, 'config.json'), JSON.stringify({ ...json, max_position_embeddings: 5_000_000 }));
    writeFileSync(join(huge, 'onnx', 'model.onnx'), 'not read');
    await expect(loadWasmModel(huge)).rejects.toThrow(
      /needs 5\.\d\d GiB of WebAssembly memory .* 5000000 positions\); its memory ends at 4 GiB/,
    );
    const wider = join(dir, 'wider');
    await writeModelFolder(wider, { config: base, weights: initWeights(base, 1) });
    writeFileSync(join(wider, 'config.json'), JSON.stringify({ ...json, intermediate_size: 128 }));
    await expect(loadWasmModel(wider)).rejects.toThrow(
      /model\.onnx': expected initializer 'model\.layers\.0\.mlp\.gate_proj\.weight' \[128, 64\] for config\.json, found \[96, 64\]/,
    );
  });
});
