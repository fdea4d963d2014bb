import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus/index.js';
import { documentTokens } from './pack/documents.js';
import { prepareTokens } from './pack/prepare.js';
import { bitsPerByte, corpusStats, tokenStats } from './stats.js';
import { bytesTokenizer } from './tokenizer/bytes.js';
import type { Document } from './types.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DOCS: Document[] = [
  { id: 'a', text: 'héllo wörld', meta: { genre: 'x' } },
  { id: 'b', text: '  one\ttwo three ', meta: { genre: 'y' } },
  { id: 'c', text: '日本', meta: { genre: 'x' } },
];

describe('stats', () => {
  it('counts documents, bytes, words and genres', async () => {
    const s = await corpusStats(await loadCorpus({ kind: 'documents', name: 'f', documents: DOCS }));
    expect(s).toMatchObject({
      documents: 3,
      bytes: 13 + 16 + 6,
      chars: 11 + 16 + 2,
      words: 2 + 5 + 1,
      genres: ['x', 'y'],
      documentsPerGenre: { x: 2, y: 1 },
      brownTokens: null,
    });
  });

  it('computes bytes per token and bits per byte', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'f', documents: DOCS });
    const t = await tokenStats(corpus, bytesTokenizer());
    expect(t).toEqual({ documents: 3, tokens: 35, bytes: 35, bytesPerToken: 1 });
    // A uniform model over 256 byte values: ln 256 nats/token = 8 bits per byte.
    expect(bitsPerByte(Math.log(256), 100, 100)).toBeCloseTo(8, 12);
    // Four bytes per token: a quarter of the bits per byte for the same loss per token.
    expect(bitsPerByte(Math.log(256), 25, 100)).toBeCloseTo(2, 12);
    expect(() => bitsPerByte(Number.NaN, 1, 1)).toThrow(/finite/);
  });

  it('gives per-document tokens, bytes and words of a prepared split', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scalewise-stats-'));
    try {
      const prep = await prepareTokens({
        corpus: await loadCorpus({ kind: 'documents', name: 'f', documents: DOCS }),
        dir: join(dir, 't'),
        split: { kind: 'hash', validation: 0, test: 0 },
      });
      const docs = [...documentTokens(prep.splits.train)];
      expect(docs.map((d) => [d.id, d.bytes, d.words, bytesTokenizer().decode(d.tokens)])).toEqual(
        DOCS.map((d) => [d.id, Buffer.byteLength(d.text), d.text.split(/\s+/).length, d.text]),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
