import { describe, expect, it } from 'vitest';
import { Rng } from '@scalewise/core';
import { finiteDifference, relativeError } from '../gradcheck.js';
import {
  attentionMask,
  eluPlusOne,
  linearAttentionBackward,
  linearAttentionForward,
  softmaxAttentionBackward,
  softmaxAttentionForward,
  type AttentionShape,
} from './attention.js';
import { crossEntropyBackward, crossEntropyForward } from './crossentropy.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { matmulBackward, matmulForward } from './matmul.js';
import { rmsnormBackward, rmsnormForward } from './rmsnorm.js';
import { ropeApply, ropeTables } from './rope.js';
import { swigluBackward, swigluForward } from './swiglu.js';

const rng = new Rng(7);
const randn = (n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => rng.normal() * s);
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((acc, v, i) => acc + v * b[i]!, 0);
const TOL = 1e-4;

describe('op gradients match central finite differences (float64)', () => {
  it('matmul (5 rows × 7 outputs: exercises the tiles and both remainders)', () => {
    const N = 5,
      I = 6,
      O = 7;
    const x = randn(N * I),
      w = randn(O * I),
      r = randn(N * O),
      y = new Float64Array(N * O);
    const f = (): number => {
      matmulForward(y, x, w, N, I, O);
      return dot(y, r);
    };
    const dx = new Float64Array(N * I),
      dw = new Float64Array(O * I);
    matmulBackward(dx, dw, r, x, w, N, I, O);
    expect(relativeError(dx, finiteDifference(f, x))).toBeLessThan(TOL);
    expect(relativeError(dw, finiteDifference(f, w))).toBeLessThan(TOL);
    // every tile/remainder combination against the plain definition
    for (const [n2, i2, o2] of [
      [1, 3, 1],
      [2, 5, 4],
      [4, 2, 2],
      [6, 3, 9],
      [9, 4, 5],
    ] as const) {
      const xs = randn(n2 * i2),
        ws = randn(o2 * i2),
        g = randn(n2 * o2);
      const gx = new Float64Array(n2 * i2).fill(1),
        gw = new Float64Array(o2 * i2).fill(1);
      matmulBackward(gx, gw, g, xs, ws, n2, i2, o2);
      for (let a = 0; a < n2; a++)
        for (let c = 0; c < i2; c++) {
          let s = 1;
          for (let b = 0; b < o2; b++) s += g[a * o2 + b]! * ws[b * i2 + c]!;
          expect(gx[a * i2 + c]).toBeCloseTo(s, 12);
        }
      for (let b = 0; b < o2; b++)
        for (let c = 0; c < i2; c++) {
          let s = 1;
          for (let a = 0; a < n2; a++) s += g[a * o2 + b]! * xs[a * i2 + c]!;
          expect(gw[b * i2 + c]).toBeCloseTo(s, 12);
        }
    }
    // against a naive triple loop
    matmulForward(y, x, w, N, I, O);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let i = 0; i < I; i++) s += x[n * I + i]! * w[o * I + i]!;
        expect(y[n * O + o]).toBe(s);
      }
    }
  });

  it('rmsnorm', () => {
    const N = 3,
      C = 5;
    const x = randn(N * C),
      w = randn(C),
      r = randn(N * C),
      y = new Float64Array(N * C),
      rstd = new Float64Array(N);
    const f = (): number => {
      rmsnormForward(y, rstd, x, w, N, C, 1e-5);
      return dot(y, r);
    };
    f();
    const dx = new Float64Array(N * C),
      dw = new Float64Array(C);
    rmsnormBackward(dx, dw, r, x, w, rstd, N, C);
    expect(relativeError(dx, finiteDifference(f, x))).toBeLessThan(TOL);
    expect(relativeError(dw, finiteDifference(f, w))).toBeLessThan(TOL);
  });

  it('embedding', () => {
    const V = 4,
      C = 3,
      N = 5;
    const tokens = Int32Array.of(0, 3, 3, 1, 0),
      table = randn(V * C),
      r = randn(N * C),
      out = new Float64Array(N * C);
    const f = (): number => {
      embeddingForward(out, tokens, table, N, C);
      return dot(out, r);
    };
    const dt = new Float64Array(V * C);
    embeddingBackward(dt, r, tokens, N, C);
    expect(relativeError(dt, finiteDifference(f, table))).toBeLessThan(TOL);
  });

  it('rope (inverse rotation is the backward; position 0 is identity)', () => {
    const T = 4,
      heads = 2,
      D = 6,
      N = 2 * T;
    const { cos, sin } = ropeTables(T, D, 10000);
    const x = randn(N * heads * D),
      r = randn(N * heads * D),
      y = new Float64Array(x.length);
    const f = (): number => {
      y.set(x);
      ropeApply(y, cos, sin, N, T, heads, D);
      return dot(y, r);
    };
    f();
    expect(Array.from(y.subarray(0, heads * D))).toEqual(Array.from(x.subarray(0, heads * D)));
    const dx = Float64Array.from(r);
    ropeApply(dx, cos, sin, N, T, heads, D, true);
    expect(relativeError(dx, finiteDifference(f, x))).toBeLessThan(TOL);
  });

  it('swiglu', () => {
    const n = 9;
    const g = randn(n, 2),
      u = randn(n),
      r = randn(n),
      h = new Float64Array(n);
    const f = (): number => {
      swigluForward(h, g, u, n);
      return dot(h, r);
    };
    const dg = new Float64Array(n),
      du = new Float64Array(n);
    swigluBackward(dg, du, r, g, u, n);
    expect(relativeError(dg, finiteDifference(f, g))).toBeLessThan(TOL);
    expect(relativeError(du, finiteDifference(f, u))).toBeLessThan(TOL);
  });

  it('cross-entropy with a mask', () => {
    const N = 4,
      V = 5;
    const logits = randn(N * V, 2),
      targets = Int32Array.of(1, 4, 0, 2),
      mask = Uint8Array.of(1, 0, 1, 1);
    const f = (): number => crossEntropyForward(Float64Array.from(logits), targets, mask, N, V, false).sum / 3;
    const probs = Float64Array.from(logits);
    const { sum, count } = crossEntropyForward(probs, targets, mask, N, V, true);
    expect(count).toBe(3);
    // independent: −log softmax of row 0 at target 1
    const row0 = Array.from(logits.subarray(0, V));
    const lse = Math.log(row0.reduce((a, v) => a + Math.exp(v), 0));
    expect(sum).toBeGreaterThan(lse - row0[1]!);
    crossEntropyBackward(probs, targets, mask, N, V, 1 / 3);
    expect(relativeError(probs, finiteDifference(f, logits))).toBeLessThan(TOL);
  });

  const kinds = [
    { kind: 'full' },
    { kind: 'sliding-window', window: 2 },
    { kind: 'block-sparse', blockSize: 2, localBlocks: 1, globalTokens: 1 },
  ] as const;
  for (const kind of kinds) {
    for (const [H, KV] of [
      [2, 2],
      [4, 2],
      [2, 1],
    ] as const) {
      it(`softmax attention ${kind.kind}, H=${H} KV=${KV}`, () => {
        const s: AttentionShape = { B: 2, T: 5, H, KV, D: 3 };
        const nq = s.B * s.T * H * s.D,
          nk = s.B * s.T * KV * s.D;
        const q = randn(nq),
          k = randn(nk),
          v = randn(nk),
          r = randn(nq);
        const y = new Float64Array(nq),
          att = new Float64Array(s.B * H * s.T * s.T);
        const mask = attentionMask(kind, s.T);
        const f = (): number => {
          softmaxAttentionForward(y, att, q, k, v, mask, s);
          return dot(y, r);
        };
        f();
        const dq = new Float64Array(nq),
          dk = new Float64Array(nk),
          dv = new Float64Array(nk);
        softmaxAttentionBackward(dq, dk, dv, r, att, q, k, v, new Float64Array(s.T), s);
        expect(relativeError(dq, finiteDifference(f, q))).toBeLessThan(TOL);
        expect(relativeError(dk, finiteDifference(f, k))).toBeLessThan(TOL);
        expect(relativeError(dv, finiteDifference(f, v))).toBeLessThan(TOL);
      });
    }
  }

  it('attention masks: sliding window and block-sparse patterns', () => {
    const sw = attentionMask({ kind: 'sliding-window', window: 2 }, 4);
    expect(Array.from(sw)).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1]);
    const bs = attentionMask({ kind: 'block-sparse', blockSize: 2, localBlocks: 1, globalTokens: 1 }, 5);
    // row 4 (block 2): own block {4} plus global token 0
    expect(Array.from(bs.subarray(20, 25))).toEqual([1, 0, 0, 0, 1]);
    expect(Array.from(bs.subarray(15, 20))).toEqual([1, 0, 1, 1, 0]);
  });

  for (const [H, KV] of [
    [2, 2],
    [4, 2],
    [2, 1],
  ] as const) {
    it(`linear attention (elu+1), H=${H} KV=${KV}`, () => {
      const s: AttentionShape = { B: 2, T: 5, H, KV, D: 3 };
      const nq = s.B * s.T * H * s.D,
        nk = s.B * s.T * KV * s.D;
      const q = randn(nq),
        k = randn(nk),
        v = randn(nk),
        r = randn(nq);
      const y = new Float64Array(nq),
        att = new Float64Array(s.B * H * s.T * s.T),
        z = new Float64Array(s.B * H * s.T);
      const pq = new Float64Array(nq),
        pk = new Float64Array(nk);
      const f = (): number => {
        eluPlusOne(pq, q, nq);
        eluPlusOne(pk, k, nk);
        linearAttentionForward(y, att, z, pq, pk, v, s);
        return dot(y, r);
      };
      f();
      // independent O(T) prefix-sum form for one output row: batch 1, head H−1, position 4
      const b = 1,
        h = H - 1,
        t = 4,
        g = Math.floor(h / (H / KV)),
        D = s.D;
      const S = new Float64Array(D * D),
        zs = new Float64Array(D);
      for (let j = 0; j <= t; j++) {
        const ko = ((b * s.T + j) * KV + g) * D;
        for (let a = 0; a < D; a++) {
          zs[a] = zs[a]! + pk[ko + a]!;
          for (let c = 0; c < D; c++) S[a * D + c] = S[a * D + c]! + pk[ko + a]! * v[ko + c]!;
        }
      }
      const qo = ((b * s.T + t) * H + h) * D;
      let den = 0;
      for (let a = 0; a < D; a++) den += pq[qo + a]! * zs[a]!;
      for (let c = 0; c < D; c++) {
        let num = 0;
        for (let a = 0; a < D; a++) num += pq[qo + a]! * S[a * D + c]!;
        expect(y[qo + c]).toBeCloseTo(num / (den + 1e-6), 12);
      }
      const dq = new Float64Array(nq),
        dk = new Float64Array(nk),
        dv = new Float64Array(nk);
      linearAttentionBackward(dq, dk, dv, r, att, z, q, k, pq, pk, v, new Float64Array(nq), new Float64Array(nk), new Float64Array(s.T), s);
      expect(relativeError(dq, finiteDifference(f, q))).toBeLessThan(TOL);
      expect(relativeError(dk, finiteDifference(f, k))).toBeLessThan(TOL);
      expect(relativeError(dv, finiteDifference(f, v))).toBeLessThan(TOL);
    });
  }
});
