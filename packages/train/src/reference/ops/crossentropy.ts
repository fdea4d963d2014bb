import type { Arr } from './types.js';

/**
 * Cross-entropy of logits [N, V] against targets [N], scoring rows with mask[n] = 1 (all rows when mask is absent).
 * Returns the SUM of −log p(target) in nats and the number of scored rows. When `probs` is true the logits
 * buffer is overwritten with softmax probabilities (rows that are not scored are zeroed), ready for the backward.
 */
export function crossEntropyForward(
  logits: Arr,
  targets: Int32Array,
  mask: Uint8Array | undefined,
  N: number,
  V: number,
  probs: boolean,
): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let n = 0; n < N; n++) {
    const o = n * V;
    const scored = !mask || mask[n] === 1;
    if (!scored) {
      if (probs) logits.fill(0, o, o + V);
      continue;
    }
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[o + v]! > max) max = logits[o + v]!;
    let z = 0;
    for (let v = 0; v < V; v++) z += Math.exp(logits[o + v]! - max);
    const target = targets[n]!;
    sum += Math.log(z) + max - logits[o + target]!;
    count++;
    if (probs) {
      const inv = 1 / z;
      for (let v = 0; v < V; v++) logits[o + v] = Math.exp(logits[o + v]! - max) * inv;
    }
  }
  return { sum, count };
}

/** In place: probs [N, V] → dlogits = scale · (p − onehot(target)) for scored rows (unscored rows are already 0). */
export function crossEntropyBackward(
  probs: Arr,
  targets: Int32Array,
  mask: Uint8Array | undefined,
  N: number,
  V: number,
  scale: number,
): void {
  for (let n = 0; n < N; n++) {
    if (mask && mask[n] !== 1) continue;
    const o = n * V;
    for (let v = 0; v < V; v++) probs[o + v] = probs[o + v]! * scale;
    probs[o + targets[n]!] = probs[o + targets[n]!]! - scale;
  }
}
