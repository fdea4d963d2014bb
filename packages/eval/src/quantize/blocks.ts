/**
 * Symmetric 8-bit blocks along K for onnxruntime's com.microsoft.MatMulNBits (bits 8): W [N, K] row-major →
 * B [N, ⌈K/blockSize⌉, blockSize] uint8 holding q + 128 (MatMulNBits' default zero point), scales [N·⌈K/blockSize⌉]
 * with w ≈ (B − 128)·scale. A partial last block is padded with 128 (weight 0).
 */
export function quantizeBlocks8(w: Float32Array, n: number, k: number, blockSize: number): { q: Uint8Array; scales: Float32Array } {
  const blocks = Math.ceil(k / blockSize);
  const q = new Uint8Array(n * blocks * blockSize).fill(128);
  const scales = new Float32Array(n * blocks);
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const start = row * k + b * blockSize;
      const end = row * k + Math.min(k, (b + 1) * blockSize);
      let amax = 0;
      for (let i = start; i < end; i++) amax = Math.max(amax, Math.abs(w[i] as number));
      const s = amax > 0 ? amax / 127 : 1;
      scales[row * blocks + b] = s;
      const out = (row * blocks + b) * blockSize - start;
      for (let i = start; i < end; i++) q[out + i] = 128 + Math.max(-127, Math.min(127, Math.round((w[i] as number) / s)));
    }
  }
  return { q, scales };
}
