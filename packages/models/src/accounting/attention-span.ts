import type { AttentionConfig } from '../config.js';

/**
 * Key ranges that query position `t` (0-based) attends to under a softmax attention kind: up to two
 * half-open intervals [globalEnd = 0..g) ∪ [localStart, t + 1). Shared by the forward pass and the FLOP count
 * so that what is counted is what is computed.
 *
 * - full: [0, t+1)
 * - sliding-window(w): [max(0, t−w+1), t+1)
 * - block-sparse(B, n, G): local = the current block and the n−1 before it, [max(0, (⌊t/B⌋−n+1)·B), t+1);
 *   global = the first G positions not already local, [0, min(G, localStart)).
 */
export function keySpan(attention: AttentionConfig, t: number): { globalEnd: number; localStart: number } {
  switch (attention.kind) {
    case 'sliding-window':
      return { globalEnd: 0, localStart: Math.max(0, t - attention.window + 1) };
    case 'block-sparse': {
      const localStart = Math.max(0, (Math.floor(t / attention.blockSize) - attention.localBlocks + 1) * attention.blockSize);
      return { globalEnd: Math.min(attention.globalTokens, localStart), localStart };
    }
    default:
      return { globalEnd: 0, localStart: 0 };
  }
}

/** Number of keys position t attends to (softmax kinds); linear attention has no keys list. */
export function keyCount(attention: AttentionConfig, t: number): number {
  const { globalEnd, localStart } = keySpan(attention, t);
  return globalEnd + (t + 1 - localStart);
}

/** Mean number of keys per query over positions 0..T−1 (exact sum, O(T)). */
export function meanKeyCount(attention: AttentionConfig, context: number): number {
  if (attention.kind === 'full') return (context + 1) / 2;
  let sum = 0;
  for (let t = 0; t < context; t++) sum += keyCount(attention, t);
  return sum / context;
}
