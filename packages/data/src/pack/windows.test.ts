import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { evalWindows, stackWindows, type EvalWindow } from './windows.js';

const PREFIX = 9999;

/** Direct port of lm-evaluation-harness utils.get_rolling_token_windows + make_disjoint_window (context_len = 1). */
function lmEvalWindows(tokens: number[], prefix: number, maxSeqLen: number): Array<[number[], number[]]> {
  const out: Array<[number[], number[]]> = [];
  const predLen = maxSeqLen;
  let predicted = 0;
  const firstSeqLen = Math.min(maxSeqLen, tokens.length);
  out.push([[prefix, ...tokens.slice(0, firstSeqLen - 1)], tokens.slice(0, firstSeqLen)]);
  predicted += firstSeqLen;
  while (predicted < tokens.length) {
    const windowPredLen = Math.min(tokens.length - predicted, predLen);
    const windowEnd = predicted + windowPredLen;
    out.push([tokens.slice(windowEnd - maxSeqLen - 1, windowEnd - 1), tokens.slice(windowEnd - windowPredLen, windowEnd)]);
    predicted += windowPredLen;
  }
  return out.map(([ctx, cont]) => [ctx.slice(0, ctx.length - (cont.length - 1)), cont]);
}

function coverage(windows: EvalWindow[], tokens: number[]): number[] {
  const count = new Array<number>(tokens.length).fill(0);
  for (const w of windows) {
    for (let j = w.scoreFrom; j < w.target.length; j++) {
      const pos = w.firstScored + (j - w.scoreFrom);
      count[pos] = (count[pos] ?? 0) + 1;
      expect(w.target[j]).toBe(tokens[pos]);
    }
    // Targets are the inputs shifted by one.
    for (let j = 0; j + 1 < w.input.length; j++) expect(w.target[j]).toBe(w.input[j + 1]);
  }
  return count;
}

describe('evalWindows', () => {
  const rand = createRng(3);
  const cases: Array<[number, number, number]> = [];
  for (let k = 0; k < 40; k++) {
    const maxLength = 1 + Math.floor(rand.next() * 12);
    cases.push([Math.floor(rand.next() * 60), maxLength, 1 + Math.floor(rand.next() * maxLength)]);
  }

  it('scores every token exactly once, in both modes', () => {
    for (const [n, maxLength, stride] of cases) {
      const tokens = Array.from({ length: n }, (_, i) => 100 + i);
      for (const w of [
        evalWindows(tokens, { maxLength, mode: 'disjoint', prefixId: PREFIX }),
        evalWindows(tokens, { maxLength, mode: 'strided', stride, prefixId: PREFIX }),
      ]) {
        expect(coverage(w, tokens)).toEqual(new Array(n).fill(1));
        for (const x of w) expect(x.input.length).toBeLessThanOrEqual(maxLength);
        expect(w.reduce((s, x) => s + x.scored, 0)).toBe(n);
      }
    }
  });

  it('matches lm-evaluation-harness rolling windows (disjoint)', () => {
    for (const [n, maxLength] of cases) {
      if (n === 0) continue;
      const tokens = Array.from({ length: n }, (_, i) => 100 + i);
      const ours = evalWindows(tokens, { maxLength, mode: 'disjoint', prefixId: PREFIX });
      const ref = lmEvalWindows(tokens, PREFIX, maxLength);
      expect(ours.length).toBe(ref.length);
      ours.forEach((w, i) => {
        const [ctx, cont] = ref[i] as [number[], number[]];
        // lm-eval feeds (context + continuation)[:-1] and scores the last len(continuation) logits.
        expect(Array.from(w.input)).toEqual([...ctx, ...cont].slice(0, -1));
        expect(Array.from(w.target.subarray(w.scoreFrom))).toEqual(cont);
      });
    }
  });

  it('follows the Hugging Face strided recipe: window starts every stride tokens, new tokens scored', () => {
    const tokens = Array.from({ length: 10 }, (_, i) => i);
    const w = evalWindows(tokens, { maxLength: 4, mode: 'strided', stride: 2, prefixId: PREFIX });
    expect(w.map((x) => Array.from(x.input))).toEqual([
      [PREFIX, 0, 1, 2],
      [1, 2, 3, 4],
      [3, 4, 5, 6],
      [5, 6, 7, 8],
    ]);
    expect(w.map((x) => x.scoreFrom)).toEqual([0, 2, 2, 2]);
  });

  it('pads stacked windows without ever scoring padding', () => {
    const tokens = Array.from({ length: 11 }, (_, i) => i);
    const w = evalWindows(tokens, { maxLength: 4, mode: 'strided', stride: 4, prefixId: PREFIX });
    const b = stackWindows(w, -1);
    expect(b.length).toBe(4);
    let scored = 0;
    for (let i = 0; i < b.mask.length; i++) {
      if (b.mask[i]) {
        scored++;
        expect(b.target[i]).not.toBe(-1);
      }
    }
    expect(scored).toBe(11);
    expect(Array.from(b.input.subarray(8, 12))).toEqual([7, 8, 9, -1]);
  });

  it('rejects bad options', () => {
    expect(() => evalWindows([1, 2], { maxLength: 0, mode: 'disjoint', prefixId: 0 })).toThrow(/maxLength/);
    expect(() => evalWindows([1, 2], { maxLength: 2, mode: 'strided', stride: 3, prefixId: 0 })).toThrow(/stride/);
  });
});
