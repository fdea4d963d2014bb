import { describe, expect, it } from 'vitest';
import { byteDocuments, fitNgramModel, NGRAM_ALPHABET, NGRAM_SEPARATOR, ngramBaselines, scoreNgramModel } from './ngram.js';

const a = 'a'.charCodeAt(0);
const b = 'b'.charCodeAt(0);
const E = NGRAM_SEPARATOR;

describe('byte n-gram baselines', () => {
  // Train "abab": stream E a b a b E, targets a b a b E (N = 5).
  //   unigram counts a 2, b 2, E 1.  Bigrams: Ea 1, ab 2, ba 1, bE 1.
  //   Bigram level (raw): n1 = 3 (Ea, ba, bE), n2 = 1 (ab) → D2 = 3 / (3 + 2) = 0.6.
  //   Unigram level (continuation N1+(• w)): a ← {E, b} = 2, b ← {a} = 1, E ← {b} = 1; total 4, types 3;
  //   n1 = 2, n2 = 1 → D1 = 2 / (2 + 2) = 0.5.
  //   P1(a) = (2 − 0.5)/4 + 0.5·3/4 · 1/257 = 0.375 + 0.375/257;  P1(b) = 0.5/4 + 0.375/257;  P1(z) = 0.375/257.
  //   P2(b | a): c(a•) = 2 (ab twice), 1 type → (2 − 0.6)/2 + 0.6·1/2 · P1(b) = 0.7 + 0.3·P1(b).
  //   P2(a | b): c(b•) = 2 (ba, bE), 2 types → (1 − 0.6)/2 + 0.6·2/2 · P1(a) = 0.2 + 0.6·P1(a).
  //   P2(z | z): context z never seen → P1(z).
  const train = byteDocuments(['abab']);
  const model = fitNgramModel(train, { maxOrder: 3 });
  const u = 0.375 / 257;

  it('reproduces hand-computed add-one and Kneser–Ney probabilities on a tiny text', () => {
    expect(model.trainTokens).toBe(5);
    expect(model.discounts.raw[2]).toBeCloseTo(0.6, 15);
    expect(model.discounts.continuation[1]).toBeCloseTo(0.5, 15);
    expect(model.probability(1, [], a)).toBeCloseTo(3 / (5 + 257), 15);
    expect(model.probability(1, [], 'z'.charCodeAt(0))).toBeCloseTo(1 / 262, 15);
    expect(model.probability(2, [a], b)).toBeCloseTo(0.7 + 0.3 * (0.125 + u), 14);
    expect(model.probability(2, [b], a)).toBeCloseTo(0.2 + 0.6 * (0.375 + u), 14);
    expect(model.probability(2, [b], E)).toBeCloseTo(0.2 + 0.6 * (0.125 + u), 14);
    expect(model.probability(2, ['z'.charCodeAt(0)], 'z'.charCodeAt(0))).toBeCloseTo(u, 15);
    // Trigram: "ab" → {a, E}: c(ab•) = 2, types 2; raw trigram level n1 = 4 (Eab, aba, bab, abE... all once) → D3 = 1:
    // Eab 1, aba 1, bab 1, abE 1 → n1 = 4, n2 = 0 → D3 = 4/4 = 1 → P3(a | ab) = 0/2 + 1·2/2 · P2c(a | b).
    // Continuation bigram level: N1+(• ba) = {a} = 1, N1+(• ab) = {E, b} = 2, N1+(• bE) = {a} = 1, N1+(• Ea) = 0 (start).
    //   ctx b: total 2 (ba 1 + bE 1), types 2; n1 = 2 (ba, bE), n2 = 1 (ab) → D = 0.5 → P2c(a | b) = 0.5/2 + 0.5·2/2·P1(a).
    expect(model.discounts.raw[3]).toBeCloseTo(1, 15);
    expect(model.discounts.continuation[2]).toBeCloseTo(0.5, 15);
    expect(model.probability(3, [a, b], a)).toBeCloseTo(0.25 + 0.5 * (0.375 + u), 14);
  });

  it('scores documents with the training separator convention: bytes plus one trailing EOS each', () => {
    const val = byteDocuments(['ab', 'b']);
    const [uni, bi] = scoreNgramModel(model, val);
    // Unigram targets: a b E | b E.
    const p = (c: number): number => (c + 1) / 262;
    const bitsDoc0 = -Math.log2(p(2)) - Math.log2(p(2)) - Math.log2(p(1));
    const bitsDoc1 = -Math.log2(p(2)) - Math.log2(p(1));
    expect(uni!.docBits[0]).toBeCloseTo(bitsDoc0, 12);
    expect(uni!.docBits[1]).toBeCloseTo(bitsDoc1, 12);
    expect(uni!.bytes).toBe(3);
    expect(uni!.tokens).toBe(5);
    expect(uni!.bitsPerByte).toBeCloseTo((bitsDoc0 + bitsDoc1) / 3, 12);
    expect(uni!.separatorBits).toBeCloseTo(-2 * Math.log2(p(1)), 12);
    // Bigram: the first document is read after the prepended separator, the second after the first one's EOS.
    const p2 = (ctx: number[], w: number): number => model.probability(2, ctx, w);
    const bigramBits =
      -Math.log2(p2([E], a)) - Math.log2(p2([a], b)) - Math.log2(p2([b], E)) - Math.log2(p2([E], b)) - Math.log2(p2([b], E));
    expect(bi!.bits).toBeCloseTo(bigramBits, 12);
    expect(bi!.method).toBe('interpolated Kneser-Ney');
  });

  it('probabilities sum to 1 over the 257 symbols at seen, unseen and short contexts', () => {
    const text = byteDocuments(['the cat sat on the mat. the dog sat on the log.', 'a cat, a dog, a hat', 'ünïcödé bytes ✓']);
    const m = fitNgramModel(text);
    const contexts = [[], [0x74], [0x74, 0x68], [0x74, 0x68, 0x65], [0x20, 0x74, 0x68, 0x65], [E, 0x61, 0x20, 0x63], [1, 2, 3, 4], [0xc3]];
    for (let order = 1; order <= 5; order++) {
      for (const ctx of contexts) {
        let sum = 0;
        for (let w = 0; w < NGRAM_ALPHABET; w++) sum += m.probability(order, ctx, w);
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });

  it('higher orders are not worse on repetitive text, and all orders beat the uniform 8.01 bits', () => {
    const phrase = 'the quick brown fox jumps over the lazy dog. ';
    const docs = Array.from({ length: 40 }, (_, i) => phrase.repeat(1 + (i % 3)) + `${i % 7}`);
    const scores = ngramBaselines(byteDocuments(docs.slice(0, 30)), byteDocuments(docs.slice(30)));
    expect(scores.map((s) => s.order)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < scores.length; i++) expect(scores[i]!.bitsPerByte).toBeLessThanOrEqual(scores[i - 1]!.bitsPerByte);
    expect(scores[0]!.bitsPerByte).toBeLessThan(Math.log2(257));
    expect(scores[4]!.bitsPerByte).toBeLessThan(0.5);
  });

  it('rejects non-byte tokens, empty splits and bad orders with one-line messages', () => {
    expect(() => fitNgramModel({ tokens: Uint16Array.from([1, 300]), docOffsets: [0, 2] })).toThrow(
      /expected byte tokens 0–255 \(the byte tokenizer\), found id 300 in train document 0/,
    );
    expect(() => fitNgramModel({ tokens: new Uint8Array(0), docOffsets: [0] })).toThrow(/train split has no documents/);
    expect(() => fitNgramModel(train, { maxOrder: 6 })).toThrow(/maxOrder an integer 1–5, found 6/);
    expect(() => model.probability(4, [], a)).toThrow(/order 1–3, found 4/);
    expect(() => scoreNgramModel(model, byteDocuments(['']))).toThrow(/no bytes to score/);
    expect(() => scoreNgramModel({ ...model }, byteDocuments(['ab']))).toThrow(/expected a model from fitNgramModel/);
  });
});
