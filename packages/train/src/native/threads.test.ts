import { describe, expect, it } from 'vitest';
import { weightSpecs, type ModelWeights } from '@scalewise/models';
import { NativeEngine } from './engine.js';
import { preferredThreads, type MatMulPeak, type MatMulSample } from './peak.js';
import { tinyConfig, uniform } from './testing.js';

const sample = (threads: number, gflops: number, size = 512): MatMulSample => ({
  m: size,
  k: size,
  n: size,
  threads,
  prepacked: true,
  gflops,
  clock: 'wall',
});
const peakOf = (samples: MatMulSample[]): MatMulPeak => {
  const best = samples.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { gflops: best.gflops, best, samples };
};

describe('default thread count', () => {
  it('adds threads only where they beat fewer by 25% at every measured size', () => {
    // Sibling vCPUs: 2 threads barely faster than 1 → 1.
    expect(preferredThreads(peakOf([sample(1, 200), sample(2, 210), sample(1, 150), sample(1, 190, 1024), sample(2, 200, 1024)]))).toBe(1);
    // Real cores: more threads far ahead at every size → the most that still pays off.
    expect(
      preferredThreads(
        peakOf([sample(1, 60), sample(4, 200), sample(16, 700), sample(1, 60, 1024), sample(4, 220, 1024), sample(16, 800, 1024)]),
      ),
    ).toBe(16);
    expect(
      preferredThreads(
        peakOf([sample(1, 60), sample(4, 200), sample(16, 230), sample(1, 60, 1024), sample(4, 220, 1024), sample(16, 800, 1024)]),
      ),
    ).toBe(4);
    // One noisy sample where 2 threads won at 512³ but lost at 1024³ (measured on a busy machine) → 1.
    expect(preferredThreads(peakOf([sample(1, 36.5), sample(2, 83.7), sample(1, 33.2, 1024), sample(2, 28.5, 1024)]))).toBe(1);
  });

  it('does not change results: loss and every gradient are bit-identical at 1 thread, 2 threads and the default', async () => {
    const config = tinyConfig({ vocabSize: 37, dim: 16, heads: 4, kvHeads: 2, headDim: 4, maxPositions: 32 });
    const rand = uniform(3);
    const weights: ModelWeights = new Map(
      weightSpecs(config).map((s) => [
        s.name,
        Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => (s.role === 'norm' ? 1 : 0.3 * rand())),
      ]),
    );
    const n = 4 * 16;
    const batch = {
      batch: 4,
      seq: 16,
      inputs: Int32Array.from({ length: n }, () => Math.floor(rand(0, 37))),
      targets: Int32Array.from({ length: n }, () => Math.floor(rand(0, 37))),
    };
    const runs: { loss: number; grads: ModelWeights }[] = [];
    for (const threads of [1, 2, undefined]) {
      const engine = new NativeEngine(config, threads === undefined ? {} : { threads });
      const grads: ModelWeights = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
      runs.push({ loss: await engine.lossAndGrad(weights, grads, batch, 1), grads });
      await engine.dispose();
    }
    const [base, ...others] = runs as [(typeof runs)[0], ...typeof runs];
    for (const other of others) {
      expect(other.loss).toBe(base.loss);
      for (const [name, g] of base.grads)
        expect(Buffer.from((other.grads.get(name) as Float32Array).buffer).equals(Buffer.from(g.buffer)), name).toBe(true);
    }
  }, 60_000);
});
