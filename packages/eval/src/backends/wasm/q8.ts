import { Q8_GROUP } from './kernel-q8.js';

/** An int8 matrix [K in, N out] packed for `gemvQ8` (kernel-q8.ts): groups of 4 outputs, blocks of `blockSize` along K. */
export interface Q8Matrix {
  /** Float offset (into `f32()`) of group 0, 64-byte aligned. */
  readonly off: number;
  readonly K: number;
  /** Outputs; the storage is padded with zero weights to `Npad` = ⌈N/4⌉·4, and gemvQ8 writes all Npad outputs. */
  readonly N: number;
  readonly Npad: number;
  readonly blockSize: number;
  /** Bytes from one group of 4 outputs to the next: K·4 weights + 16 bytes of scales per block. */
  readonly groupStride: number;
}

export function q8Layout(K: number, N: number, blockSize: number) {
  if (!Number.isInteger(Math.log2(blockSize)) || blockSize < 16) {
    throw new RangeError(`wasm kernels: int8 block size must be a power of 2 ≥ 16, got ${blockSize}`);
  }
  if (!Number.isInteger(K) || K <= 0 || K % blockSize !== 0) {
    throw new RangeError(`wasm kernels: int8 K (${K}) must be a positive multiple of the block size ${blockSize}`);
  }
  if (!Number.isInteger(N) || N <= 0) throw new RangeError(`wasm kernels: int8 N must be a positive integer, got ${N}`);
  const blocks = K / blockSize;
  const groups = Math.ceil(N / Q8_GROUP);
  return { blocks, groups, Npad: groups * Q8_GROUP, groupStride: K * Q8_GROUP + 16 * blocks };
}

/**
 * Write q [N, K/blockSize, blockSize] (Uint8Array: q + 128, onnxruntime MatMulNBits' zero point; Int8Array: q) and
 * scales [N · K/blockSize] into `bytes` at byte offset `at` in the gemvQ8 layout (padded outputs: weight 0, scale 0).
 */
export function writeQ8(
  bytes: Uint8Array,
  at: number,
  q: Int8Array | Uint8Array,
  scales: Float32Array,
  K: number,
  N: number,
  blockSize: number,
): void {
  const { blocks, groups, groupStride } = q8Layout(K, N, blockSize);
  if (q.length !== N * K) throw new RangeError(`wasm kernels: packQ8Matrix got ${q.length} weights for [${N}, ${K}]`);
  if (scales.length !== N * blocks)
    throw new RangeError(`wasm kernels: packQ8Matrix got ${scales.length} scales for ${N}×${blocks} blocks`);
  const bias = q instanceof Uint8Array ? 128 : 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let g = 0; g < groups; g++) {
    for (let b = 0; b < blocks; b++) {
      const blockAt = at + g * groupStride + b * (blockSize * Q8_GROUP + 16);
      for (let j = 0; j < Q8_GROUP; j++) {
        const n = g * Q8_GROUP + j;
        if (n >= N) continue; // the padding stays zero (allocations are zero-filled)
        // Input pair (2p, 2p + 1) of the block: 8 bytes, output j's two weights at 2j and 2j + 1.
        const src = n * K + b * blockSize;
        for (let c = 0; c < blockSize; c++) bytes[blockAt + (c >> 1) * 8 + 2 * j + (c & 1)] = ((q[src + c] as number) - bias) & 0xff;
        view.setFloat32(blockAt + blockSize * Q8_GROUP + 4 * j, scales[n * blocks + b] as number, true);
      }
    }
  }
}

/**
 * Quantize x [K] per block of `blockSize` as onnxruntime's CompInt8 does (MLAS QuantizeARow_CompInt8): scale =
 * amax / 127, q = round-half-to-even(x · (127 / amax)) in float32 (0 for an all-zero block). Writes K int8 values at
 * `qOut[qAt..]` and K/blockSize scales at `scaleOut[scaleAt..]`.
 */
export function quantizeRowQ8(
  x: Float32Array,
  xAt: number,
  K: number,
  blockSize: number,
  qOut: Int8Array,
  qAt: number,
  scaleOut: Float32Array,
  scaleAt: number,
): void {
  for (let b = 0, start = 0; start < K; b++, start += blockSize) {
    let amax = 0;
    for (let i = start; i < start + blockSize; i++) amax = Math.max(amax, Math.abs(x[xAt + i] as number));
    scaleOut[scaleAt + b] = Math.fround(amax / 127);
    const inverse = amax !== 0 ? Math.fround(127 / amax) : 0;
    for (let i = start; i < start + blockSize; i++) {
      const v = Math.fround((x[xAt + i] as number) * inverse);
      let r = Math.round(v);
      if (r - v === 0.5 && (r & 1) !== 0) r -= 1; // Math.round takes halves up; ties go to even
      qOut[qAt + i] = Math.max(-127, Math.min(127, r));
    }
  }
}
