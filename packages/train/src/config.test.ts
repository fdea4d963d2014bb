import { describe, expect, it } from 'vitest';
import { resolveTrainingConfig } from './config.js';
import { TrainInputError } from './errors.js';
import { learningRate } from './schedule.js';
import { AdamW, clipFactor, globalNorm } from './optimizer.js';
import { tinyModel } from './test-utils.js';

describe('training config', () => {
  it('fills defaults (MobileLLM AdamW) and resolves tokens to whole steps', () => {
    const c = resolveTrainingConfig({ model: 'mobilellm-125m', tokens: 100_000, data: { seq: 128 }, batchSize: 8 });
    expect(c.model.dim).toBe(576);
    expect(c.optimizer).toMatchObject({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decayEmbeddings: false, decayNorms: false });
    expect(c.steps).toBe(Math.ceil(100_000 / (8 * 128)));
    expect(c.tokens).toBe(c.steps * 8 * 128);
    expect(c.schedule).toEqual({ kind: 'cosine', floor: 0.1, warmup: Math.ceil(0.05 * c.steps) });
  });

  it.each([
    [{ model: 'mobilellm-125m', steps: 10, optimizer: { lr: -1 } }, /field 'optimizer\.lr'.*found -1/],
    [{ model: 'mobilellm-125m', steps: 10, batchSize: 2.5 }, /field 'batchSize'/],
    [{ model: 'mobilellm-125m', steps: 10, schedule: { kind: 'linear' } }, /field 'schedule\.kind'/],
    [{ model: 'mobilellm-125m', steps: 10, bogus: 1 }, /bogus/],
    [{ model: 'no-such-preset', steps: 10 }, /field 'model'.*no-such-preset/],
    [{ model: 'mobilellm-125m' }, /'tokens' or 'steps'/],
    [{ model: { dim: 8 }, steps: 3 }, /field 'model'/],
    [{ model: 'mobilellm-125m', steps: 10, schedule: { kind: 'constant', warmup: 20 } }, /schedule\.warmup/],
    [{ model: 'mobilellm-125m', steps: 10, optimizer: { eps: 1e-50 } }, /field 'optimizer\.eps'.*float32.*found 1e-50/],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => resolveTrainingConfig(input)).toThrow(TrainInputError);
    expect(() => resolveTrainingConfig(input)).toThrow(message);
  });
});

describe('learning-rate schedules', () => {
  const peak = 1e-3;
  it('cosine: linear warmup to the peak, then cosine down to 10% of peak at the last step', () => {
    const s = { kind: 'cosine' as const, warmup: 10, floor: 0.1 };
    expect(learningRate(s, peak, 0, 110)).toBeCloseTo(peak / 10, 15);
    expect(learningRate(s, peak, 9, 110)).toBeCloseTo(peak, 15);
    expect(learningRate(s, peak, 10, 110)).toBeCloseTo(peak, 15);
    expect(learningRate(s, peak, 109, 110)).toBeCloseTo(0.1 * peak, 15);
    // halfway through the cosine: floor + (1 − floor)/2
    expect(learningRate(s, peak, 10 + 49.5, 110)).toBeCloseTo(0.55 * peak, 12);
  });
  it('wsd: stable at the peak, then linear decay over the last 20%', () => {
    const s = { kind: 'wsd' as const, warmup: 5, decayFraction: 0.2, floor: 0 };
    expect(learningRate(s, peak, 50, 100)).toBe(peak);
    expect(learningRate(s, peak, 79, 100)).toBe(peak);
    expect(learningRate(s, peak, 99, 100)).toBeCloseTo(0, 15);
    expect(learningRate(s, peak, 89, 100)).toBeCloseTo(peak * (1 - 9 / 19), 15);
  });
  it('constant', () => {
    expect(learningRate({ kind: 'constant', warmup: 0 }, peak, 7, 10)).toBe(peak);
  });
});

describe('AdamW', () => {
  it('first step moves each weight by lr·sign(g) (bias-corrected) plus decoupled decay on linear weights only', () => {
    const config = tinyModel();
    const opt = new AdamW(config, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decayEmbeddings: false, decayNorms: false });
    const w = new Map([
      ['model.layers.0.self_attn.q_proj.weight', Float32Array.of(0.5, -2)],
      ['model.norm.weight', Float32Array.of(1)],
      ['model.embed_tokens.weight', Float32Array.of(0.25)],
    ]);
    const g = new Map([
      ['model.layers.0.self_attn.q_proj.weight', Float32Array.of(0.3, -4)],
      ['model.norm.weight', Float32Array.of(-1)],
      ['model.embed_tokens.weight', Float32Array.of(2)],
    ]);
    const lr = 0.01;
    opt.step(w, g, lr);
    // m̂ = g, v̂ = g² → update = g / (|g| + eps) ≈ sign(g)
    expect(w.get('model.layers.0.self_attn.q_proj.weight')![0]).toBeCloseTo(0.5 - lr * (0.3 / (0.3 + 1e-8)) - lr * 0.1 * 0.5, 6);
    expect(w.get('model.layers.0.self_attn.q_proj.weight')![1]).toBeCloseTo(-2 + lr - lr * 0.1 * -2, 6);
    expect(w.get('model.norm.weight')![0]).toBeCloseTo(1 + lr, 6);
    expect(w.get('model.embed_tokens.weight')![0]).toBeCloseTo(0.25 - lr, 6);
    expect(opt.decays('model.norm.weight')).toBe(false);
    expect(opt.decays('model.layers.1.mlp.down_proj.weight')).toBe(true);
  });

  it('global-norm clipping', () => {
    const g = new Map([
      ['a', Float32Array.of(3)],
      ['b', Float32Array.of(0, 4)],
    ]);
    expect(globalNorm(g)).toBe(5);
    // Every element counts once, whatever the length's remainder mod 4 (the four partial sums and the tail).
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 1001]) {
      const x = Float32Array.from({ length: n }, (_, i) => ((i * 37) % 11) - 5 + i / 7);
      const naive = Math.sqrt(x.reduce((a, v) => a + v * v, 0));
      expect(Math.abs(globalNorm(new Map([['x', x]])) - naive) / naive, `length ${n}`).toBeLessThan(1e-14);
      const once = Float32Array.from(x, (v, i) => (i === n - 1 ? v + 1 : v));
      expect(globalNorm(new Map([['x', once]]))).not.toBe(globalNorm(new Map([['x', x]])));
    }
    expect(clipFactor(5, 1)).toBeCloseTo(0.2, 6);
    expect(clipFactor(0.5, 1)).toBe(1);
    expect(clipFactor(5, 0)).toBe(1);
  });
});
