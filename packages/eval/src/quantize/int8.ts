import { join } from 'node:path';
import type { ModelConfig, ModelWeights } from '@scalewise/models';
import { EvalInputError } from '../errors.js';
import { quantizeBlocks8 } from './blocks.js';
import {
  attr,
  buildInferenceGraph,
  encodeModel,
  modelFolderConfig,
  writeFileAtomic,
  type Graph,
  type NodeDef,
} from '@scalewise/models/internals';

export interface QuantizeStats {
  /** Weight matrices turned into int8. */
  matrices: number;
  /** Initializer bytes before and after. */
  bytes_before: number;
  bytes_after: number;
  /**
   * Weight bytes read per decoded token: every initializer except those only gathered from
   * (the input embedding, of which one row is read per token).
   */
  bytes_per_token: number;
}

/** Per-output-channel symmetric int8: W [out, in] → B [in, out] int8 with scale[out], for y = x·B·diag(scale). */
export function quantizeTransposed(w: Float32Array, out: number, inDim: number): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(out * inDim);
  const scale = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let amax = 0;
    for (let i = 0; i < inDim; i++) amax = Math.max(amax, Math.abs(w[o * inDim + i] as number));
    const s = amax > 0 ? amax / 127 : 1;
    scale[o] = s;
    for (let i = 0; i < inDim; i++) q[i * out + o] = Math.max(-127, Math.min(127, Math.round((w[o * inDim + i] as number) / s)));
  }
  return { q, scale };
}

function initializerBytes(g: Graph): number {
  let bytes = 0;
  for (const t of g.initializers.values()) bytes += t.data.byteLength;
  return bytes;
}

export interface QuantizeOptions {
  /**
   * `nbits` (default): com.microsoft.MatMulNBits, 8-bit weights in blocks of `blockSize` along K with one scale
   * each, int8 dot products (accuracy_level 4); `dynamic`: com.microsoft.DynamicQuantizeMatMul, per-output-channel
   * int8 weights and activations quantized per call (the kernel before; ~1.3-1.5× slower to decode on Zen 4).
   */
  kernel?: 'nbits' | 'dynamic';
  /** MatMulNBits block length along K (a power of 2 ≥ 16; default 128, the fastest measured at MobileLLM shapes). */
  blockSize?: number;
}

/** The float weights [out, in] whose transposes a MatMul reads: Transpose(W), or Concat(axis 1) of such (fused q/k/v, gate/up). */
function transposedWeights(g: Graph, producer: Map<string, NodeDef>, value: string): string[] | undefined {
  const one = (v: string): string | undefined => {
    const t = producer.get(v);
    const perm = t?.attrs.perm;
    const w = g.initializers.get(t?.inputs[0] ?? '');
    if (!t || t.opType !== 'Transpose' || !w || w.dtype !== 'float32' || w.dims.length !== 2) return undefined;
    if (perm && perm.type === 'ints' && perm.value.join() !== '1,0') return undefined;
    return t.inputs[0];
  };
  const direct = one(value);
  if (direct) return [direct];
  const cat = producer.get(value);
  const axis = cat?.attrs.axis;
  if (!cat || cat.opType !== 'Concat' || !axis || axis.type !== 'int' || (axis.value !== 1 && axis.value !== -1)) return undefined;
  const parts = cat.inputs.map(one);
  const inDims = new Set(parts.map((p) => g.initializers.get(p ?? '')?.dims[1]));
  return parts.every((p) => p !== undefined) && inDims.size === 1 ? (parts as string[]) : undefined;
}

/** Stack the rows of weights [out_i, in] into one [Σ out_i, in]. */
function stackRows(g: Graph, names: string[]): { w: Float32Array; out: number; inDim: number } {
  const tensors = names.map((n) => g.initializers.get(n) as { dims: number[]; data: Float32Array });
  const inDim = tensors[0]?.dims[1] as number;
  if (tensors.length === 1) return { w: tensors[0]?.data as Float32Array, out: tensors[0]?.dims[0] as number, inDim };
  const out = tensors.reduce((s, t) => s + (t.dims[0] as number), 0);
  const w = new Float32Array(out * inDim);
  let offset = 0;
  for (const t of tensors) {
    w.set(t.data, offset);
    offset += t.data.length;
  }
  return { w, out, inDim };
}

/**
 * Rewrite every `MatMul(x, Transpose(W))` (or `MatMul(x, Concat(Transpose(W₁), …))`) with float initializers into
 * an onnxruntime int8 contrib op (see `QuantizeOptions.kernel`): weights 4× fewer bytes to stream per token. Dead
 * Transposes, Concats and initializers are dropped; the stats count quantized weight matrices of the model (W₁, W₂, …).
 */
export function quantizeGraphInt8(g: Graph, options: QuantizeOptions = {}): QuantizeStats {
  const kernel = options.kernel ?? 'nbits';
  const blockSize = options.blockSize ?? 128;
  if (!Number.isInteger(Math.log2(blockSize)) || blockSize < 16)
    throw new EvalInputError(`int8 block size must be a power of 2 ≥ 16, found ${blockSize}`);
  const before = initializerBytes(g);
  const producer = new Map<string, NodeDef>();
  for (const node of g.nodes) for (const o of node.outputs) producer.set(o, node);
  const done = new Map<string, { inputs: string[]; out: number; inDim: number; blockSize: number }>();
  const quantized = new Set<string>();
  for (const node of g.nodes) {
    if (node.opType !== 'MatMul' || node.domain !== '') continue;
    const names = transposedWeights(g, producer, node.inputs[1] ?? '');
    if (!names) continue;
    const key = names.join('|');
    let q = done.get(key);
    if (!q) {
      const { w, out, inDim } = stackRows(g, names);
      const label = names.length === 1 ? (names[0] as string) : `${names[0]}_fused${names.length}`;
      if (kernel === 'nbits') {
        // No block longer than K's next power of 2 (a 64-wide model would otherwise stream half padding).
        const bs = Math.min(blockSize, Math.max(16, 2 ** Math.ceil(Math.log2(inDim))));
        const { q: blocks, scales } = quantizeBlocks8(w, out, inDim, bs);
        const nb = Math.ceil(inDim / bs);
        q = {
          inputs: [
            g.constant({ dtype: 'uint8', dims: [out, nb, bs], data: blocks }, `${label}_q8`),
            g.constant({ dtype: 'float32', dims: [out * nb], data: scales }, `${label}_scale`),
          ],
          out,
          inDim,
          blockSize: bs,
        };
      } else {
        const { q: int8, scale } = quantizeTransposed(w, out, inDim);
        q = {
          inputs: [
            g.constant({ dtype: 'int8', dims: [inDim, out], data: int8 }, `${label}_int8`),
            g.constant({ dtype: 'float32', dims: [out], data: scale }, `${label}_scale`),
            g.constant({ dtype: 'int8', dims: [out], data: new Int8Array(out) }, `${label}_zp`),
          ],
          out,
          inDim,
          blockSize: 0,
        };
      }
      done.set(key, q);
      for (const n of names) quantized.add(n);
    }
    node.domain = 'com.microsoft';
    node.inputs = [node.inputs[0] ?? '', ...q.inputs];
    if (kernel === 'nbits') {
      node.opType = 'MatMulNBits';
      node.attrs = {
        K: attr.int(q.inDim),
        N: attr.int(q.out),
        bits: attr.int(8),
        block_size: attr.int(q.blockSize),
        accuracy_level: attr.int(4),
      };
    } else {
      node.opType = 'DynamicQuantizeMatMul';
    }
  }
  g.opsets['com.microsoft'] = 1;
  dropUnused(g);
  const gatherOnly = [...g.initializers.entries()].filter(([name]) => {
    const readers = g.nodes.filter((n) => n.inputs.includes(name));
    return readers.length > 0 && readers.every((n) => n.opType === 'Gather' && n.inputs[0] === name);
  });
  const after = initializerBytes(g);
  const gathered = gatherOnly.reduce((s, [, t]) => s + t.data.byteLength - t.data.byteLength / (t.dims[0] ?? 1), 0);
  return { matrices: quantized.size, bytes_before: before, bytes_after: after, bytes_per_token: after - gathered };
}

/** Drop what nothing reads any more (repeat: removing a node can orphan its inputs). */
function dropUnused(g: Graph): void {
  for (let changed = true; changed;) {
    changed = false;
    const used = new Set<string>([...g.nodes.flatMap((n) => n.inputs), ...g.outputs.map((o) => o.name)]);
    for (let i = g.nodes.length - 1; i >= 0; i--) {
      const node = g.nodes[i] as NodeDef;
      if (node.outputs.every((o) => !used.has(o))) {
        g.nodes.splice(i, 1);
        changed = true;
      }
    }
    for (const name of [...g.initializers.keys()]) {
      if (!used.has(name)) {
        g.initializers.delete(name);
        changed = true;
      }
    }
  }
}

/**
 * Write an int8 model folder (same layout and inputs/outputs as @scalewise/models' `writeModelFolder`;
 * config.json gains `scalewise_dtype: "int8"` and `scalewise_bytes_per_token`). onnxruntime only: transformers.js
 * does not know the contrib op layout under this file name.
 */
export async function writeInt8ModelFolder(
  dir: string,
  options: {
    config: ModelConfig;
    weights: ModelWeights;
    tokenizer?: { tokenizerJson: Record<string, unknown>; tokenizerConfig: Record<string, unknown> };
  } & QuantizeOptions,
): Promise<QuantizeStats> {
  const g = buildInferenceGraph(options.config, options.weights);
  const stats = quantizeGraphInt8(g, options);
  await writeFileAtomic(join(dir, 'onnx', 'model.onnx'), encodeModel(g, { docString: `scalewise int8 export of ${options.config.name}` }));
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  if (options.tokenizer) {
    await writeFileAtomic(join(dir, 'tokenizer.json'), json(options.tokenizer.tokenizerJson));
    await writeFileAtomic(join(dir, 'tokenizer_config.json'), json(options.tokenizer.tokenizerConfig));
  }
  const hf = {
    ...modelFolderConfig(options.config, options.tokenizer),
    scalewise_dtype: 'int8',
    scalewise_bytes_per_token: stats.bytes_per_token,
  };
  await writeFileAtomic(join(dir, 'config.json'), json(hf));
  return stats;
}
