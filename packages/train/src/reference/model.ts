/**
 * The reference model: forward with an activation cache, and its backward, for the `@scalewise/models`
 * architecture (llama-style: RMSNorm → attention → residual, RMSNorm → SwiGLU → residual; tied or separate head).
 * llm.c-style: every buffer is allocated once per (batch, seq) shape and reused; shapes are given in comments.
 * Generic over Float32Array (training) and Float64Array (gradient checks).
 *
 * Notation: B batch, T seq, N = B·T rows, d = dim, H heads, KV kv heads, D head dim, F ffn hidden, V vocab,
 * A = layers · layerRepeat block applications (with layer sharing, application a uses layer ⌊a / layerRepeat⌋).
 */
import type { ModelConfig } from '@scalewise/models';
import type { TokenBatch } from '../engine.js';
import { TrainInputError } from '../errors.js';
import {
  eluPlusOne,
  linearAttentionBackward,
  linearAttentionForward,
  softmaxAttentionBackward,
  softmaxAttentionForward,
  type AttentionShape,
} from './ops/attention.js';
import { crossEntropyBackward, crossEntropyForward } from './ops/crossentropy.js';
import { embeddingBackward, embeddingForward } from './ops/embedding.js';
import { matmulBackward, matmulForward } from './ops/matmul.js';
import { rmsnormBackward, rmsnormForward } from './ops/rmsnorm.js';
import { ropeApply } from './ops/rope.js';
import { swigluBackward, swigluForward } from './ops/swiglu.js';
import type { Arr } from './ops/types.js';
import { addInto, allocateBuffers, get, layerNames, type Buffers, type Ctor, type LayerNames } from './model-buffers.js';

export class ReferenceModel<A extends Arr> {
  private readonly names: LayerNames[];
  private readonly headName: string;
  private buffers: Buffers<A> | null = null;

  constructor(
    readonly config: ModelConfig,
    private readonly ctor: Ctor<A>,
  ) {
    this.names = Array.from({ length: config.layers }, (_, i) => layerNames(i));
    this.headName = config.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  }

  private ensure(B: number, T: number): Buffers<A> {
    if (this.buffers && this.buffers.B === B && this.buffers.T === T) return this.buffers;
    const c = this.config;
    if (T > c.maxPositions)
      throw new TrainInputError(`reference engine: seq ${T} exceeds maxPositions ${c.maxPositions} of model '${c.name}'`);
    this.buffers = allocateBuffers(c, this.ctor, B, T);
    return this.buffers;
  }

  private checkBatch(batch: TokenBatch): void {
    const n = batch.batch * batch.seq;
    if (batch.inputs.length !== n || batch.targets.length !== n || (batch.mask && batch.mask.length !== n)) {
      throw new TrainInputError(
        `reference engine: batch arrays must have batch·seq = ${n} entries, found inputs ${batch.inputs.length}, targets ` +
          `${batch.targets.length}`,
      );
    }
    const V = this.config.vocabSize;
    for (let i = 0; i < n; i++) {
      const a = batch.inputs[i]!,
        b = batch.targets[i]!;
      if (a < 0 || a >= V || b < 0 || b >= V)
        throw new TrainInputError(`reference engine: token id at ${i} outside [0, ${V}): input ${a}, target ${b}`);
    }
  }

  /** Runs the forward pass to the logits ([N, V], left in the buffers) and returns the buffers. */
  private forwardToLogits(w: Map<string, A>, inputs: Int32Array, B: number, T: number): Buffers<A> {
    const c = this.config;
    const buf = this.ensure(B, T);
    const N = B * T,
      d = c.dim,
      H = c.heads,
      KV = c.kvHeads,
      D = c.headDim,
      F = c.ffnHidden;
    const shape: AttentionShape = { B, T, H, KV, D };
    embeddingForward(buf.resid[0]!, inputs, get(w, 'model.embed_tokens.weight', 'weights'), N, d);
    for (let a = 0; a < buf.caches.length; a++) {
      const n = this.names[Math.floor(a / c.layerRepeat)]!;
      const cache = buf.caches[a]!;
      const xIn = buf.resid[a]!;
      // attention sub-block: xMid = xIn + o_proj(attn(rope(q), rope(k), v)) on RMSNorm(xIn)
      rmsnormForward(cache.xn1, cache.rstd1, xIn, get(w, n.ln1, 'weights'), N, d, c.normEps);
      matmulForward(cache.q, cache.xn1, get(w, n.q, 'weights'), N, d, H * D);
      matmulForward(cache.k, cache.xn1, get(w, n.k, 'weights'), N, d, KV * D);
      matmulForward(cache.v, cache.xn1, get(w, n.v, 'weights'), N, d, KV * D);
      ropeApply(cache.q, buf.cos, buf.sin, N, T, H, D);
      ropeApply(cache.k, buf.cos, buf.sin, N, T, KV, D);
      if (cache.phiQ && cache.phiK && cache.z) {
        eluPlusOne(cache.phiQ, cache.q, N * H * D);
        eluPlusOne(cache.phiK, cache.k, N * KV * D);
        linearAttentionForward(cache.y, cache.att, cache.z, cache.phiQ, cache.phiK, cache.v, shape);
      } else {
        softmaxAttentionForward(cache.y, cache.att, cache.q, cache.k, cache.v, buf.mask, shape);
      }
      matmulForward(buf.tmp, cache.y, get(w, n.o, 'weights'), N, H * D, d);
      addInto(cache.xMid, xIn, buf.tmp);
      // FFN sub-block: xOut = xMid + down(silu(gate(x̂)) · up(x̂)),  x̂ = RMSNorm(xMid)
      rmsnormForward(cache.xn2, cache.rstd2, cache.xMid, get(w, n.ln2, 'weights'), N, d, c.normEps);
      matmulForward(cache.g, cache.xn2, get(w, n.gate, 'weights'), N, d, F);
      matmulForward(cache.u, cache.xn2, get(w, n.up, 'weights'), N, d, F);
      swigluForward(cache.h, cache.g, cache.u, N * F);
      matmulForward(buf.tmp, cache.h, get(w, n.down, 'weights'), N, F, d);
      addInto(buf.resid[a + 1]!, cache.xMid, buf.tmp);
    }
    rmsnormForward(buf.xnF, buf.rstdF, buf.resid[buf.caches.length]!, get(w, 'model.norm.weight', 'weights'), N, d, c.normEps);
    matmulForward(buf.logits, buf.xnF, get(w, this.headName, 'weights'), N, d, c.vocabSize);
    return buf;
  }

  /** Logits [B·T, V] for input tokens [B, T] (a copy). */
  logits(weights: Map<string, A>, inputs: Int32Array, B: number, T: number): A {
    const buf = this.forwardToLogits(weights, inputs, B, T);
    const out = new this.ctor(buf.logits.length);
    out.set(buf.logits);
    return out;
  }

  /** Forward-only mean cross-entropy (nats) over the scored targets. */
  loss(weights: Map<string, A>, batch: TokenBatch): { meanNats: number; count: number } {
    this.checkBatch(batch);
    const buf = this.forwardToLogits(weights, batch.inputs, batch.batch, batch.seq);
    const { sum, count } = crossEntropyForward(
      buf.logits,
      batch.targets,
      batch.mask,
      batch.batch * batch.seq,
      this.config.vocabSize,
      false,
    );
    if (count === 0) throw new TrainInputError('reference engine: batch has no scored targets (mask is all zero)');
    return { meanNats: sum / count, count };
  }

  /** Mean cross-entropy (nats); adds scale · ∂loss/∂w into grads. */
  lossAndGrad(w: Map<string, A>, grads: Map<string, A>, batch: TokenBatch, scale: number): number {
    this.checkBatch(batch);
    const c = this.config;
    const B = batch.batch,
      T = batch.seq,
      N = B * T,
      d = c.dim,
      H = c.heads,
      KV = c.kvHeads,
      D = c.headDim,
      F = c.ffnHidden,
      V = c.vocabSize;
    const buf = this.forwardToLogits(w, batch.inputs, B, T);
    const { sum, count } = crossEntropyForward(buf.logits, batch.targets, batch.mask, N, V, true);
    if (count === 0) throw new TrainInputError('reference engine: batch has no scored targets (mask is all zero)');
    const shape: AttentionShape = { B, T, H, KV, D };
    const g = (name: string): A => get(grads, name, 'grads');
    // loss = Σ CE / count  →  dlogits = scale · (p − onehot) / count
    crossEntropyBackward(buf.logits, batch.targets, batch.mask, N, V, scale / count);
    buf.dxn.fill(0);
    matmulBackward(buf.dxn, g(this.headName), buf.logits, buf.xnF, get(w, this.headName, 'weights'), N, d, V);
    buf.dres.fill(0);
    rmsnormBackward(
      buf.dres,
      g('model.norm.weight'),
      buf.dxn,
      buf.resid[buf.caches.length]!,
      get(w, 'model.norm.weight', 'weights'),
      buf.rstdF,
      N,
      d,
    );
    // dres holds ∂loss/∂resid[a + 1] on entry to each iteration and ∂loss/∂resid[a] on exit.
    for (let a = buf.caches.length - 1; a >= 0; a--) {
      const n = this.names[Math.floor(a / c.layerRepeat)]!;
      const cache = buf.caches[a]!;
      // FFN: resid[a + 1] = xMid + down(h)
      buf.dh.fill(0);
      matmulBackward(buf.dh, g(n.down), buf.dres, cache.h, get(w, n.down, 'weights'), N, F, d);
      swigluBackward(buf.dg, buf.du, buf.dh, cache.g, cache.u, N * F);
      buf.dxn.fill(0);
      matmulBackward(buf.dxn, g(n.gate), buf.dg, cache.xn2, get(w, n.gate, 'weights'), N, d, F);
      matmulBackward(buf.dxn, g(n.up), buf.du, cache.xn2, get(w, n.up, 'weights'), N, d, F);
      rmsnormBackward(buf.dres, g(n.ln2), buf.dxn, cache.xMid, get(w, n.ln2, 'weights'), cache.rstd2, N, d);
      // attention: xMid = resid[a] + o_proj(y)
      buf.dy.fill(0);
      matmulBackward(buf.dy, g(n.o), buf.dres, cache.y, get(w, n.o, 'weights'), N, H * D, d);
      if (cache.phiQ && cache.phiK && cache.z && buf.dphiQ && buf.dphiK) {
        linearAttentionBackward(
          buf.dq,
          buf.dk,
          buf.dv,
          buf.dy,
          cache.att,
          cache.z,
          cache.q,
          cache.k,
          cache.phiQ,
          cache.phiK,
          cache.v,
          buf.dphiQ,
          buf.dphiK,
          buf.row,
          shape,
        );
      } else {
        softmaxAttentionBackward(buf.dq, buf.dk, buf.dv, buf.dy, cache.att, cache.q, cache.k, cache.v, buf.row, shape);
      }
      ropeApply(buf.dq, buf.cos, buf.sin, N, T, H, D, true);
      ropeApply(buf.dk, buf.cos, buf.sin, N, T, KV, D, true);
      buf.dxn.fill(0);
      matmulBackward(buf.dxn, g(n.q), buf.dq, cache.xn1, get(w, n.q, 'weights'), N, d, H * D);
      matmulBackward(buf.dxn, g(n.k), buf.dk, cache.xn1, get(w, n.k, 'weights'), N, d, KV * D);
      matmulBackward(buf.dxn, g(n.v), buf.dv, cache.xn1, get(w, n.v, 'weights'), N, d, KV * D);
      rmsnormBackward(buf.dres, g(n.ln1), buf.dxn, buf.resid[a]!, get(w, n.ln1, 'weights'), cache.rstd1, N, d);
    }
    embeddingBackward(g('model.embed_tokens.weight'), buf.dres, batch.inputs, N, d);
    return sum / count;
  }
}
