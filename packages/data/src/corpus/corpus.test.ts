import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWords } from '../words.js';
import type { Document } from '../types.js';
import { BROWN_GENRES, detokenize, parseBrownFile, stripTag } from './brown.js';
import { loadCorpus } from './index.js';
import { readLines } from './lines.js';

async function collect(it: AsyncIterable<Document>): Promise<Document[]> {
  const out: Document[] = [];
  for await (const d of it) out.push(d);
  return out;
}

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalewise-corpus-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('Brown corpus', () => {
  it('has 500 texts in 15 genres and 1,161,192 tagged tokens', async () => {
    const docs = await collect(await loadCorpus('brown'));
    expect(docs.length).toBe(500);
    const genres = new Set(docs.map((d) => d.meta.genre));
    expect(genres.size).toBe(15);
    expect([...genres].sort()).toEqual([...BROWN_GENRES].sort());
    expect(docs.reduce((s, d) => s + Number(d.meta.brownTokens), 0)).toBe(1_161_192);
    expect(new Set(docs.map((d) => d.id)).size).toBe(500);
    expect(docs[0]?.id).toBe('brown/ca01');
    expect(docs.some((d) => /\/[a-z$*+-]+\b/.test(d.text.slice(0, 200)) && d.text.includes('/at '))).toBe(false);
  });

  it('strips tags and detokenizes punctuation and quotes', () => {
    expect(stripTag('1-1/2/cd')).toBe('1-1/2');
    expect(stripTag("Atlanta's/np$")).toBe("Atlanta's");
    const raw =
      "\n\n\tThe/at jury/nn said/vbd ``/`` it/pps won/vbd ''/'' ,/, (/( again/rb )/) ./.\n\tNext/ap ?/.\n\n\n\tNew/jj para/nn ./.\n";
    const parsed = parseBrownFile(raw);
    expect(parsed.text).toBe('The jury said "it won", (again). Next?\nNew para.');
    expect(parsed.tokens).toBe(17);
    expect(parsed.paragraphs).toBe(2);
    expect(detokenize(['a', '--', 'b', ';', 'c'])).toBe('a -- b; c');
  });
});

describe('text corpus', () => {
  it('streams lines across chunk boundaries without breaking UTF-8', async () => {
    const path = join(root, 'lines.txt');
    const lines = Array.from({ length: 300 }, (_, i) => `línea ${i} 😀 ${'x'.repeat(i % 17)}`);
    await writeFile(path, `${lines.join('\r\n')}\n`);
    const read: string[] = [];
    for await (const l of readLines(path, 7)) read.push(l.text);
    expect(read).toEqual(lines);
  });

  it('reads files, paragraphs and lines, and cuts big files into parts', async () => {
    const dir = join(root, 'texts');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'b.txt'), 'para one\nstill one\n\n\npara two\n');
    await writeFile(join(dir, 'sub', 'a.txt'), 'alpha\n\nbeta');
    await writeFile(join(dir, 'ignored.md'), 'not text');
    const files = await collect(await loadCorpus(dir));
    expect(files.map((d) => [d.id, d.text])).toEqual([
      ['b.txt', 'para one\nstill one\n\n\npara two\n'],
      ['sub/a.txt', 'alpha\n\nbeta'],
    ]);
    const paras = await collect(await loadCorpus({ kind: 'text', path: dir, unit: 'paragraph' }));
    expect(paras.map((d) => [d.id, d.text])).toEqual([
      ['b.txt:1', 'para one\nstill one'],
      ['b.txt:5', 'para two'],
      ['sub/a.txt:1', 'alpha'],
      ['sub/a.txt:3', 'beta'],
    ]);
    const perLine = await collect(await loadCorpus({ kind: 'text', path: join(dir, 'b.txt'), unit: 'line' }));
    expect(perLine.map((d) => d.id)).toEqual(['b.txt:1', 'b.txt:2', 'b.txt:5']);
    const big = join(root, 'big.txt');
    for (const text of [Array.from({ length: 1000 }, (_, i) => `row ${i}`).join('\n'), `${'ü line\n'.repeat(500)}\n`]) {
      await writeFile(big, text);
      const parts = await collect(await loadCorpus({ kind: 'text', path: big, maxDocumentBytes: 1000 }));
      expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength(text) / 1000));
      for (const p of parts) expect(Buffer.byteLength(p.text)).toBeLessThanOrEqual(1000);
      expect(parts.map((p) => p.text).join('')).toBe(text);
    }
  });

  it('reports a missing path and an empty folder', async () => {
    await expect(loadCorpus(join(root, 'missing'))).rejects.toThrow(/found nothing/);
    await mkdir(join(root, 'empty'));
    await expect(collect(await loadCorpus(join(root, 'empty')))).rejects.toThrow(/found none/);
  });

  it('changes its fingerprint when content changes', async () => {
    const path = join(root, 'fp.txt');
    await writeFile(path, 'one');
    const a = await (await loadCorpus(path)).fingerprint();
    await writeFile(path, 'two');
    expect(await (await loadCorpus(path)).fingerprint()).not.toBe(a);
  });
});

describe('JSONL corpus', () => {
  it('reads a configurable text field, ids and metadata', async () => {
    const path = join(root, 'a.jsonl');
    await writeFile(path, '{"text":"hello","lang":"en"}\n\n{"text":"world","n":2}\n');
    const docs = await collect(await loadCorpus(path));
    expect(docs).toEqual([
      { id: 'a.jsonl:1', text: 'hello', meta: { source: 'a.jsonl', lang: 'en' } },
      { id: 'a.jsonl:3', text: 'world', meta: { source: 'a.jsonl', n: '2' } },
    ]);
    const nested = join(root, 'b.jsonl');
    await writeFile(nested, '{"doc":{"body":"x"},"key":"k1"}\n');
    const d = await collect(await loadCorpus({ kind: 'jsonl', path: nested, textField: 'doc.body', idField: 'key' }));
    expect(d.map((x) => [x.id, x.text])).toEqual([['k1', 'x']]);
  });

  it('names file and line in errors', async () => {
    const bad = join(root, 'bad.jsonl');
    await writeFile(bad, '{"text":"ok"}\n{"text": 3}\n');
    await expect(collect(await loadCorpus(bad))).rejects.toThrow(/bad\.jsonl line 2: expected a string field 'text', found number/);
    await writeFile(bad, '{"text":"ok"}\n{broken\n');
    await expect(collect(await loadCorpus(bad))).rejects.toThrow(
      /bad\.jsonl line 2: expected one JSON object per line, found invalid JSON/,
    );
    await writeFile(bad, '{"body":"x"}\n');
    await expect(collect(await loadCorpus(bad))).rejects.toThrow(/line 1: .*no such field \(fields: body\)/);
  });
});

describe('countWords (lm-eval: len(re.split(r"\\s+", doc)))', () => {
  it('counts one more than the whitespace runs, so leading and trailing whitespace add an empty word', () => {
    // Python: len(re.split(r"\s+", "  a b\tc\n\nd ")) == 6 (['', 'a', 'b', 'c', 'd', '']).
    expect(countWords('  a b\tc\n\nd ')).toBe(6);
    expect(countWords('a b')).toBe(2);
    expect(countWords('a b\n')).toBe(3);
    expect(countWords('   ')).toBe(2);
    expect(countWords('')).toBe(1);
  });

  it("uses Python's whitespace set, not JavaScript's", () => {
    // U+001C..U+001F and NEL are whitespace to Python's re; U+FEFF is not (JavaScript's \s says the opposite).
    expect(countWords('a\u001cb\u0085c')).toBe(3);
    expect(countWords('a\ufeffb')).toBe(1);
    expect(countWords('a\u00a0b\u2003c\u3000d')).toBe(4);
  });

  it('agrees with a regex split over the same whitespace on Brown and on odd texts', async () => {
    const texts = ['a\u00a0b\u2003c\u3000d', '\n\n x \t', '', ' lead', 'trail\n'];
    let i = 0;
    for await (const d of await loadCorpus('brown')) if (i++ % 25 === 0) texts.push(d.text);
    // eslint-disable-next-line no-control-regex -- Python's \s includes the information separators U+001C..U+001F
    for (const t of texts) expect(countWords(t)).toBe(t.split(/[\s\u001c-\u001f\u0085]+/).length);
  });
});
