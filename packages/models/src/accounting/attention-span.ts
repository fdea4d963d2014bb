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

/** 1 + 2 + … + n (0 for n ≤ 0). */
function triangle(n: number): number {
  return n > 0 ? (n * (n + 1)) / 2 : 0;
}

/**
 * Σ keyCount(t) over positions 0..T−1 in closed form (O(1) in T, so `--seq 1e15` answers at once); equal to the
 * per-position sum, which the tests check on small T for every kind.
 *
 * - sliding-window(w): Σ min(t+1, w).
 * - block-sparse(B, n, G): Σ (t+1) − Σ localStart + Σ globalEnd, where in block b ≥ n localStart = j·B with
 *   j = b−n+1 and globalEnd = min(G, j·B): whole blocks j = 1..M contribute B·j·B and B·min(G, j·B), the last
 *   partial block of r positions r·(its values).
 */
export function totalKeyCount(attention: AttentionConfig, context: number): number {
  const T = context;
  switch (attention.kind) {
    case 'sliding-window': {
      const w = attention.window;
      return T <= w ? triangle(T) : triangle(w) + (T - w) * w;
    }
    case 'block-sparse': {
      const { blockSize: B, localBlocks: n, globalTokens: G } = attention;
      const fullBlocks = Math.floor(T / B);
      const rest = T - fullBlocks * B;
      const M = Math.max(0, fullBlocks - n); // whole blocks whose local span starts after 0 (j = 1..M)
      const J = Math.min(M, Math.floor(G / B)); // among them, those whose whole start j·B is ≤ G
      const localStarts = B * B * triangle(M);
      const globalEnds = B * (B * triangle(J) + (M - J) * G);
      const jLast = fullBlocks - n + 1; // j of the partial block
      const partial = rest > 0 && jLast >= 1 ? rest * (Math.min(G, jLast * B) - jLast * B) : 0;
      return triangle(T) - localStarts + globalEnds + partial;
    }
    default:
      return triangle(T);
  }
}

/** Mean number of keys per query over positions 0..T−1 (exact, closed form). */
export function meanKeyCount(attention: AttentionConfig, context: number): number {
  return totalKeyCount(attention, context) / context;
}
