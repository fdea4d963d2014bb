// Test-only: a deliberately naive float64 transformer written from the HF llama description, with dense
// attention and an explicit mask, used as an independent oracle for the fast forward pass.
// (A *.test.ts file so the build leaves it out; it also checks the oracle itself on cases done by hand.)
import { describe, expect, it } from 'vitest';
import type { AttentionConfig, ModelConfig } from '../config.js';
import type { ModelWeights } from '../weights.js';

type Mat = number[][];

function linear(x: Mat, w: Float32Array, outDim: number): Mat {
  const inDim = x[0]!.length;
  return x.map((row) => Array.from({ length: outDim }, (_, o) => row.reduce((s, xi, i) => s + xi * w[o * inDim + i]!, 0)));
}

function norm(x: Mat, w: Float32Array, eps: number): Mat {
  return x.map((row) => {
    const r = Math.sqrt(row.reduce((s, v) => s + v * v, 0) / row.length + eps);
    return row.map((v, i) => (v / r) * w[i]!);
  });
}

function rope(x: Mat, nHeads: number, hd: number, theta: number): Mat {
  return x.map((row, p) => {
    const out = row.slice();
    for (let h = 0; h < nHeads; h++) {
      const base = h * hd;
      const rotated = Array.from({ length: hd }, (_, j) => (j < hd / 2 ? -row[base + j + hd / 2]! : row[base + j - hd / 2]!));
      for (let j = 0; j < hd; j++) {
        const angle = p * theta ** (-(2 * (j % (hd / 2))) / hd);
        out[base + j] = row[base + j]! * Math.cos(angle) + rotated[j]! * Math.sin(angle);
      }
    }
    return out;
  });
}

/** Whether query t may see key s, written from the config docs (independently of keySpan). */
export function allowed(attention: AttentionConfig, t: number, s: number): boolean {
  if (s > t) return false;
  if (attention.kind === 'sliding-window') return t - s < attention.window;
  if (attention.kind === 'block-sparse') {
    const sameOrRecent = Math.floor(t / attention.blockSize) - Math.floor(s / attention.blockSize) < attention.localBlocks;
    return sameOrRecent || s < attention.globalTokens;
  }
  return true;
}

const phi = (x: number): number => (x > 0 ? x + 1 : Math.exp(x));

function attend(q: Mat, k: Mat, v: Mat, c: ModelConfig): Mat {
  const T = q.length;
  const hd = c.headDim;
  const out: Mat = q.map(() => new Array<number>(c.heads * hd).fill(0));
  for (let h = 0; h < c.heads; h++) {
    const g = Math.floor((h * c.kvHeads) / c.heads);
    const qh = (t: number): number[] => q[t]!.slice(h * hd, (h + 1) * hd);
    const kh = (s: number): number[] => k[s]!.slice(g * hd, (g + 1) * hd);
    const vh = (s: number): number[] => v[s]!.slice(g * hd, (g + 1) * hd);
    for (let t = 0; t < T; t++) {
      const weights: number[] = [];
      for (let s = 0; s < T; s++) {
        if (c.attention.kind === 'linear') {
          weights.push(s <= t ? qh(t).reduce((acc, qi, i) => acc + phi(qi) * phi(kh(s)[i]!), 0) : 0);
        } else {
          const score = qh(t).reduce((acc, qi, i) => acc + qi * kh(s)[i]!, 0) / Math.sqrt(hd);
          weights.push(allowed(c.attention, t, s) ? Math.exp(score) : 0);
        }
      }
      const total = weights.reduce((a, b) => a + b, 0) + (c.attention.kind === 'linear' ? 1e-6 : 0);
      for (let j = 0; j < hd; j++) out[t]![h * hd + j] = weights.reduce((acc, w, s) => acc + w * vh(s)[j]!, 0) / total;
    }
  }
  return out;
}

export function naiveForward(c: ModelConfig, w: ModelWeights, tokens: number[]): Mat {
  const get = (n: string): Float32Array => w.get(n)!;
  const E = get('model.embed_tokens.weight');
  let x: Mat = tokens.map((id) => Array.from(E.subarray(id * c.dim, (id + 1) * c.dim)));
  for (let i = 0; i < c.layers; i++) {
    const p = `model.layers.${i}`;
    for (let r = 0; r < c.layerRepeat; r++) {
      const h = norm(x, get(`${p}.input_layernorm.weight`), c.normEps);
      const q = rope(linear(h, get(`${p}.self_attn.q_proj.weight`), c.heads * c.headDim), c.heads, c.headDim, c.ropeTheta);
      const k = rope(linear(h, get(`${p}.self_attn.k_proj.weight`), c.kvHeads * c.headDim), c.kvHeads, c.headDim, c.ropeTheta);
      const v = linear(h, get(`${p}.self_attn.v_proj.weight`), c.kvHeads * c.headDim);
      const o = linear(attend(q, k, v, c), get(`${p}.self_attn.o_proj.weight`), c.dim);
      x = x.map((row, t) => row.map((val, j) => val + o[t]![j]!));
      const h2 = norm(x, get(`${p}.post_attention_layernorm.weight`), c.normEps);
      const g = linear(h2, get(`${p}.mlp.gate_proj.weight`), c.ffnHidden);
      const u = linear(h2, get(`${p}.mlp.up_proj.weight`), c.ffnHidden);
      const act = g.map((row, t) => row.map((gv, j) => (gv / (1 + Math.exp(-gv))) * u[t]![j]!));
      const d = linear(act, get(`${p}.mlp.down_proj.weight`), c.dim);
      x = x.map((row, t) => row.map((val, j) => val + d[t]![j]!));
    }
  }
  const head = c.tiedEmbeddings ? E : get('lm_head.weight');
  return linear(norm(x, get('model.norm.weight'), c.normEps), head, c.vocabSize);
}

describe('naive oracle', () => {
  it('with one token, attention returns v and RMSNorm gives unit RMS', () => {
    const c = { heads: 1, kvHeads: 1, headDim: 2, attention: { kind: 'full' } } as ModelConfig;
    expect(attend([[0.3, -0.2]], [[1, 2]], [[5, 7]], c)).toEqual([[5, 7]]);
    const n = norm([[3, 4]], new Float32Array([1, 1]), 0)[0]!;
    expect(Math.hypot(n[0]!, n[1]!) / Math.SQRT2).toBeCloseTo(1, 12);
  });

  it('rotates (x1, x2) by p·θ^0 at headDim 2 and leaves position 0 alone', () => {
    const out = rope(
      [
        [1, 0],
        [1, 0],
        [0, 1],
      ],
      1,
      2,
      10000,
    );
    expect(out[0]).toEqual([1, 0]);
    expect(out[1]![0]).toBeCloseTo(Math.cos(1), 12);
    expect(out[1]![1]).toBeCloseTo(Math.sin(1), 12);
    expect(out[2]![0]).toBeCloseTo(-Math.sin(2), 12);
    expect(out[2]![1]).toBeCloseTo(Math.cos(2), 12);
  });
});
