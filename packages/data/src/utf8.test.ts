import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus/index.js';
import { corpusStats } from './stats.js';
import { decodeUtf8Strict, invalidUtf8Offset } from './utf8.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalewise-utf8-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('strict UTF-8 (issue #20: input bytes are what they are)', () => {
  it('finds the offset of the first invalid byte', () => {
    expect(invalidUtf8Offset(Buffer.from('héllo'))).toBe(-1);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0x62, 0xff, 0x63]))).toBe(2);
    expect(invalidUtf8Offset(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1); // truncated 3-byte sequence at the end
    expect(invalidUtf8Offset(Buffer.from([0xc3, 0x28]))).toBe(0); // lead byte without its continuation
    expect(invalidUtf8Offset(Buffer.from([0x41, 0xe2, 0x82, 0x41]))).toBe(1);
  });

  it('names the file and offset for invalid UTF-8 and NUL bytes', () => {
    expect(() => decodeUtf8Strict(Buffer.from([0x41, 0xfe]), 'x.txt', 10)).toThrow(/x\.txt: invalid UTF-8 at byte offset 11/);
    expect(() => decodeUtf8Strict(Buffer.from([0x41, 0x00]), 'x.txt')).toThrow(/x\.txt: binary data \(a NUL byte\) at byte offset 1/);
    expect(decodeUtf8Strict(Buffer.from('\ufeffok'), 'x')).toBe('\ufeffok');
  });

  it('rejects invalid UTF-8 in every text unit, counting the bytes of valid files exactly', async () => {
    const bad = join(root, 'bad.txt');
    await writeFile(bad, Buffer.concat([Buffer.from('line one\nline two '), Buffer.from([0xc0, 0xaf]), Buffer.from('\n')]));
    for (const unit of ['file', 'line', 'paragraph'] as const) {
      await expect(corpusStats(await loadCorpus({ kind: 'text', path: bad, unit }))).rejects.toThrow(
        /bad\.txt.*invalid UTF-8 at byte offset 18/,
      );
    }
    const good = join(root, 'good.txt');
    await writeFile(good, 'héllo wörld\n');
    expect((await corpusStats(await loadCorpus(good))).bytes).toBe(14);
  });

  it('rejects an empty corpus (0 bytes) in stats', async () => {
    const empty = join(root, 'empty.txt');
    await writeFile(empty, '');
    await expect(corpusStats(await loadCorpus(empty))).rejects.toThrow(/no text to read \(1 document, 0 bytes\)/);
    const emptyJsonl = join(root, 'empty.jsonl');
    await writeFile(emptyJsonl, '\n');
    await expect(corpusStats(await loadCorpus(emptyJsonl))).rejects.toThrow(/no text to read \(0 documents, 0 bytes\)/);
  });
});
