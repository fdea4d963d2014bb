import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Graph, attr, encodeModel, tensor } from '@scalewise/models/internals';
import type { TrainingEngine } from '../engine.js';
import { differentiate } from './autodiff.js';
import { NativeEngine } from './engine.js';
import { buildTrainingGraph } from './training-graph.js';
import { compareWithReference, randomBatch, randomWeights, relErr, tinyConfig, uniform, zerosLike } from './testing.js';

// com.microsoft.RotaryEmbedding on x [B, T, H·hd] (rotate-half): for i < hd/2, with c = cos[t, i], s = sin[t, i],
// y[i] = x[i]·c − x[i + hd/2]·s and y[i + hd/2] = x[i + hd/2]·c + x[i]·s. Any caches (not only cos² + sin² = 1).
const [B, T, H, HD] = [2, 5, 3, 8];
const HALF = HD / 2;
const rand = uniform(3);
const x = Float32Array.from({ length: B * T * H * HD }, () => rand());
const r = Float32Array.from({ length: B * T * H * HD }, () => rand()); // d loss / d y
const cos = Float32Array.from({ length: T * HALF }, () => rand());
const sin = Float32Array.from({ length: T * HALF }, () => rand());

/** Applies the pair map [[c, −s·sign], [s·sign, c]] in float64: sign 1 is the op, −1 its transpose. */
function rotate(v: Float32Array, sign: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let row = 0; row < B * T * H; row++) {
    const t = Math.floor(row / H) % T;
    for (let i = 0; i < HALF; i++) {
      const [a, b] = [v[row * HD + i]!, v[row * HD + HALF + i]!];
      const [c, s] = [cos[t * HALF + i]!, sign * sin[t * HALF + i]!];
      out[row * HD + i] = a * c - b * s;
      out[row * HD + HALF + i] = b * c + a * s;
    }
  }
  return out;
}

const maxGap = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('RotaryEmbedding gradient (the same op with sin negated)', () => {
  it('forward is the rotation above and the gradient its transpose, against float64 JavaScript', async () => {
    const g = new Graph('rope-grad', { 'com.microsoft': 1 });
    const xIn = g.input('x', 'float32', [B, T, H * HD]);
    const rIn = g.input('r', 'float32', [B, T, H * HD]);
    const caches = [cos, sin].map((data, i) => g.constant({ dtype: 'float32', dims: [T, HALF], data }, i ? 'sin' : 'cos'));
    const offset = g.constant(tensor.int64([0]), 'offset');
    const attrs = { num_heads: attr.int(H), interleaved: attr.int(0) };
    const y = g.op1('RotaryEmbedding', [xIn, offset, ...caches], attrs, { domain: 'com.microsoft' });
    const loss = g.op1('ReduceSum', [g.op1('Mul', [y, rIn])], { keepdims: attr.int(0) });
    const [dx] = differentiate(g, loss, [xIn]);
    g.output(y, 'float32', [B, T, H * HD], 'y');
    g.output(dx as string, 'float32', [B, T, H * HD], 'dx');
    const session = await ort.InferenceSession.create(encodeModel(g));
    const dims = [B, T, H * HD];
    const out = await session.run({ x: new ort.Tensor('float32', x, dims), r: new ort.Tensor('float32', r, dims) });
    await session.release();
    expect(maxGap(out.y!.data as Float32Array, rotate(x, 1))).toBeLessThan(1e-5);
    expect(maxGap(out.dx!.data as Float32Array, rotate(r, -1))).toBeLessThan(1e-5);
    // Not vacuous: the op and its transpose differ here.
    expect(maxGap(rotate(r, 1), rotate(r, -1))).toBeGreaterThan(0.1);
  });

  it.each([
    ['GQA', tinyConfig({ heads: 4, kvHeads: 2 })],
    ['MQA, layerRepeat 2, fused projections', tinyConfig({ kvHeads: 1, layerRepeat: 2, dim: 32, headDim: 8 })],
    ['sliding window', tinyConfig({ attention: { kind: 'sliding-window', window: 3 } })],
    ['linear attention', tinyConfig({ attention: { kind: 'linear' } })],
  ])('%s: training graph with and without it give the same loss and gradients, and match the reference engine', async (_n, config) => {
    const tg = buildTrainingGraph(config, { batch: 2, seq: 8 });
    const slots = config.layers * config.layerRepeat;
    expect(tg.graph.nodes.filter((n) => n.opType === 'RotaryEmbedding')).toHaveLength(4 * slots); // forward + backward
    // The backward nodes share one negated sin cache per forward sin cache (queries', keys').
    const backward = tg.graph.nodes.filter((n) => n.opType === 'RotaryEmbedding').slice(2 * slots);
    expect(new Set(backward.map((n) => n.inputs[3])).size).toBe(2);
    const weights = randomWeights(config, 4);
    const batch = randomBatch(config, 2, 8, 6);
    const keep: TrainingEngine[] = [];
    try {
      const [fused, plain] = [true, false].map((fusedRope) => new NativeEngine(config, { threads: 1, fusedRope }));
      keep.push(fused!, plain!);
      const [gf, gp] = [zerosLike(weights), zerosLike(weights)];
      const lf = await fused!.lossAndGrad(weights, gf, batch, 1);
      const lp = await plain!.lossAndGrad(weights, gp, batch, 1);
      expect(Math.abs(lf - lp) / lp).toBeLessThan(1e-6);
      for (const [name, g] of gp) expect(relErr(gf.get(name)!, g), name).toBeLessThan(1e-5);
      expect((await compareWithReference(config, weights, batch, keep)).mismatches).toEqual([]);
    } finally {
      for (const e of keep) await e.dispose();
    }
  });
});
