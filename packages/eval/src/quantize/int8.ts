import { join } from 'node:path';
import type { ModelConfig, ModelWeights } from '@scalewise/models';
import {
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

/**
 * Rewrite every `MatMul(x, Transpose(W))` with a float initializer W [out, in] into the onnxruntime contrib op
 * `com.microsoft.DynamicQuantizeMatMul(x, W_int8ᵀ, scale, zero_point)`: int8 weights (4× fewer bytes to stream
 * per token), activations quantized to uint8 on the fly. Dead Transposes and initializers are dropped.
 */
export function quantizeGraphInt8(g: Graph): QuantizeStats {
  const before = initializerBytes(g);
  const producer = new Map<string, NodeDef>();
  for (const node of g.nodes) for (const o of node.outputs) producer.set(o, node);
  const done = new Map<string, string[]>();
  let matrices = 0;
  for (const node of g.nodes) {
    if (node.opType !== 'MatMul' || node.domain !== '') continue;
    const t = producer.get(node.inputs[1] ?? '');
    const perm = t?.attrs.perm;
    const wName = t?.inputs[0] ?? '';
    const w = g.initializers.get(wName);
    if (
      !t ||
      t.opType !== 'Transpose' ||
      !w ||
      w.dtype !== 'float32' ||
      w.dims.length !== 2 ||
      (perm && perm.type === 'ints' && perm.value.join() !== '1,0')
    )
      continue;
    let inputs = done.get(wName);
    if (!inputs) {
      const [out, inDim] = w.dims as [number, number];
      const { q, scale } = quantizeTransposed(w.data as Float32Array, out, inDim);
      inputs = [
        g.constant({ dtype: 'int8', dims: [inDim, out], data: q }, `${wName}_int8`),
        g.constant({ dtype: 'float32', dims: [out], data: scale }, `${wName}_scale`),
        g.constant({ dtype: 'int8', dims: [out], data: new Int8Array(out) }, `${wName}_zp`),
      ];
      done.set(wName, inputs);
      matrices++;
    }
    node.opType = 'DynamicQuantizeMatMul';
    node.domain = 'com.microsoft';
    node.inputs = [node.inputs[0] ?? '', ...inputs];
  }
  g.opsets['com.microsoft'] = 1;
  // Drop what nothing reads any more (repeat: removing a node can orphan its inputs).
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
  const gatherOnly = [...g.initializers.entries()].filter(([name]) => {
    const readers = g.nodes.filter((n) => n.inputs.includes(name));
    return readers.length > 0 && readers.every((n) => n.opType === 'Gather' && n.inputs[0] === name);
  });
  const after = initializerBytes(g);
  const gathered = gatherOnly.reduce((s, [, t]) => s + t.data.byteLength - t.data.byteLength / (t.dims[0] ?? 1), 0);
  return { matrices, bytes_before: before, bytes_after: after, bytes_per_token: after - gathered };
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
  },
): Promise<QuantizeStats> {
  const g = buildInferenceGraph(options.config, options.weights, { fuseProjections: false });
  const stats = quantizeGraphInt8(g);
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
