import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../corpus/index.js';
import { BYTE_EOS_ID, bytesToUnicode, bytesTokenizer } from './bytes.js';
import { saveTokenizer } from './export.js';
import { loadTokenizer } from './hf.js';

const SAMPLES = [
  'Hello, world!',
  '  leading and trailing spaces  \n\ttabs\r\nCRLF',
  'naïve café — “quotes” ½ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 日本語 עברית',
  "It's 3.14; don't stop.",
  '',
];

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('bytesTokenizer', () => {
  const tok = bytesTokenizer();

  it('encodes to the UTF-8 bytes and round-trips', () => {
    for (const s of SAMPLES) {
      const ids = tok.encode(s);
      expect(Array.from(ids)).toEqual(Array.from(Buffer.from(s, 'utf8')));
      expect(tok.decode(ids)).toBe(s);
    }
  });

  it('writes specials on decode unless skipped', () => {
    const ids = [...tok.encode('ab'), BYTE_EOS_ID, ...tok.encode('c')];
    expect(tok.decode(ids)).toBe('ab<|eos|>c');
    expect(tok.decode(ids, { skipSpecial: true })).toBe('abc');
    expect(() => tok.decode([999])).toThrow(/999/);
  });

  it('maps bytes to 256 distinct printable characters (GPT-2 table)', () => {
    const chars = bytesToUnicode();
    expect(new Set(chars).size).toBe(256);
    expect(chars[0x41]).toBe('A');
    expect(chars[0x20]).toBe('\u0120'); // GPT-2's 'Ġ'
  });

  it('round-trips every Brown document exactly', async () => {
    const corpus = await loadCorpus('brown');
    let n = 0;
    for await (const doc of corpus) {
      const ids = tok.encode(doc.text);
      expect(ids.length).toBe(Buffer.byteLength(doc.text));
      if (tok.decode(ids) !== doc.text) throw new Error(`round trip failed for ${doc.id}`);
      n += 1;
    }
    expect(n).toBe(500);
  });

  it('exports a tokenizer.json that transformers.js loads offline and encodes identically', async () => {
    const root = await mkdtemp(join(tmpdir(), 'scalewise-tok-'));
    dirs.push(root);
    const dir = join(root, 'byte-tok');
    await mkdir(dir);
    await saveTokenizer(tok, dir);
    const hf = await loadTokenizer(dir);
    expect(hf.vocabSize).toBe(tok.vocabSize);
    expect([hf.bosId, hf.eosId, hf.padId]).toEqual([tok.bosId, tok.eosId, tok.padId]);
    const corpus = await loadCorpus('brown');
    const texts = [...SAMPLES];
    let i = 0;
    for await (const doc of corpus) if (i++ % 100 === 0) texts.push(doc.text); // five whole Brown texts (~12 kB each)
    for (const text of texts) {
      const ours = Array.from(tok.encode(text));
      expect(Array.from(hf.encode(text))).toEqual(ours);
      expect(hf.decode(ours)).toBe(text);
    }
    expect(hf.decode([104, 105, BYTE_EOS_ID])).toBe('hi<|eos|>');
  });

  it('names the missing file of a tokenizer folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'scalewise-tok-'));
    dirs.push(root);
    await expect(loadTokenizer(root)).rejects.toThrow(/missing tokenizer\.json and tokenizer_config\.json/);
    await expect(loadTokenizer(join(root, 'nope'))).rejects.toThrow(/no folder/);
  });
});
