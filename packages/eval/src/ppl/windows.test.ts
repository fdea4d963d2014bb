import { describe, expect, it } from 'vitest';
import { rollingWindows } from './windows.js';

// Transliteration of lm-evaluation-harness utils.get_rolling_token_windows + make_disjoint_window (context_len = 1).
function lmEvalWindows(tokens: number[], prefix: number, maxSeqLen: number): Array<{ input: number[]; targets: number[] }> {
  const out: Array<{ context: number[]; cont: number[] }> = [];
  const predLen = maxSeqLen;
  let predicted = 0;
  const first = Math.min(maxSeqLen, tokens.length);
  out.push({ context: [prefix, ...tokens.slice(0, first - 1)], cont: tokens.slice(0, first) });
  predicted += first;
  while (predicted < tokens.length) {
    const winPred = Math.min(tokens.length - predicted, predLen);
    const end = predicted + winPred;
    out.push({ context: tokens.slice(Math.max(0, end - maxSeqLen - 1), end - 1), cont: tokens.slice(end - winPred, end) });
    predicted += winPred;
  }
  // make_disjoint_window: the model reads context[: len(context) - (len(cont) - 1)] + cont[:-1].
  return out.map(({ context, cont }) => ({
    input: [...context.slice(0, context.length - (cont.length - 1)), ...cont.slice(0, -1)],
    targets: cont,
  }));
}

// The Hugging Face fixed-length perplexity loop: which (input, scored targets) each window has.
function hfWindows(seq: number[], maxLength: number, stride: number): Array<{ input: number[]; targets: number[] }> {
  const out: Array<{ input: number[]; targets: number[] }> = [];
  let prevEnd = 0;
  for (let begin = 0; begin < seq.length; begin += stride) {
    const end = Math.min(begin + maxLength, seq.length);
    const trg = end - prevEnd;
    const input = seq.slice(begin, end);
    const labels = input.map((t, i) => (i >= input.length - trg ? t : -100));
    // the model shifts: logit i predicts labels[i + 1]; the first label is never predicted.
    out.push({ input: input.slice(0, -1), targets: labels.slice(1).filter((t) => t !== -100) });
    prevEnd = end;
    if (end === seq.length) break;
  }
  return out;
}

const doc = Array.from({ length: 23 }, (_, i) => 100 + i);

describe('rollingWindows', () => {
  for (const maxLength of [1, 2, 5, 8, 22, 23, 24, 40]) {
    it(`matches lm-eval disjoint windows, max length ${maxLength}`, () => {
      const ours = rollingWindows(doc, { maxLength, stride: maxLength, prefixToken: 7 }).map((w) => ({
        input: Array.from(w.tokens.subarray(0, -1)),
        targets: Array.from(w.tokens.subarray(w.tokens.length - w.scored)),
      }));
      expect(ours).toEqual(lmEvalWindows(doc, 7, maxLength));
      expect(ours.every((w) => w.input.length <= maxLength)).toBe(true);
    });
  }

  for (const [maxLength, stride] of [
    [8, 4],
    [8, 1],
    [8, 7],
    [5, 2],
    [30, 10],
  ] as const) {
    it(`matches the HF strided loop, max length ${maxLength}, stride ${stride}`, () => {
      const seq = [7, ...doc];
      const ours = rollingWindows(doc, { maxLength, stride, prefixToken: 7 });
      const theirs = hfWindows(seq, maxLength, stride);
      // HF's windows score the same targets; their input is ours plus one extra trailing token the causal model ignores.
      expect(ours.map((w) => Array.from(w.tokens.subarray(w.tokens.length - w.scored)))).toEqual(
        theirs.map((w) => w.targets).filter((t) => t.length > 0),
      );
      expect(ours.map((w) => Array.from(w.tokens.subarray(0, -1)))).toEqual(theirs.filter((w) => w.targets.length > 0).map((w) => w.input));
      // every document token is scored exactly once
      expect(ours.flatMap((w) => Array.from(w.tokens.subarray(w.tokens.length - w.scored)))).toEqual(doc);
    });
  }

  it('scores from the second token without a prefix, and refuses a stride above the max length', () => {
    const ws = rollingWindows([1, 2, 3], { maxLength: 2, stride: 2, prefixToken: null });
    expect(ws.flatMap((w) => Array.from(w.tokens.subarray(w.tokens.length - w.scored)))).toEqual([2, 3]);
    expect(rollingWindows([1], { maxLength: 4, stride: 4, prefixToken: null })).toEqual([]);
    expect(() => rollingWindows(doc, { maxLength: 4, stride: 5, prefixToken: 0 })).toThrow(
      /stride must be an integer in \[1, max length = 4\], found 5/,
    );
  });
});

describe('rollingWindows is @scalewise/data evalWindows in ScoreWindow shape (one implementation)', () => {
  it('matches the lm-eval and HF references for many lengths, strides and both prefix modes', () => {
    for (let n = 0; n <= 30; n += 3) {
      const d = Array.from({ length: n }, (_, i) => 50 + i);
      for (let maxLength = 1; maxLength <= 12; maxLength++) {
        if (n > 0) {
          const ours = rollingWindows(d, { maxLength, stride: maxLength, prefixToken: 7 }).map((w) => ({
            input: Array.from(w.tokens.subarray(0, -1)),
            targets: Array.from(w.tokens.subarray(w.tokens.length - w.scored)),
          }));
          expect(ours).toEqual(lmEvalWindows(d, 7, maxLength));
        }
        for (let stride = 1; stride < maxLength; stride++) {
          for (const prefixToken of [7, null]) {
            const seq = prefixToken === null ? d : [prefixToken, ...d];
            const ours = rollingWindows(d, { maxLength, stride, prefixToken });
            const theirs = hfWindows(seq, maxLength, stride).filter((w) => w.targets.length > 0);
            expect(ours.map((w) => Array.from(w.tokens.subarray(0, -1)))).toEqual(theirs.map((w) => w.input));
            expect(ours.map((w) => Array.from(w.tokens.subarray(w.tokens.length - w.scored)))).toEqual(theirs.map((w) => w.targets));
          }
        }
      }
    }
  });
});
