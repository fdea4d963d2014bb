// Buffers of the reference model (model.ts): per block application activation caches, backward scratch, their
// allocation for one (batch, seq) shape, and the tensor names of each layer; split from model.ts to keep it short.
import type { ModelConfig } from '@scalewise/models';
import { TrainInputError } from '../errors.js';
import { attentionMask } from './ops/attention.js';
import { ropeTables } from './ops/rope.js';
import type { Arr } from './ops/types.js';

export type Ctor<A extends Arr> = new (length: number) => A;

export interface LayerNames {
  ln1: string;
  q: string;
  k: string;
  v: string;
  o: string;
  ln2: string;
  gate: string;
  up: string;
  down: string;
}

/** Per block application: everything the backward needs. */
export interface Cache<A> {
  rstd1: A;
  xn1: A; // [N], [N, d]
  q: A;
  k: A;
  v: A; // [N, H·D], [N, KV·D], [N, KV·D]   (q, k after RoPE)
  phiQ: A | null;
  phiK: A | null;
  z: A | null; // linear attention only: φ(q), φ(k), normaliser [B, H, T]
  att: A; // [B, H, T, T] attention probabilities
  y: A; // [N, H·D] attention output before o_proj
  xMid: A; // [N, d] residual after attention
  rstd2: A;
  xn2: A; // [N], [N, d]
  g: A;
  u: A;
  h: A; // [N, F] gate, up, silu(gate)·up
}

export interface Buffers<A> {
  B: number;
  T: number;
  resid: A[]; // A + 1 residual streams [N, d]: resid[0] = embeddings, resid[a + 1] = output of application a
  caches: Cache<A>[];
  rstdF: A;
  xnF: A;
  logits: A; // [N], [N, d], [N, V] (probabilities / dlogits after the loss)
  tmp: A;
  dres: A;
  dxn: A; // [N, d]
  dq: A;
  dk: A;
  dv: A;
  dy: A; // [N, H·D], [N, KV·D], [N, KV·D], [N, H·D]
  dphiQ: A | null;
  dphiK: A | null;
  dg: A;
  du: A;
  dh: A; // [N, F]
  row: A; // [T]
  mask: Uint8Array;
  cos: Float64Array;
  sin: Float64Array;
}

export function layerNames(i: number): LayerNames {
  const p = `model.layers.${i}`;
  return {
    ln1: `${p}.input_layernorm.weight`,
    q: `${p}.self_attn.q_proj.weight`,
    k: `${p}.self_attn.k_proj.weight`,
    v: `${p}.self_attn.v_proj.weight`,
    o: `${p}.self_attn.o_proj.weight`,
    ln2: `${p}.post_attention_layernorm.weight`,
    gate: `${p}.mlp.gate_proj.weight`,
    up: `${p}.mlp.up_proj.weight`,
    down: `${p}.mlp.down_proj.weight`,
  };
}

export function get<A>(map: Map<string, A>, name: string, what: string): A {
  const value = map.get(name);
  if (value === undefined) throw new TrainInputError(`reference engine: ${what} has no tensor '${name}'`);
  return value;
}

export function addInto(out: Arr, a: Arr, b: Arr): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!;
}

/** Every buffer of one (batch, seq) shape: the residual streams, one activation cache per block application, the
 * backward's scratch, the attention mask and RoPE tables. */
export function allocateBuffers<A extends Arr>(c: ModelConfig, ctor: Ctor<A>, B: number, T: number): Buffers<A> {
  const N = B * T,
    d = c.dim,
    HD = c.heads * c.headDim,
    KD = c.kvHeads * c.headDim,
    F = c.ffnHidden;
  const linear = c.attention.kind === 'linear';
  const mk = (n: number): A => new ctor(n);
  const apps = c.layers * c.layerRepeat;
  const caches: Cache<A>[] = [];
  for (let a = 0; a < apps; a++) {
    caches.push({
      rstd1: mk(N),
      xn1: mk(N * d),
      q: mk(N * HD),
      k: mk(N * KD),
      v: mk(N * KD),
      phiQ: linear ? mk(N * HD) : null,
      phiK: linear ? mk(N * KD) : null,
      z: linear ? mk(B * c.heads * T) : null,
      att: mk(B * c.heads * T * T),
      y: mk(N * HD),
      xMid: mk(N * d),
      rstd2: mk(N),
      xn2: mk(N * d),
      g: mk(N * F),
      u: mk(N * F),
      h: mk(N * F),
    });
  }
  const { cos, sin } = ropeTables(T, c.headDim, c.ropeTheta);
  return {
    B,
    T,
    caches,
    resid: Array.from({ length: apps + 1 }, () => mk(N * d)),
    rstdF: mk(N),
    xnF: mk(N * d),
    logits: mk(N * c.vocabSize),
    tmp: mk(N * d),
    dres: mk(N * d),
    dxn: mk(N * d),
    dq: mk(N * HD),
    dk: mk(N * KD),
    dv: mk(N * KD),
    dy: mk(N * HD),
    dphiQ: linear ? mk(N * HD) : null,
    dphiK: linear ? mk(N * KD) : null,
    dg: mk(N * F),
    du: mk(N * F),
    dh: mk(N * F),
    row: mk(T),
    mask: attentionMask(c.attention, T),
    cos,
    sin,
  };
}
