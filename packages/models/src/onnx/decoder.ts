import type { ModelConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { attr, tensor, type Graph } from './graph.js';
import { dynamicMask } from './masks.js';
import { ropeTables } from './rope.js';
import { blockSparseAttention, blockSparseCache, blockSparseMask, type BlockSparseChunks } from './block-sparse-attention.js';
import { chunkedWindowStatic } from './chunked-static.js';
import { causalChunkedStatic, causalChunks, positionRows, positionRowsMask } from './causal-static.js';
import { blockSparsePays, blockSparseStatic } from './block-sparse-static.js';
import { boundedCache, chunkedWindowAttention, chunkedWindowMask, type ChunkedWindow } from './chunked-attention.js';
import { fusedProjection } from './projection.js';
import { fusedRope, tiledRopeTables } from './rope-static.js';
import { linearAttentionRecurrent, linearAttentionStatic } from './linear-attention.js';

/**
 * Emits the llama / MobileLLM decoder forward pass into a `Graph`:
 *   x = embed[ids]; per block application: x += Attn(RMSNorm(x)); x += SwiGLU(RMSNorm(x)); logits = RMSNorm(x)·Headᵀ
 *
 * Layouts: activations [batch, seq, dim]; per-head tensors [batch, seq, heads, headDim] for RoPE, then
 * [batch, kvHeads, groups, seq, headDim] for attention, so GQA/MQA share K/V heads through MatMul
 * broadcasting (query head h reads kv head ⌊h / groups⌋, as HF `repeat_kv`) without copying them. Without a
 * cache, full and dense-masked attention take the queries as rows [batch, kvHeads, seq·groups, headDim] ordered by
 * position (causal-static.ts' `positionRows`: no Transpose at all with one kv head).
 *
 * Without a KV cache (`seqLen` fixed) the graph uses only ops with simple gradients: Gather, MatMul,
 * Transpose, Add/Mul/Div, Pow (x², float32; x·x in float64), ReduceMean, Sqrt, Sigmoid (float32; Exp/Neg in
 * float64, see `silu`), Softmax, Reshape, Slice, Concat, Unsqueeze,
 * plus constant RoPE tables and constant additive masks (-1e9, not -inf, so gradients stay finite; a sliding window
 * shorter than T is computed in chunks, chunked-static.ts);
 * the optional loss adds LogSoftmax, GatherElements, ReduceMean and Neg. For reverse mode: the attention MatMuls
 * broadcast K/V [B, KV, 1, T, hd] against Q [B, KV, G, T, hd], so the K/V gradients sum over the group axis
 * (ReduceSum keepdims over axis 2) when G > 1; the mask and RoPE tables are constants (no gradient).
 *
 * Linear attention (φ = elu + 1; linear-attention.ts): parallel or chunked without a cache; with a cache the slot's
 * key/value tensors carry the recurrent state S = Σ φ(k)ᵀv [B, KV, hd, hd], z = Σ φ(k) [B, KV, 1, hd] (constant size).
 */

export {
  cacheSlots,
  floatTensor,
  type DecoderDType,
  type DecoderKvCache,
  type DecoderOptions,
  type DecoderOutputs,
} from './decoder-types.js';
import { cacheSlots, floatTensor, type DecoderOptions, type DecoderOutputs } from './decoder-types.js';

export function emitDecoder(g: Graph, config: ModelConfig, options: DecoderOptions): DecoderOutputs {
  const dtype = options.dtype ?? 'float32';
  const attention = options.attention ?? config.attention;
  const { heads, kvHeads, headDim, layers, layerRepeat } = config;
  const groups = heads / kvHeads;
  const half = headDim / 2;
  const pre = options.prefix ?? '';
  const kv = options.kvCache;
  if ((options.seqLen === undefined) === (kv === undefined)) {
    throw new ModelsInputError('emitDecoder: give exactly one of seqLen (no KV cache) or kvCache');
  }
  if (kv && kv.past.length !== cacheSlots(config)) {
    throw new ModelsInputError(
      `emitDecoder: kvCache.past needs ${cacheSlots(config)} slots (layers × layerRepeat), found ${kv.past.length}`,
    );
  }
  if (kv && options.targets) throw new ModelsInputError('emitDecoder: targets (loss) are supported only without a KV cache');
  const linearAttn = attention.kind === 'linear';
  if (!Number.isInteger(groups)) throw new ModelsInputError(`emitDecoder: heads (${heads}) must be divisible by kvHeads (${kvHeads})`);

  const c = (values: number[], dims: number[] = [values.length], label = 'const') =>
    g.constant(floatTensor(dtype, values, dims), `${pre}${label}`);
  const ints = (values: number[], label = 'shape') => g.constant(tensor.int64(values), `${pre}${label}`);
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}, label?: string) =>
    g.op1(type, inputs, attrs, { label: `${pre}${label ?? type.toLowerCase()}` });

  // Shaped [1, 1, 1] like the [B, T, 1] mean square it is added to: ORT broadcasts a rank-0 scalar over a tensor
  // whose last axis is 1 one element at a time (~10× slower, measured), and still fuses either form into RMSNorm.
  const epsC = c([config.normEps], [1, 1, 1], 'eps');
  let oneC: string | undefined;
  const one = () => (oneC ??= c([1], [], 'one'));
  let twoC: string | undefined;
  const two = () => (twoC ??= c([2], [], 'two'));
  let qScale: string | undefined; // linear attention has no 1/√hd
  const siluForm = options.silu ?? (dtype === 'float64' ? 'exp' : 'sigmoid');
  const axisLast = ints([-1], 'axes');
  let axis2C: string | undefined;
  const axis2 = () => (axis2C ??= ints([2], 'axes'));
  const rmsNorm = (x: string, w: string, label: string) => {
    // float32 writes x² as Pow(x, 2), the pattern ORT fuses into SimplifiedLayerNormalization; float64 as x·x.
    const sq = dtype === 'float32' ? op('Pow', [x, two()], {}, `${label}_sq`) : op('Mul', [x, x], {}, `${label}_sq`);
    const ms = op('ReduceMean', [sq, axisLast], { keepdims: attr.int(1) }, `${label}_ms`);
    const inv = op('Div', [x, op('Sqrt', [op('Add', [ms, epsC])], {}, `${label}_rms`)], {}, `${label}_n`);
    return op('Mul', [inv, options.weight(w)], {}, label);
  };
  const wT = new Map<string, string>();
  const linear = (x: string, w: string, label: string) => {
    let t = wT.get(w);
    if (!t) {
      t = op('Transpose', [options.weight(w)], { perm: attr.ints([1, 0]) }, `${label}_wT`);
      wT.set(w, t);
    }
    return op('MatMul', [x, t], {}, label);
  };
  /** x·[W₁ᵀ | W₂ᵀ | …] in one MatMul, split back into parts of the given widths (one per weight, or merged neighbours). */
  const linearFused = (x: string, ws: string[], widths: number[], label: string): string[] =>
    fusedProjection(g, x, ws.map(options.weight), widths, `${pre}${label}`, 'stacked-rows');
  const fuse = options.fuseProjections === true;

  // RoPE tables, shaped to broadcast against [batch, seq, heads, headDim]: by the head count they multiply, the
  // first `queryHeads` of them query heads (the no-cache tables fold attention's 1/√hd into those).
  let ropeTable: (n: number, queryHeads: number) => { cos: string; sin: string };
  const scaledTables = !kv && !linearAttn;
  let attendRows: ((q4: string, k4: string, v4: string, label: string) => string) | undefined;
  let mask = '';
  let chunked: ChunkedWindow | undefined;
  let sparse: BlockSparseChunks | undefined;
  let attend: ((q5: string, k4: string, v4: string, label: string) => string) | undefined;
  let fastRope: ReturnType<typeof fusedRope> | undefined;
  if (kv) {
    const tables = ropeTables(config.maxPositions, headDim, config.ropeTheta);
    const cosT = c(Array.from(tables.cos), [config.maxPositions, headDim], 'rope_cos');
    const sinT = c(Array.from(tables.sin), [config.maxPositions, headDim], 'rope_sin');
    const cos = op('Unsqueeze', [op('Gather', [cosT, kv.positionIds], { axis: attr.int(0) }), axis2()], {}, 'cos');
    const sin = op('Unsqueeze', [op('Gather', [sinT, kv.positionIds], { axis: attr.int(0) }), axis2()], {}, 'sin');
    ropeTable = () => ({ cos, sin });
    const shared = { headDim, dtype, attentionMask: kv.attentionMask, inputIds: options.inputIds, prefix: pre };
    if (attention.kind === 'sliding-window' && options.chunkedAttention !== false) {
      const w = (chunked = chunkedWindowMask(g, { ...shared, window: attention.window, pastKey: (kv.past[0] as { key: string }).key }));
      attend = (q5, k4, v4, label) => chunkedWindowAttention(g, w, q5, k4, v4, label);
    } else if (attention.kind === 'block-sparse' && options.chunkedAttention !== false) {
      const w = (sparse = blockSparseMask(g, { ...shared, ...attention, pastKey: (kv.past[0] as { key: string }).key }));
      attend = (q5, k4, v4, label) => blockSparseAttention(g, w, q5, k4, v4, label);
    } else if (!linearAttn) {
      mask = dynamicMask(g, { attention, dtype, attentionMask: kv.attentionMask, inputIds: options.inputIds, prefix: pre });
    }
  } else {
    const T = options.seqLen as number;
    if (!Number.isInteger(T) || T < 1) throw new ModelsInputError(`emitDecoder: seqLen must be a positive integer, found ${T}`);
    // Query entries carry attention's 1/√hd (rotation is linear): no Mul over q, forward or backward.
    const ropeOptions = {
      seqLen: T,
      headDim,
      ropeTheta: config.ropeTheta,
      queryScale: scaledTables ? 1 / Math.sqrt(headDim) : 1,
      prefix: pre,
    };
    ropeTable = tiledRopeTables(g, { ...ropeOptions, dtype });
    if (options.fusedRope && dtype === 'float32') fastRope = fusedRope(g, ropeOptions);
    if (attention.kind === 'sliding-window' && T > attention.window && options.chunkedAttention !== false) {
      const o = { window: attention.window, seqLen: T, headDim, dtype };
      attend = (q5, k4, v4, label) => chunkedWindowStatic(g, o, q5, k4, v4, label);
    } else if (attention.kind === 'block-sparse' && blockSparsePays(attention, T) && options.chunkedAttention !== false) {
      attend = blockSparseStatic(g, { ...attention, seqLen: T, headDim, dtype }, pre);
    } else if (linearAttn) {
      attend = (q5, k4, v4, label) =>
        linearAttentionStatic(g, { dtype, prefix: pre, seqLen: T, headDim, chunk: options.linearChunk }, q5, k4, v4, label);
    } else if (attention.kind === 'full' && causalChunks(T) > 1 && options.chunkedAttention !== false) {
      const o = { seqLen: T, groups, chunks: causalChunks(T), dtype };
      attendRows = (q4, k4, v4, label) => causalChunkedStatic(g, o, q4, k4, v4, label);
    } else {
      mask = g.constant(floatTensor(dtype, positionRowsMask(attention, T, groups), [T * groups, T]), `${pre}mask`);
    }
  }
  const sliceLo = [ints([0], 'start'), ints([half], 'end'), axisLast];
  const sliceHi = [ints([half], 'start'), ints([headDim], 'end'), axisLast];
  const rope = (x: string, n: number, queryHeads: number, label: string) => {
    const { cos, sin } = ropeTable(n, queryHeads);
    const x1 = op('Slice', [x, ...sliceLo]);
    const x2 = op('Slice', [x, ...sliceHi]);
    const swapped = op('Concat', [x2, x1], { axis: attr.int(-1) });
    return op('Add', [op('Mul', [x, cos]), op('Mul', [swapped, sin])], {}, label);
  };

  const shapeKv = ints([0, 0, kvHeads, headDim]);
  const shapeQ = ints([0, 0, heads, headDim]);
  let shapeQ5: string | undefined, shapeMerge: string | undefined; // created on first use (position rows need neither)
  // Full (or dense-masked) attention without a cache: queries as rows ordered by position, then group, per kv head
  // ([B, KV, T·G, hd]). With one kv head those rows are q's own memory order, so no Transpose in or out.
  const rows =
    !kv && !linearAttn && (attendRows !== undefined || attend === undefined)
      ? positionRows(g, { seqLen: options.seqLen as number, heads, kvHeads, headDim }, pre)
      : undefined;

  let x = op('Gather', [options.weight('model.embed_tokens.weight'), options.inputIds], { axis: attr.int(0) }, 'embed');
  const present: DecoderOutputs['present'] = [];
  for (let layer = 0; layer < layers; layer++) {
    const p = `model.layers.${layer}`;
    for (let r = 0; r < layerRepeat; r++) {
      const slot = layer * layerRepeat + r;
      const L = `l${slot}`;
      const h = rmsNorm(x, `${p}.input_layernorm.weight`, `${L}_attn_norm`);
      let q: string, k: string, vLin: string;
      const qkvNames = ['q_proj', 'k_proj', 'v_proj'].map((n) => `${p}.self_attn.${n}.weight`);
      if (fastRope) {
        const [q3, k3, v3] = (
          fuse
            ? linearFused(h, qkvNames, [heads * headDim, kvHeads * headDim, kvHeads * headDim], `${L}_qkv`)
            : qkvNames.map((w, i) => linear(h, w, `${L}_${'qkv'[i]}`))
        ) as [string, string, string];
        q = op('Reshape', [fastRope(q3, heads, true, `${L}_q_rope`), shapeQ]);
        k = op('Reshape', [fastRope(k3, kvHeads, false, `${L}_k_rope`), shapeKv]);
        vLin = v3;
      } else if (fuse) {
        // q and k stay together through RoPE (one set of RoPE nodes for both), then split by heads.
        const [qkLin, vPart] = linearFused(h, qkvNames, [(heads + kvHeads) * headDim, kvHeads * headDim], `${L}_qkv`) as [string, string];
        const qk = rope(op('Reshape', [qkLin, ints([0, 0, heads + kvHeads, headDim])]), heads + kvHeads, heads, `${L}_qk_rope`);
        [q, k] = g.op('Split', [qk, ints([heads, kvHeads], `${L}_qk_split`)], { axis: attr.int(2) }, { outputs: 2, label: `${L}_qk` }) as [
          string,
          string,
        ];
        vLin = vPart;
      } else {
        q = rope(op('Reshape', [linear(h, qkvNames[0] as string, `${L}_q`), shapeQ]), heads, heads, `${L}_q_rope`);
        k = rope(op('Reshape', [linear(h, qkvNames[1] as string, `${L}_k`), shapeKv]), kvHeads, 0, `${L}_k_rope`);
        vLin = linear(h, qkvNames[2] as string, `${L}_v`);
      }
      const v = op('Reshape', [vLin, shapeKv]);
      let k4 = op('Transpose', [k], { perm: attr.ints([0, 2, 1, 3]) }, `${L}_k4`);
      let v4 = op('Transpose', [v], { perm: attr.ints([0, 2, 1, 3]) }, `${L}_v4`);
      let merged: string;
      if (rows) {
        const q4 = rows.queries(q, `${pre}${L}_q4`);
        let ctx4: string;
        if (attendRows) {
          ctx4 = attendRows(q4, k4, v4, `${pre}${L}_chunk`);
        } else {
          // Plain batched MatMuls with no broadcast over G, so the backward needs no ReduceSum over G and ORT folds
          // the key Transpose into the MatMul.
          const kT = op('Transpose', [k4], { perm: attr.ints([0, 1, 3, 2]) }, `${L}_kT`);
          const scores = op('Add', [op('MatMul', [q4, kT], {}, `${L}_scores`), mask]);
          const probs = op('Softmax', [scores], { axis: attr.int(-1) }, `${L}_probs`);
          ctx4 = op('MatMul', [probs, v4], {}, `${L}_ctx4`);
        }
        merged = rows.merge(ctx4, `${pre}${L}_ctx`);
      } else {
        // [B, S, H, hd] → [B, KV, G, S, hd], scaled by 1/√hd (no-cache: by the RoPE tables).
        shapeQ5 ??= ints([0, 0, kvHeads, groups, headDim]);
        let q5 = op('Transpose', [op('Reshape', [q, shapeQ5])], { perm: attr.ints([0, 2, 3, 1, 4]) }, `${L}_q5`);
        if (!linearAttn && !scaledTables) q5 = op('Mul', [q5, (qScale ??= c([1 / Math.sqrt(headDim)], [], 'qscale'))], {}, `${L}_q5s`);
        let ctx: string;
        if (kv && linearAttn) {
          const past = kv.past[slot] as { key: string; value: string };
          const o = { dtype, prefix: pre, attentionMask: kv.attentionMask, inputIds: options.inputIds, past, headDim };
          const r = linearAttentionRecurrent(g, o, q5, k4, v4, `${pre}${L}_lin`);
          present.push(r.present);
          ctx = r.ctx;
        } else {
          if (kv) {
            const past = kv.past[slot] as { key: string; value: string };
            k4 = op('Concat', [past.key, k4], { axis: attr.int(2) }, `${L}_present_k`);
            v4 = op('Concat', [past.value, v4], { axis: attr.int(2) }, `${L}_present_v`);
            const keep = (x: string, n: string) =>
              chunked
                ? boundedCache(g, chunked, x, `${L}_present_${n}_last`)
                : sparse
                  ? blockSparseCache(g, sparse, x, `${L}_present_${n}_kept`)
                  : x;
            present.push({ key: keep(k4, 'k'), value: keep(v4, 'v') });
          }
          if (attend) {
            ctx = attend(q5, k4, v4, `${pre}${L}_chunk`);
          } else {
            const kT = op('Transpose', [op('Unsqueeze', [k4, axis2()])], { perm: attr.ints([0, 1, 2, 4, 3]) }, `${L}_kT`);
            const scores = op('Add', [op('MatMul', [q5, kT], {}, `${L}_scores`), mask]);
            const probs = op('Softmax', [scores], { axis: attr.int(-1) }, `${L}_probs`);
            ctx = op('MatMul', [probs, op('Unsqueeze', [v4, axis2()])], {}, `${L}_ctx`);
          }
        }
        shapeMerge ??= ints([0, 0, heads * headDim]);
        merged = op('Reshape', [op('Transpose', [ctx], { perm: attr.ints([0, 3, 1, 2, 4]) }), shapeMerge]);
      }
      x = op('Add', [x, linear(merged, `${p}.self_attn.o_proj.weight`, `${L}_o`)], {}, `${L}_resid_attn`);

      const h2 = rmsNorm(x, `${p}.post_attention_layernorm.weight`, `${L}_ffn_norm`);
      const [gate, up] = fuse
        ? (linearFused(
            h2,
            [`${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`],
            [config.ffnHidden, config.ffnHidden],
            `${L}_gate_up`,
          ) as [string, string])
        : [linear(h2, `${p}.mlp.gate_proj.weight`, `${L}_gate`), linear(h2, `${p}.mlp.up_proj.weight`, `${L}_up`)];
      const silu =
        siluForm === 'sigmoid'
          ? op('Mul', [gate, op('Sigmoid', [gate])], {}, `${L}_silu`)
          : op('Div', [gate, op('Add', [one(), op('Exp', [op('Neg', [gate])])])], {}, `${L}_silu`);
      x = op('Add', [x, linear(op('Mul', [silu, up]), `${p}.mlp.down_proj.weight`, `${L}_down`)], {}, `${L}_resid_ffn`);
    }
  }
  const final = rmsNorm(x, 'model.norm.weight', 'final_norm');
  const logits = linear(final, config.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', 'logits');

  const out: DecoderOutputs = { logits, present };
  if (options.targets) {
    const logp = op('LogSoftmax', [logits], { axis: attr.int(-1) }, 'logp');
    const picked = op('GatherElements', [logp, op('Unsqueeze', [options.targets, axisLast])], { axis: attr.int(-1) }, 'target_logp');
    out.loss = op('Neg', [op('ReduceMean', [picked], { keepdims: attr.int(0) })], {}, 'loss');
  }
  return out;
}
