import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus/index.js';
import { BROWN_HELDOUT_GENRES, documentSplit, splitDocuments } from './split.js';
import type { Document } from './types.js';

function docs(n: number, prefix = 'doc'): Document[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, text: `text ${i}`, meta: {} }));
}

describe('splitDocuments', () => {
  it('puts every document in exactly one split, near the requested fractions', async () => {
    const all = docs(20_000);
    const s = await splitDocuments(all, { kind: 'hash', seed: 1, validation: 0.1, test: 0.2 });
    const ids = [...s.train, ...s.validation, ...s.test].map((d) => d.id);
    expect(ids.length).toBe(all.length);
    expect(new Set(ids).size).toBe(all.length);
    // Binomial sd at n = 20000: ~0.002 for p = 0.1, ~0.003 for p = 0.2; allow 4 sd.
    expect(Math.abs(s.validation.length / all.length - 0.1)).toBeLessThan(0.009);
    expect(Math.abs(s.test.length / all.length - 0.2)).toBeLessThan(0.012);
  });

  it('is stable when documents are added, and changes with the seed', async () => {
    const before = docs(2000);
    const after = [...docs(3000, 'new'), ...before.slice(0, 1000), ...docs(500, 'more'), ...before.slice(1000)];
    const spec = { kind: 'hash', seed: 7 } as const;
    for (const d of before) expect(documentSplit(d, spec)).toBe(documentSplit(d, spec));
    const a = await splitDocuments(before, spec);
    const b = await splitDocuments(after, spec);
    for (const name of ['train', 'validation', 'test'] as const) {
      const inB = new Set(b[name].map((d) => d.id));
      for (const d of a[name]) expect(inB.has(d.id)).toBe(true);
    }
    const other = await splitDocuments(before, { kind: 'hash', seed: 8 });
    expect(other.validation.map((d) => d.id)).not.toEqual(a.validation.map((d) => d.id));
  });

  it('holds out whole Brown genres', async () => {
    const s = await splitDocuments(await loadCorpus('brown'), BROWN_HELDOUT_GENRES);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([451, 26, 23]);
    expect(new Set(s.validation.map((d) => d.meta.genre))).toEqual(new Set(['humor', 'religion']));
    expect(s.train.some((d) => ['humor', 'religion', 'reviews', 'science_fiction'].includes(d.meta.genre ?? ''))).toBe(false);
  });

  it('rejects bad specs and documents without the split field', async () => {
    await expect(splitDocuments(docs(1), { kind: 'hash', validation: 0.7, test: 0.5 })).rejects.toThrow(/<= 1/);
    expect(() => documentSplit({ id: 'x', meta: {} }, BROWN_HELDOUT_GENRES)).toThrow(/'x'.*'genre'/);
  });
});
