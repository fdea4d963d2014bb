import { describe, expect, it } from 'vitest';
import { evalWindows } from '@scalewise/data';
import { functionModel } from '../backends/function.js';
import { byteTokenizer } from '../tasks/tokenizer.js';
import { corpusDocuments, fromEvalWindows } from './corpus.js';
import { windowLoss } from './perplexity.js';
import { rollingWindows } from './windows.js';

const V = 9;
// Logits depend on the whole window (every earlier token and its position), so context differences show.
const lm = functionModel(V, (ids) => {
  const out = new Float32Array(ids.length * V);
  let acc = 1;
  ids.forEach((id, t) => {
    acc = (acc * 5 + id * 3 + t) % 101;
    for (let v = 0; v < V; v++) out[t * V + v] = Math.cos(acc + v * 0.7) * 3;
  });
  return out;
});
const doc = Array.from({ length: 37 }, (_, i) => (i * 7 + 3) % V);

describe('fromEvalWindows (windows from @scalewise/data)', () => {
  it('disjoint windows are token-for-token the lm-eval windows of rollingWindows', () => {
    for (const maxLength of [4, 8, 37, 50]) {
      const theirs = fromEvalWindows(evalWindows(doc, { maxLength, mode: 'disjoint', prefixId: 0 }));
      const ours = rollingWindows(doc, { maxLength, stride: maxLength, prefixToken: 0 });
      expect(theirs.map((w) => [Array.from(w.tokens), w.scored])).toEqual(ours.map((w) => [Array.from(w.tokens), w.scored]));
    }
  });

  it('strided windows score exactly what @scalewise/data says (direct computation on its input/target/scoreFrom)', async () => {
    for (const [maxLength, stride] of [
      [8, 3],
      [10, 5],
    ] as const) {
      const windows = evalWindows(doc, { maxLength, mode: 'strided', stride, prefixId: 0 });
      let ll = 0;
      let n = 0;
      for (const w of windows) {
        const logits = (await lm.logits([w.input])).data;
        for (let j = w.scoreFrom; j < w.target.length; j++) {
          const row = Array.from(logits.subarray(j * V, j * V + V));
          const m = Math.max(...row);
          ll += (row[w.target[j] as number] as number) - m - Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
          n++;
        }
      }
      const ours = await windowLoss(lm, fromEvalWindows(windows), { batchSize: 3 });
      expect(ours.tokens).toBe(n);
      expect(n).toBe(doc.length);
      expect(ours.nll_per_token).toBeCloseTo(-ll / n, 10);
    }
  });

  it('refuses windows whose target is not the input shifted by one', () => {
    expect(() => fromEvalWindows([{ input: [1, 2], target: [3, 4], scoreFrom: 0 }])).toThrow(/shifted by one/);
  });
});

describe('corpusDocuments (issue #20)', () => {
  it('refuses a file that is not valid UTF-8, naming the byte offset; a real U+FFFD is counted as its bytes', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'eval-corpus-'));
    try {
      const file = join(dir, 'bad.txt');
      const raw = Buffer.concat([Buffer.from('abc '), Buffer.from([0x80, 0xff, 0xe2]), Buffer.from(' def\n')]);
      await writeFile(file, raw);
      await expect(corpusDocuments(file, byteTokenizer(), { split: 'all' })).rejects.toThrow(/bad\.txt: invalid UTF-8 at byte offset 4/);
      // A valid file that merely contains U+FFFD: the character's own three bytes, no warning.
      await writeFile(file, 'ok \uFFFD ok');
      const clean: string[] = [];
      const again = await corpusDocuments(file, byteTokenizer(), { split: 'all', onWarning: (m) => clean.push(m) });
      expect([again[0]!.bytes, clean, Buffer.byteLength(again[0]!.text!, 'utf8')]).toEqual([undefined, [], 9]);
      await expect(corpusDocuments(file, byteTokenizer(), { split: 'all', limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
