import { EvalInputError } from '../errors.js';
import type { CausalLM, LogitsBatch, ModelInfo } from '../lm.js';
import { recomputeDecode } from './recompute.js';

/** An in-process model: a function from one window of ids to its logits `[ids.length, vocab]`. */
export type WindowLogitsFn = (ids: Int32Array) => Float32Array;

/** Wrap a plain function as a CausalLM (for tests and for models computed in JS). */
export function functionModel(vocabSize: number, fn: WindowLogitsFn, info: Partial<ModelInfo> = {}): CausalLM {
  const fullInfo: ModelInfo = {
    backend: 'function',
    threads: 1,
    executionProvider: 'js',
    dtype: 'fp32',
    vocabSize,
    kvCache: false,
    ...info,
  };
  const lm: CausalLM = {
    info: fullInfo,
    async logits(windows): Promise<LogitsBatch> {
      const seqLen = Math.max(0, ...windows.map((w) => w.length));
      const data = new Float32Array(windows.length * seqLen * vocabSize);
      windows.forEach((w, b) => {
        const out = fn(w);
        if (out.length !== w.length * vocabSize) {
          throw new EvalInputError(
            `function model: expected ${w.length}×${vocabSize} logits for a window of ${w.length} tokens, found ${out.length} values`,
          );
        }
        data.set(out, b * seqLen * vocabSize);
      });
      return { data, batch: windows.length, seqLen, vocab: vocabSize, lengths: windows.map((w) => w.length) };
    },
    startDecode: () => recomputeDecode(lm),
    dispose: async () => {},
  };
  return lm;
}
