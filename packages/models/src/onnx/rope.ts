/** RoPE tables [positions, headDim] (HF llama: inv_freq = θ^(-2i/headDim), emb = cat(freqs, freqs)); sin is signed for cat(x2, x1). */
export function ropeTables(positions: number, headDim: number, theta: number): { cos: Float64Array; sin: Float64Array } {
  const half = headDim / 2;
  const cos = new Float64Array(positions * headDim);
  const sin = new Float64Array(positions * headDim);
  // Angles rounded to float32 as transformers computes them (and as the reference forward pass does):
  // at position 2000 the rounding moves an angle by ~1e-4 rad, more than the parity tolerance.
  const invFreq = Array.from({ length: half }, (_, i) => Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / headDim))));
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * (invFreq[i] as number));
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + i] = c;
      cos[p * headDim + half + i] = c;
      // rotate_half(x) = cat(-x2, x1); we multiply cat(x2, x1) by a signed sin instead, saving a Neg.
      sin[p * headDim + i] = -s;
      sin[p * headDim + half + i] = s;
    }
  }
  return { cos, sin };
}

/**
 * com.microsoft.RotaryEmbedding's caches [positions, headDim / 2] from `ropeTables`: cos and the unsigned sin of the
 * same angles, times `scale` (a factor folded into the rotation, e.g. attention's 1/√hd on queries).
 */
export function rotaryCaches(
  tables: { cos: Float64Array; sin: Float64Array },
  headDim: number,
  scale = 1,
): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const positions = tables.cos.length / headDim;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      cos[p * half + i] = (tables.cos[p * headDim + i] as number) * scale;
      sin[p * half + i] = (tables.sin[p * headDim + half + i] as number) * scale;
    }
  }
  return { cos, sin };
}
