import { describe, expect, it } from 'vitest';
import { keyCount } from '../accounting/attention-span.js';
import type { AttentionConfig } from '../config.js';
import { createRng } from '@scalewise/core';
import { attentionScratch, linearAttention, linearAttentionParallel, LinearAttentionState, softmaxAttentionRow } from './attention.js';
import { allowed } from './naive.test.js';
import { applyRope, matmulT, rmsNorm, ropeTables, softmaxRows, swiglu } from './ops.js';

const rng = createRng(3);
const randn = (n: number, s = 1): Float32Array => rng.fillNormal(new Float32Array(n), 0, s);
const shape = { heads: 4, kvHeads: 2, headDim: 8 };

describe('softmax attention skips masked keys', () => {
  const kinds: AttentionConfig[] = [
    { kind: 'sliding-window', window: 5 },
    { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 3 },
  ];
  for (const attention of kinds) {
    it(`${attention.kind}: keys outside the span are never read (NaN there stays out of the result)`, () => {
      const T = 24;
      const kvDim = shape.kvHeads * shape.headDim;
      const q = randn(shape.heads * shape.headDim);
      const scratch = attentionScratch(T, shape.headDim);
      for (const t of [3, 13, 22]) {
        const k = randn(T * kvDim);
        const v = randn(T * kvDim);
        const kClean = k.slice();
        const vClean = v.slice();
        let kept = 0;
        for (let s = 0; s < T; s++) {
          if (allowed(attention, t, s)) kept++;
          else {
            k.fill(NaN, s * kvDim, (s + 1) * kvDim);
            v.fill(NaN, s * kvDim, (s + 1) * kvDim);
          }
        }
        expect(keyCount(attention, t)).toBe(kept);
        const out = new Float32Array(q.length);
        softmaxAttentionRow(out, 0, q, 0, k, v, t, attention, shape, scratch);
        // Reference: dense over all keys with an explicit mask, on clean data.
        const ref = new Float32Array(q.length);
        for (let h = 0; h < shape.heads; h++) {
          const g = Math.floor(h / 2);
          const w: number[] = [];
          for (let s = 0; s < T; s++) {
            let dot = 0;
            for (let i = 0; i < 8; i++) dot += q[h * 8 + i]! * kClean[s * kvDim + g * 8 + i]!;
            w.push(allowed(attention, t, s) ? Math.exp(dot / Math.sqrt(8)) : 0);
          }
          const z = w.reduce((a, b) => a + b, 0);
          for (let i = 0; i < 8; i++) ref[h * 8 + i] = w.reduce((a, p, s) => a + p * vClean[s * kvDim + g * 8 + i]!, 0) / z;
        }
        for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(ref[i]!, 5);
      }
    });
  }
});

describe('causal linear attention', () => {
  it('prefix-sum, parallel (quadratic) and recurrent forms agree', () => {
    const T = 17;
    const q = randn(T * 32);
    const k = randn(T * 16);
    const v = randn(T * 16);
    const a = linearAttention(new Float32Array(T * 32), q, k, v, T, shape);
    const b = linearAttentionParallel(new Float32Array(T * 32), q, k, v, T, shape);
    const state = new LinearAttentionState(shape);
    const c = new Float32Array(T * 32);
    for (let t = 0; t < T; t++) state.step(c, t * 32, q.subarray(t * 32), 0, k.subarray(t * 16), v.subarray(t * 16), 0);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]).toBeCloseTo(b[i]!, 5);
      expect(c[i]).toBe(a[i]);
    }
    // The first output is v itself (a single key gets all the weight, up to ε).
    for (let i = 0; i < 8; i++) expect(a[i]).toBeCloseTo(v[i]!, 4);
  });
});

describe('RoPE (HF llama convention)', () => {
  const hd = 16;
  const tables = ropeTables(hd, 10000, 64);
  const at = (x: Float32Array, pos: number): Float32Array => applyRope(x.slice(), 1, 1, tables, pos);
  const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, ai, i) => s + ai * b[i]!, 0);

  it('q·k depends only on the position difference', () => {
    const q = randn(hd);
    const k = randn(hd);
    const base = dot(at(q, 7), at(k, 3));
    for (const shift of [1, 10, 40]) expect(dot(at(q, 7 + shift), at(k, 3 + shift))).toBeCloseTo(base, 4);
    expect(Math.abs(dot(at(q, 8), at(k, 3)) - base)).toBeGreaterThan(1e-3);
  });

  it('rotates pair (i, i + hd/2) by p·θ^(−2i/hd) and preserves the norm', () => {
    const x = randn(hd);
    const p = 5;
    const y = at(x, p);
    for (let i = 0; i < hd / 2; i++) {
      const angle = p * 10000 ** (-(2 * i) / hd);
      expect(y[i]).toBeCloseTo(x[i]! * Math.cos(angle) - x[i + hd / 2]! * Math.sin(angle), 5);
      expect(y[i + hd / 2]).toBeCloseTo(x[i + hd / 2]! * Math.cos(angle) + x[i]! * Math.sin(angle), 5);
    }
    expect(Math.sqrt(dot(y, y))).toBeCloseTo(Math.sqrt(dot(x, x)), 5);
  });
});

describe('dense ops', () => {
  it('matmulT equals a plain triple loop, bit for bit, for every row and column remainder', () => {
    for (const T of [1, 3, 4, 7]) {
      for (const n of [1, 5, 6, 7]) {
        const x = randn(T * 5);
        const w = randn(n * 5);
        const out = matmulT(new Float32Array(T * n), x, w, T, 5, n);
        for (let t = 0; t < T; t++)
          for (let o = 0; o < n; o++) {
            let s = 0;
            for (let i = 0; i < 5; i++) s += x[t * 5 + i]! * w[o * 5 + i]!;
            expect(out[t * n + o]).toBe(Math.fround(s));
          }
      }
    }
  });

  it('rmsNorm, softmax and swiglu match their definitions', () => {
    const x = new Float32Array([3, 4]);
    expect([...rmsNorm(new Float32Array(2), x, new Float32Array([1, 2]), 1, 2, 0)]).toEqual(
      [3 / Math.sqrt(12.5), 8 / Math.sqrt(12.5)].map(Math.fround),
    );
    const s = softmaxRows(new Float32Array([0, Math.log(3)]), 1, 2);
    expect(s[0]).toBeCloseTo(0.25, 6);
    const g = swiglu(new Float32Array(1), new Float32Array([2]), new Float32Array([3]));
    expect(g[0]).toBeCloseTo((2 / (1 + Math.exp(-2))) * 3, 5);
  });
});
