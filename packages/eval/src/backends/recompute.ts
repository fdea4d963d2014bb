import type { CausalLM, DecodeSession } from '../lm.js';

/**
 * Decoding without a KV cache: every step runs the whole prefix again (what the original study
 * measured as "no KV cache"). Used by models whose graph takes no `past_key_values`.
 */
export function recomputeDecode(lm: Pick<CausalLM, 'logits' | 'info'>): DecodeSession {
  let history = new Int32Array(0);
  return {
    get length() {
      return history.length;
    },
    async feed(ids) {
      const next = new Int32Array(history.length + ids.length);
      next.set(history);
      next.set(ids, history.length);
      history = next;
      const out = await lm.logits([history]);
      const vocab = out.vocab;
      return out.data.slice((history.length - ids.length) * vocab, history.length * vocab);
    },
    cacheBytes: () => 0,
  };
}
