import { describe, expect, it } from 'vitest';
import { initWeights } from '@scalewise/models';
import { createEngine } from './engines.js';
import { TrainError, TrainInputError } from './errors.js';
import { ReferenceModel } from './reference/model.js';
import { Rng } from '@scalewise/core';
import { tinyModel } from './test-utils.js';

describe('engine registry', () => {
  it('reference engine implements the contract (loss, gradient accumulation with scale)', async () => {
    const config = tinyModel();
    const engine = await createEngine('reference', config);
    expect(engine.name).toBe('reference');
    const weights = initWeights(config, 2, { std: 0.2 });
    const rng = new Rng(3);
    const batch = {
      batch: 2,
      seq: 8,
      inputs: Int32Array.from({ length: 16 }, () => rng.int(16)),
      targets: Int32Array.from({ length: 16 }, () => rng.int(16)),
    };
    const grads = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
    const loss = await engine.lossAndGrad(weights, grads, batch, 0.25);
    const direct = new ReferenceModel<Float32Array>(config, Float32Array);
    const expected = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)]));
    expect(loss).toBe(direct.lossAndGrad(weights, expected, batch, 0.25));
    for (const [name, g] of grads) expect(Array.from(g), name).toEqual(Array.from(expected.get(name)!));
    // overwrite: what grads held does not count.
    const stored = new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length).fill(7)]));
    expect(await engine.lossAndGrad(weights, stored, batch, 0.25, { overwrite: true })).toBe(loss);
    for (const [name, g] of stored) expect(Array.from(g), name).toEqual(Array.from(expected.get(name)!));
    const fwd = await engine.loss(weights, { ...batch, mask: Uint8Array.from({ length: 16 }, (_, i) => (i < 4 ? 0 : 1)) });
    expect(fwd.count).toBe(12);
    await engine.dispose();
  });

  it('rejects unknown engines as bad input; native loads lazily or fails with a clear error', async () => {
    await expect(createEngine('gpu', tinyModel())).rejects.toThrow(TrainInputError);
    try {
      const native = await createEngine('native', tinyModel());
      expect(native.name).toBe('native');
      await native.dispose();
    } catch (error) {
      expect(error).toBeInstanceOf(TrainError);
      expect((error as Error).message).toMatch(/not available/);
    }
  });

  it('rejects out-of-range token ids and all-masked batches', async () => {
    const engine = await createEngine('reference', tinyModel());
    const weights = initWeights(tinyModel(), 1);
    await expect(engine.loss(weights, { batch: 1, seq: 2, inputs: Int32Array.of(1, 99), targets: Int32Array.of(1, 2) })).rejects.toThrow(
      /outside \[0, 16\)/,
    );
    await expect(
      engine.loss(weights, { batch: 1, seq: 2, inputs: Int32Array.of(1, 2), targets: Int32Array.of(1, 2), mask: Uint8Array.of(0, 0) }),
    ).rejects.toThrow(/no scored targets/);
  });
});
