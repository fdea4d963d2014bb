import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrtModel } from '../backends/ort.js';
import { functionModel } from '../backends/function.js';
import { randomTable, writeBigramFolder } from '../testing/models.js';
import { createRng } from '@scalewise/core';
import { perplexity, windowLoss } from './perplexity.js';
import { rollingWindows } from './windows.js';

const V = 11;
const dir = mkdtempSync(join(tmpdir(), 'eval-ppl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomDocs(n: number, seed: number, vocab = V): Array<{ tokens: number[]; text: string }> {
  const rand = createRng(seed);
  return Array.from({ length: n }, (_, d) => {
    const len = 1 + Math.floor(rand.next() * 40);
    const tokens = Array.from({ length: len }, () => 1 + Math.floor(rand.next() * (vocab - 1)));
    return { tokens, text: `doc ${d} ${'wörd '.repeat(len % 7)}end` };
  });
}

// Independent reference: Σ log softmax(table[prev])[next] with the BOS token before each document.
function bigramLogLik(table: Float32Array, docs: Array<{ tokens: number[] }>, bos: number): { ll: number; n: number } {
  let ll = 0;
  let n = 0;
  for (const { tokens } of docs) {
    let prev = bos;
    for (const t of tokens) {
      const row = Array.from(table.subarray(prev * V, prev * V + V));
      const m = Math.max(...row);
      ll += (row[t] as number) - m - Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
      n++;
      prev = t;
    }
  }
  return { ll, n };
}

describe('perplexity', () => {
  it('a uniform-logits ONNX model has perplexity = vocab size exactly, under every window scheme', async () => {
    const lm = await loadOrtModel(writeBigramFolder(join(dir, 'uniform'), new Float32Array(V * V), V), { threads: 1 });
    const docs = randomDocs(12, 3);
    for (const [maxLength, stride] of [
      [16, 16],
      [16, 5],
      [4, 4],
    ] as const) {
      const r = await perplexity(lm, docs, { maxLength, stride, batchSize: 3 });
      expect(r.token_perplexity).toBeCloseTo(V, 10);
      expect(r.nll_per_token).toBeCloseTo(Math.log(V), 12);
      expect(r.tokens).toBe(docs.reduce((s, d) => s + d.tokens.length, 0));
      expect(r.stderr?.nll_per_token).toBeCloseTo(0, 12);
    }
    await lm.dispose();
  });

  it('a bigram ONNX model gives the exact independently computed log-likelihood, word and byte perplexity', async () => {
    const table = randomTable(V, 5);
    const lm = await loadOrtModel(writeBigramFolder(join(dir, 'bigram'), table, V, { bosTokenId: 0 }), { threads: 1 });
    const docs = randomDocs(20, 9);
    const { ll, n } = bigramLogLik(table, docs, 0);
    const words = docs.reduce((s, d) => s + d.text.split(/\s+/).length, 0);
    const bytes = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0);
    for (const [maxLength, stride] of [
      [8, 8],
      [8, 3],
      [64, 64],
    ] as const) {
      const r = await perplexity(lm, docs, { maxLength, stride });
      expect(r.log_likelihood).toBeCloseTo(ll, 9);
      expect(r.tokens).toBe(n);
      expect((r.word_perplexity ?? 0) / Math.exp(-ll / words)).toBeCloseTo(1, 12);
      expect(r.bytes).toBe(bytes);
      expect(r.bits_per_byte).toBeCloseTo(-ll / bytes / Math.LN2, 12);
      expect(r.byte_perplexity).toBeCloseTo(Math.exp(-ll / bytes), 12);
      expect(r.prefix_token).toBe(0);
    }
    await lm.dispose();
  });

  it('does not depend on batch size (batch 1 vs 8 within 1e-5), with a context-dependent model', async () => {
    // Logits depend on every earlier token of the window and its position, so padding or misalignment would show.
    const lm = functionModel(V, (ids) => {
      const out = new Float32Array(ids.length * V);
      let acc = 0;
      ids.forEach((id, t) => {
        acc = (acc * 3 + id + t) % 97;
        for (let v = 0; v < V; v++) out[t * V + v] = Math.sin(acc * 0.37 + v * 1.3) * 2;
      });
      return out;
    });
    const docs = randomDocs(17, 11);
    const one = await perplexity(lm, docs, { maxLength: 9, stride: 4, batchSize: 1, prefixToken: 0 });
    const eight = await perplexity(lm, docs, { maxLength: 9, stride: 4, batchSize: 8, prefixToken: 0 });
    expect(Math.abs(one.nll_per_token - eight.nll_per_token)).toBeLessThan(1e-5);
    expect(one.tokens).toBe(eight.tokens);
  });

  it('bootstrap standard error shrinks like 1/√documents', async () => {
    const lm = await loadOrtModel(writeBigramFolder(join(dir, 'bigram2'), randomTable(V, 2), V), { threads: 1 });
    const docs = randomDocs(30, 4);
    const small = await perplexity(lm, docs, { maxLength: 16, bootstrap: 2000 });
    const big = await perplexity(lm, [...docs, ...docs, ...docs, ...docs], { maxLength: 16, bootstrap: 2000 });
    const ratio = (small.stderr?.nll_per_token ?? 0) / (big.stderr?.nll_per_token ?? 1);
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.3);
    await lm.dispose();
  });

  it('windowLoss over given windows equals the mean nll of their scored targets', async () => {
    const table = randomTable(V, 8);
    const lm = await loadOrtModel(writeBigramFolder(join(dir, 'bigram3'), table, V), { threads: 1 });
    const docs = randomDocs(5, 2);
    const windows = docs.flatMap((d) => rollingWindows(d.tokens, { maxLength: 6, stride: 6, prefixToken: 0 }));
    const { ll, n } = bigramLogLik(table, docs, 0);
    const r = await windowLoss(lm, windows, { batchSize: 4 });
    expect(r.tokens).toBe(n);
    expect(r.nll_per_token).toBeCloseTo(-ll / n, 10);
    await lm.dispose();
  });

  it('refuses an empty corpus with an input error', async () => {
    const lm = functionModel(V, (ids) => new Float32Array(ids.length * V));
    await expect(perplexity(lm, [], {})).rejects.toThrow(/nothing to score in 0 documents/);
  });
});

describe('positions and word counts (issue #20, #17)', () => {
  const flat = functionModel(V, (ids) => new Float32Array(ids.length * V), { maxPositions: 8 });

  it('refuses a max length beyond the model positions before scoring, naming both', async () => {
    await expect(perplexity(flat, [{ tokens: [1, 2, 3] }], { maxLength: 9, prefixToken: 0, bootstrap: 0 })).rejects.toThrow(
      /max length 9 exceeds the model's 8 positions/,
    );
    const ok = await perplexity(flat, [{ tokens: [1, 2, 3] }], { maxLength: 8, prefixToken: 0, bootstrap: 0 });
    expect(ok.tokens).toBe(3);
  });

  it("counts words as lm-eval's len(re.split(r'\\s+', doc)): trailing whitespace adds a word", async () => {
    const r = await perplexity(flat, [{ tokens: [1, 2, 3], text: ' two words\n' }], { maxLength: 8, prefixToken: 0, bootstrap: 0 });
    expect(r.words).toBe(4); // ['', 'two', 'words', '']
    expect(r.word_perplexity).toBeCloseTo(Math.exp((3 * Math.log(V)) / 4), 10);
  });
});
