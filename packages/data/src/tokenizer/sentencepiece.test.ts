import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isInputError } from '@scalewise/core';
import { saveTokenizer } from './export.js';
import { loadHuggingFaceTokenizer } from './hf.js';
import { parseSentencePieceModel } from './sentencepiece-model.js';
import { loadSentencePieceTokenizer } from './sentencepiece.js';

// Fixture and reference ids from python3-sentencepiece (tools/fixtures/make-checkpoints.py).
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sentencepiece');
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as {
  texts: Array<{ text: string; ids: number[]; pieces: string[]; decoded: string }>;
};
const tmp = mkdtempSync(join(tmpdir(), 'scalewise-spm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SentencePiece tokenizer.model (Llama-style BPE with byte fallback)', () => {
  const tokenizer = loadSentencePieceTokenizer(FIXTURE);
  const model = parseSentencePieceModel(readFileSync(join(FIXTURE, 'tokenizer.model')), 'tokenizer.model');

  it('reads pieces, scores, types and the normalizer of the protobuf', () => {
    expect(model.pieces).toHaveLength(384);
    expect(model.pieces.slice(0, 4).map((p) => p.piece)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(model.byteFallback).toBe(true);
    expect(model.normalizer).toMatchObject({ name: 'identity', addDummyPrefix: true, removeExtraWhitespaces: false });
  });

  for (const { text, ids, pieces, decoded } of reference.texts) {
    it(`encodes ${JSON.stringify(text.slice(0, 40))} to sentencepiece's ids exactly, and decodes back`, () => {
      const got = Array.from(tokenizer.encode(text));
      expect(got).toEqual(ids);
      expect(got.map((id) => model.pieces[id]!.piece)).toEqual(pieces);
      expect(tokenizer.decode(got, { skipSpecial: true })).toBe(decoded);
    });
  }

  it('a unigram model without byte fallback (Viterbi; a run of unknown characters is one <unk>) matches sentencepiece', async () => {
    const dir = join(FIXTURE, '../sentencepiece-unigram');
    const unigram = loadSentencePieceTokenizer(dir);
    const expected = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as typeof reference;
    for (const { text, ids, decoded } of expected.texts) {
      expect(Array.from(unigram.encode(text))).toEqual(ids);
      expect(unigram.decode(ids, { skipSpecial: true })).toBe(decoded);
    }
    await saveTokenizer(unigram, join(tmp, 'unigram'));
    const hf = await loadHuggingFaceTokenizer(join(tmp, 'unigram'));
    for (const { text, ids } of expected.texts) expect(Array.from(hf.encode(text))).toEqual(ids);
  });

  it('takes LlamaTokenizer conventions from tokenizer_config.json (BOS 1 prepended, EOS 2, UNK 0, no PAD)', () => {
    expect(tokenizer).toMatchObject({ bosId: 1, eosId: 2, unkId: 0, padId: null, addBos: true, addEos: false, vocabSize: 384 });
    expect(tokenizer.decode([1, ...tokenizer.encode('The jury')])).toBe('<s>The jury');
  });

  it('exports a tokenizer.json that transformers.js encodes identically', async () => {
    const dir = join(tmp, 'hf');
    await saveTokenizer(tokenizer, dir);
    const hf = await loadHuggingFaceTokenizer(dir);
    for (const { text, ids } of reference.texts) expect(Array.from(hf.encode(text))).toEqual(ids);
    expect(hf.bosId).toBe(1);
    expect(hf.eosId).toBe(2);
  });

  it('refuses a file that is not a SentencePiece model, and a BOS that is not a piece, as input errors', () => {
    const junk = join(tmp, 'junk.model');
    writeFileSync(junk, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    let error: unknown;
    try {
      loadSentencePieceTokenizer(junk);
    } catch (e) {
      error = e;
    }
    expect(isInputError(error)).toBe(true);
    expect((error as Error).message).toContain(`${junk}: not a SentencePiece model`);
    const dir = join(tmp, 'bad-bos');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(FIXTURE, 'tokenizer.model'), join(dir, 'tokenizer.model'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<bos>' }));
    expect(() => loadSentencePieceTokenizer(dir)).toThrow(`${join(dir, 'tokenizer_config.json')}: bos_token '<bos>' is not a piece`);
  });
});
