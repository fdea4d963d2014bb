import { mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../corpus/index.js';
import { env } from '../env.js';
import { bytesTokenizer } from '../tokenizer/bytes.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { Document } from '../types.js';
import { prepareTokens } from './prepare.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalewise-prep-'));
  env.cacheDir = root;
});
afterAll(async () => {
  env.cacheDir = undefined;
  await rm(root, { recursive: true, force: true });
});

const DOCS: Document[] = Array.from({ length: 60 }, (_, i) => ({
  id: `d${i}`,
  text: `Document ${i}: ${'héllo '.repeat(i % 7)}end.`,
  meta: {},
}));

/** A different tokenizer: bytes shifted by one (id 0 unused), so its hash and ids differ. */
function shiftedTokenizer(): Tokenizer {
  const base = bytesTokenizer();
  return {
    ...base,
    name: 'shifted',
    hash: `${base.hash}-shifted`,
    vocabSize: base.vocabSize + 1,
    encode: (t) => base.encode(t).map((x) => x + 1),
  };
}

describe('prepareTokens', () => {
  it('writes Uint16 token files whose documents decode back to the corpus', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS });
    const tok = bytesTokenizer();
    const prep = await prepareTokens({ corpus, tokenizer: tok, split: { kind: 'hash', seed: 0, validation: 0.2, test: 0.2 } });
    expect(prep.fromCache).toBe(false);
    expect(prep.manifest.dtype).toBe('uint16');
    const byId = new Map(DOCS.map((d) => [d.id, d.text]));
    let docs = 0;
    let bytes = 0;
    for (const split of Object.values(prep.splits)) {
      expect(split.tokens).toBeInstanceOf(Uint16Array);
      split.docIds.forEach((id, d) => {
        const ids = split.tokens.subarray(split.docOffsets[d] as number, split.docOffsets[d + 1] as number);
        expect(tok.decode(ids)).toBe(byId.get(id));
        expect(split.docBytes[d]).toBe(Buffer.byteLength(byId.get(id) ?? ''));
      });
      docs += split.documents;
      bytes += split.bytes;
      const file = await readFile(join(prep.dir, `${split.name}.bin`));
      expect(file.length).toBe(split.tokenCount * 2);
    }
    expect(docs).toBe(DOCS.length);
    expect(prep.bytesPerToken).toBe(1);
    expect(bytes).toBe(DOCS.reduce((s, d) => s + Buffer.byteLength(d.text), 0));
    expect(prep.splits.validation.documents).toBeGreaterThan(0);
  });

  it('reuses the cache only when tokenizer, corpus and split match', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS });
    const first = await prepareTokens({ corpus, tokenizer: bytesTokenizer() });
    const again = await prepareTokens({ corpus, tokenizer: bytesTokenizer() });
    expect(again.fromCache).toBe(true);
    expect(Array.from(again.splits.train.tokens)).toEqual(Array.from(first.splits.train.tokens));

    const shifted = await prepareTokens({ corpus, tokenizer: shiftedTokenizer() });
    expect(shifted.fromCache).toBe(false);
    expect(shifted.dir).not.toBe(first.dir);
    expect(shifted.splits.train.tokens[0]).toBe((first.splits.train.tokens[0] as number) + 1);

    // Same folder, different tokenizer: the manifest's hash does not match, so it is rebuilt.
    const forced = await prepareTokens({ corpus, tokenizer: shiftedTokenizer(), dir: first.dir });
    expect(forced.fromCache).toBe(false);
    const manifest = JSON.parse(await readFile(join(first.dir, 'manifest.json'), 'utf8')) as { tokenizerHash: string };
    expect(manifest.tokenizerHash).toBe(shiftedTokenizer().hash);

    const edited = await loadCorpus({ kind: 'documents', name: 'fixture', documents: [...DOCS, { id: 'new', text: 'x', meta: {} }] });
    expect((await prepareTokens({ corpus: edited, tokenizer: bytesTokenizer() })).fromCache).toBe(false);
    const otherSplit = await prepareTokens({ corpus, tokenizer: bytesTokenizer(), split: { kind: 'hash', seed: 1 } });
    expect(otherSplit.fromCache).toBe(false);
  });

  it('uses Uint32 for vocabularies above 65,536 ids and leaves no temp folders', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS.slice(0, 5) });
    const base = bytesTokenizer();
    const wide: Tokenizer = { ...base, hash: 'wide', vocabSize: 70_000, encode: (t) => base.encode(t).map((x) => x + 65_600) };
    const prep = await prepareTokens({ corpus, tokenizer: wide });
    expect(prep.manifest.dtype).toBe('uint32');
    expect(prep.splits.train.tokens).toBeInstanceOf(Uint32Array);
    expect(Math.max(...prep.splits.train.tokens)).toBeGreaterThan(65_536);
    const entries = await readdir(join(root, 'tokens'));
    expect(entries.filter((e) => e.includes('.tmp-'))).toEqual([]);
  });

  it('refuses to overwrite a folder that is not a token cache', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS.slice(0, 3) });
    const dir = join(root, 'precious');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    await expect(prepareTokens({ corpus, dir })).rejects.toThrow(/not a token folder written by scalewise/);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('rejects duplicate document ids and rebuilds a damaged cache', async () => {
    const dup = await loadCorpus({ kind: 'documents', name: 'dup', documents: [DOCS[0] as Document, DOCS[0] as Document] });
    await expect(prepareTokens({ corpus: dup })).rejects.toThrow(/'d0' occurs twice/);
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS });
    const first = await prepareTokens({ corpus });
    await writeFile(join(first.dir, 'train.bin'), 'garbage');
    const again = await prepareTokens({ corpus });
    expect(again.fromCache).toBe(false);
    expect(again.splits.train.tokenCount).toBe(first.splits.train.tokenCount);
  });

  it('never replaces a folder with a foreign manifest.json, a file, or a dangling symlink (issue #20)', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS.slice(0, 3) });
    const webapp = join(root, 'webapp');
    await mkdir(webapp);
    await writeFile(join(webapp, 'manifest.json'), '{"name": "my app"}');
    await writeFile(join(webapp, 'index.html'), '<html>');
    await expect(prepareTokens({ corpus, dir: webapp })).rejects.toThrow(/not a token folder written by scalewise/);
    expect((await readdir(webapp)).sort()).toEqual(['index.html', 'manifest.json']);
    // Even a scalewise-looking manifest does not make other files disposable.
    const mixed = join(root, 'mixed');
    await prepareTokens({ corpus, dir: mixed });
    await writeFile(join(mixed, 'notes.txt'), 'mine');
    await expect(prepareTokens({ corpus, dir: mixed, force: true })).rejects.toThrow(/refusing to replace/);
    expect(await readFile(join(mixed, 'notes.txt'), 'utf8')).toBe('mine');
    const file = join(root, 'good.csv');
    await writeFile(file, 'a,b\n');
    await expect(prepareTokens({ corpus, dir: file })).rejects.toThrow(/exists and is not a folder/);
    expect(await readFile(file, 'utf8')).toBe('a,b\n');
    const link = join(root, 'dangling');
    await symlink(join(root, 'nowhere'), link);
    await expect(prepareTokens({ corpus, dir: link })).rejects.toThrow(/dangling symbolic link/);
    expect(await readlink(link)).toBe(join(root, 'nowhere'));
  });

  it('replaces its own folder, and removes temp folders of killed runs but not of live ones', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS.slice(0, 5) });
    const dir = join(root, 'own');
    await prepareTokens({ corpus, dir });
    const dead = `${dir}.tmp-999999999-1`;
    const live = `${dir}.tmp-${process.pid}-1`;
    for (const t of [dead, live]) {
      await mkdir(t);
      await writeFile(join(t, 'train.bin'), 'x');
    }
    const again = await prepareTokens({ corpus, dir, force: true });
    expect(again.fromCache).toBe(false);
    expect(again.manifest.formatName).toBe('scalewise-token-cache');
    const names = await readdir(root);
    expect(names).not.toContain('own.tmp-999999999-1');
    expect(names).toContain(`own.tmp-${process.pid}-1`);
    await rm(live, { recursive: true });
  });

  it('prepares one cache from several runs at once, each getting the tokens (run-pool workers share a process id)', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'fixture', documents: DOCS });
    const dir = join(root, 'concurrent');
    for (let round = 0; round < 3; round++) {
      const preps = await Promise.all(Array.from({ length: 4 }, () => prepareTokens({ corpus, dir, force: round > 0 })));
      for (const prep of preps) {
        expect(prep.dir).toBe(dir);
        expect(Array.from(prep.splits.train.tokens)).toEqual(Array.from(preps[0]!.splits.train.tokens));
        expect(prep.splits.train.documents + prep.splits.validation.documents + prep.splits.test.documents).toBe(DOCS.length);
      }
      expect((await readdir(root)).filter((n) => n.startsWith('concurrent'))).toEqual(['concurrent']);
      expect((await prepareTokens({ corpus, dir })).fromCache).toBe(true);
    }
  });

  it('refuses an empty corpus and leaves no folder behind', async () => {
    const corpus = await loadCorpus({ kind: 'documents', name: 'empty', documents: [{ id: 'e', text: '', meta: {} }] });
    const dir = join(root, 'nested', 'empty-out');
    await expect(prepareTokens({ corpus, dir })).rejects.toThrow(/no text to read \(1 document, 0 bytes\)/);
    expect(await readdir(root)).not.toContain('nested');
  });
});
