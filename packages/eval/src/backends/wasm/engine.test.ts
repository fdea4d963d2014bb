import { describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, forward, initWeights, type ModelConfig } from '@scalewise/models';
import { createDecodeEngine, engineMemoryBytes, PREFILL_ROWS } from './engine.js';
import { createWasmKernels, type WasmKernels } from './kernels.js';

const base: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'engine-test',
  vocabSize: 300,
  dim: 64,
  layers: 3,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  ffnHidden: 96,
  maxPositions: 64,
};

/** Decode `tokens` one by one and return all logits [T, V]. */
async function decodeAll(config: ModelConfig, seed: number, tokens: number[]): Promise<{ logits: Float32Array; cacheBytes: number }> {
  const weights = initWeights(config, seed, { std: 0.2 });
  const kernels = await createWasmKernels();
  const engine = createDecodeEngine(kernels, config, (name) => weights.get(name) as Float32Array);
  const logits = new Float32Array(tokens.length * config.vocabSize);
  tokens.forEach((t, i) => engine.step(t, logits, i * config.vocabSize));
  const cacheBytes = engine.cacheBytes();
  // A second pass after reset reuses the cache storage and must give the same logits.
  engine.reset();
  const again = new Float32Array(tokens.length * config.vocabSize);
  tokens.forEach((t, i) => engine.step(t, again, i * config.vocabSize));
  expect(Array.from(again)).toEqual(Array.from(logits));
  // A prompt fed in pieces (3, then 37 = a chunk of PREFILL_ROWS and a rest): gemm over the rows gives the very same
  // floats as stepping, and feeding continues a cache that step (or an earlier feed) began.
  expect(tokens.length).toBeGreaterThan(PREFILL_ROWS + 3);
  engine.reset();
  const fed = new Float32Array(tokens.length * config.vocabSize);
  engine.feed(tokens.slice(0, 3), fed, 0);
  engine.feed(tokens.slice(3), fed, 3 * config.vocabSize);
  expect(engine.length).toBe(tokens.length);
  expect(Array.from(fed)).toEqual(Array.from(logits));
  await kernels.dispose();
  return { logits, cacheBytes };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('wasm decode engine', () => {
  const tokens = Array.from({ length: 40 }, (_, i) => (i * 97 + 13) % 300);
  const cases: Array<[string, Partial<ModelConfig>]> = [
    ['GQA, tied head', {}],
    ['GQA, untied head', { tiedEmbeddings: false }],
    ['MHA, layer sharing (MobileLLM-LS), headDim 40 (panels not a multiple of 32)', { kvHeads: 4, layerRepeat: 2, headDim: 40 }],
    ['MQA, rope theta 500000', { kvHeads: 1, ropeTheta: 500000 }],
  ];
  for (const [label, change] of cases) {
    it(`decoding token by token equals the reference forward pass within 1e-4 (${label})`, async () => {
      const config = { ...base, ...change };
      const { logits, cacheBytes } = await decodeAll(config, 7, tokens);
      const reference = forward(config, initWeights(config, 7, { std: 0.2 }), tokens);
      expect(maxAbs(reference)).toBeGreaterThan(1); // logits of order 1–10: the tolerance is meaningful
      expect(maxAbsDiff(logits, reference)).toBeLessThan(1e-4);
      expect(cacheBytes).toBe(2 * config.layers * config.layerRepeat * config.kvHeads * tokens.length * config.headDim * 4);
    });
  }

  it('refuses tokens outside the vocabulary, positions past the end and attention kinds it does not compute', async () => {
    const config = { ...base, maxPositions: 2 };
    const weights = initWeights(config, 1);
    const kernels = await createWasmKernels();
    const engine = createDecodeEngine(kernels, config, (name) => weights.get(name) as Float32Array);
    const out = new Float32Array(config.vocabSize);
    expect(() => engine.step(300, out)).toThrow(/token id 300 is outside the vocabulary \[0, 300\)/);
    engine.step(1, out);
    engine.step(2, out);
    expect(() => engine.step(3, out)).toThrow(/position 2 exceeds the model's 2 positions/);
    // A prompt with one bad id is refused before any token of it enters the cache.
    engine.reset();
    const outs = new Float32Array(2 * config.vocabSize);
    expect(() => engine.feed([5, -1], outs)).toThrow(/token id -1 is outside/);
    expect(() => engine.feed([5, 6, 7], new Float32Array(3 * config.vocabSize))).toThrow(/position 2 exceeds/);
    expect(engine.length).toBe(0);
    engine.feed([5, 6], outs);
    expect(engine.length).toBe(2);
    const windowed = { ...base, attention: { kind: 'sliding-window' as const, window: 8 } };
    expect(() => createDecodeEngine(kernels, windowed, () => new Float32Array(0))).toThrow(/full causal attention only.*'sliding-window'/);
    await kernels.dispose();
  });

  it('allocates what engineMemoryBytes says (the kernel memory maximum is sized from it)', async () => {
    for (const config of [base, { ...base, headDim: 40, layerRepeat: 2, tiedEmbeddings: false }]) {
      const weights = initWeights(config, 1);
      const kernels = await createWasmKernels();
      let floats = 0;
      const pad = (n: number) => Math.ceil(n / 32) * 32;
      const counting: WasmKernels = {
        ...kernels,
        alloc: (n) => ((floats += Math.ceil(n / 16) * 16), kernels.alloc(n)),
        allocMatrix: (K, N) => ((floats += K * pad(N)), kernels.allocMatrix(K, N)),
        packMatrix: (w, K, N) => ((floats += K * pad(N)), kernels.packMatrix(w, K, N)),
      };
      createDecodeEngine(counting, config, (name) => weights.get(name) as Float32Array);
      expect(engineMemoryBytes(config)).toBeGreaterThanOrEqual(floats * 4);
      expect(engineMemoryBytes(config)).toBeLessThan(floats * 4 * 1.01);
      await kernels.dispose();
    }
  });
});
