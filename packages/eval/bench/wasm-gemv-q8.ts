// int8 rows of bench/wasm-gemv.ts: the same MobileLLM-125M weight set as 8-bit blocks along K (block 128, one f32
// scale each, exactly what quantize/int8.ts writes), wasm gemvQ8 vs onnxruntime's com.microsoft.MatMulNBits (bits 8,
// accuracy_level 4, the int8 export's nodes). GB/s counts the int8 bytes as stored (q [N, ⌈K/128⌉, 128] + scales),
// the same numerator for both, so the ratio is a ratio of times.
import * as ort from 'onnxruntime-node';
import { Graph, attr, encodeModel } from '@scalewise/models/internals';
import { createWasmKernels, type WasmKernelOptions } from '../src/backends/wasm/kernels.js';

export const Q8_BLOCK = 128;

export interface Q8Config {
  name: string;
  bytes: number;
  pass: () => unknown;
  release: () => Promise<void>;
}

const blocksOf = (k: number) => Math.ceil(k / Q8_BLOCK);
/** Stored int8 bytes of the set: q + 4-byte scales. */
export const q8Bytes = (shapes: Array<[number, number]>) => shapes.reduce((a, [k, n]) => a + n * blocksOf(k) * (Q8_BLOCK + 4), 0);

/** xorshift32 q + 128 in [1, 255] and scales in [0.001, 0.01): distinct values, as the export stores them. */
function q8Matrix(k: number, n: number, seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const q = new Uint8Array(n * blocksOf(k) * Q8_BLOCK);
  for (let i = 0; i < q.length; i++) q[i] = 1 + Math.floor(next() * 255);
  const scales = Float32Array.from({ length: n * blocksOf(k) }, () => 0.001 + next() * 0.009);
  return { q, scales };
}

/** wasm gemvQ8 over the set (K padded to whole blocks, as the engine packs it); a pass = one call per matrix. */
export async function wasmQ8(
  threads: number,
  shapes: Array<[number, number]>,
  options: WasmKernelOptions = {},
  label = '',
): Promise<Q8Config> {
  const kr = await createWasmKernels({ threads, maxBytes: q8Bytes(shapes) * 1.2 + 2 ** 26, ...options });
  const mats = shapes.map(([k, n], i) => {
    const { q, scales } = q8Matrix(k, n, 7 + i);
    return kr.packQ8Matrix(q, scales, blocksOf(k) * Q8_BLOCK, n, Q8_BLOCK);
  });
  const x = kr.alloc(2048);
  const y = kr.alloc(32000);
  kr.f32().fill(0.25, x, x + 1536);
  return {
    name: `wasm gemvQ8${label} (${threads} thread${threads > 1 ? 's' : ''})`,
    bytes: q8Bytes(shapes),
    pass: () => {
      for (const m of mats) kr.gemvQ8(x, m, y);
    },
    release: () => kr.dispose(),
  };
}

/** One onnxruntime graph of MatMulNBits nodes (the int8 export's: bits 8, block 128, accuracy_level 4). */
export async function ortQ8(threads: number, shapes: Array<[number, number]>): Promise<Q8Config> {
  const g = new Graph('gemv_q8');
  const x576 = g.input('x576', 'float32', [1, 576]);
  const x1536 = g.input('x1536', 'float32', [1, 1536]);
  shapes.forEach(([k, n], i) => {
    const { q, scales } = q8Matrix(k, n, 7 + i);
    const qi = g.initializer(`q${i}`, { dtype: 'uint8', dims: [n, blocksOf(k), Q8_BLOCK], data: q });
    const si = g.initializer(`s${i}`, { dtype: 'float32', dims: [n * blocksOf(k)], data: scales });
    const attrs = { K: attr.int(k), N: attr.int(n), bits: attr.int(8), block_size: attr.int(Q8_BLOCK), accuracy_level: attr.int(4) };
    const [out] = g.op('MatMulNBits', [k === 576 ? x576 : x1536, qi, si], attrs, { domain: 'com.microsoft' });
    g.output(out as string, 'float32', [1, n], `y${i}`);
  });
  g.opsets['com.microsoft'] = 1;
  const session = await ort.InferenceSession.create(encodeModel(g), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const feeds = {
    x576: new ort.Tensor('float32', new Float32Array(576).fill(0.25), [1, 576]),
    x1536: new ort.Tensor('float32', new Float32Array(1536).fill(0.25), [1, 1536]),
  };
  return {
    name: `onnxruntime MatMulNBits int8 (${threads} thread${threads > 1 ? 's' : ''})`,
    bytes: q8Bytes(shapes),
    pass: () => session.run(feeds),
    release: () => session.release(),
  };
}
