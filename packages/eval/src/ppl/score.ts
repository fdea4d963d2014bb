import { EvalInputError } from '../errors.js';
import { checkPositions, type CausalLM } from '../lm.js';
import { targetLogProb } from '../logprob.js';
import type { ScoreWindow } from './windows.js';

export interface ScoreOptions {
  /** Windows per forward pass (default 1). Results do not depend on it beyond float rounding. */
  batchSize?: number;
  /** Called after each batch with windows done / total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Log-probabilities (nats) of the scored targets of each window, in window order: result[i] has
 * `windows[i].scored` entries. Windows are batched by similar length; padding is never scored.
 */
export async function scoreWindows(lm: CausalLM, windows: readonly ScoreWindow[], options: ScoreOptions = {}): Promise<Float64Array[]> {
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new EvalInputError(`batch size must be a positive integer, found ${batchSize}`);
  for (const [i, w] of windows.entries()) {
    if (w.tokens.length < 2 || !Number.isInteger(w.scored) || w.scored < 1 || w.scored > w.tokens.length - 1) {
      throw new EvalInputError(
        `window ${i}: expected ≥ 2 tokens and 1 ≤ scored ≤ tokens − 1, found ${w.tokens.length} tokens, scored ${w.scored}`,
      );
    }
  }
  const longest = windows.reduce((m, w) => Math.max(m, w.tokens.length - 1), 0);
  checkPositions(lm.info, longest, 'window length');
  const results = new Array<Float64Array>(windows.length);
  // Longest first, so each batch holds windows of similar length and padding stays small.
  const order = windows.map((_, i) => i).sort((a, b) => (windows[b]?.tokens.length ?? 0) - (windows[a]?.tokens.length ?? 0) || a - b);
  const vocab = lm.info.vocabSize;
  for (let at = 0; at < order.length; at += batchSize) {
    const idx = order.slice(at, at + batchSize);
    const inputs = idx.map((i) => (windows[i] as ScoreWindow).tokens.subarray(0, -1));
    const out = await lm.logits(inputs);
    idx.forEach((wi, b) => {
      const w = windows[wi] as ScoreWindow;
      const n = w.tokens.length - 1;
      const lp = new Float64Array(w.scored);
      for (let k = 0; k < w.scored; k++) {
        const t = n - w.scored + k; // input position whose logits predict tokens[t + 1]
        lp[k] = targetLogProb(out.data, (b * out.seqLen + t) * vocab, vocab, w.tokens[t + 1] as number);
      }
      results[wi] = lp;
    });
    options.onProgress?.(Math.min(at + batchSize, order.length), order.length);
  }
  return results;
}
