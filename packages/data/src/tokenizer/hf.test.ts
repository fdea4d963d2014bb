import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../corpus/index.js';
import { prepareTokens } from '../pack/prepare.js';
import { loadTokenizer } from './hf.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalewise-hf-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A tiny word-level Hugging Face tokenizer written by hand. */
async function wordLevel(dir: string, vocab: Record<string, number>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: 1, content: '<s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 2, content: '</s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  };
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', bos_token: '<s>', eos_token: '</s>', unk_token: '[UNK]' }),
  );
}

describe('Hugging Face tokenizer folders', () => {
  it('loads a word-level tokenizer offline with its special ids', async () => {
    const dir = join(root, 'words');
    await wordLevel(dir, { '[UNK]': 0, '<s>': 1, '</s>': 2, the: 3, cat: 4, sat: 5, '.': 6 });
    const tok = await loadTokenizer(dir);
    expect(Array.from(tok.encode('The cat sat on the mat.'))).toEqual([3, 4, 5, 0, 3, 0, 6]);
    expect(tok.vocabSize).toBe(7);
    expect([tok.bosId, tok.eosId]).toEqual([1, 2]);
    expect(tok.padId).toBe(2); // transformers.js falls back to the EOS token for padding
    expect(tok.huggingFaceFiles().tokenizerConfig.bos_token).toBe('<s>');

    // A changed tokenizer.json changes the hash, so prepared tokens are rebuilt.
    const corpus = await loadCorpus({ kind: 'documents', name: 'cats', documents: [{ id: 'a', text: 'the cat sat', meta: {} }] });
    const first = await prepareTokens({ corpus, tokenizer: tok, dir: join(root, 'prep'), split: { kind: 'hash', validation: 0, test: 0 } });
    expect(Array.from(first.splits.train.tokens)).toEqual([3, 4, 5]);
    const dir2 = join(root, 'words2');
    await wordLevel(dir2, { '[UNK]': 0, '<s>': 1, '</s>': 2, the: 6, cat: 4, sat: 5, '.': 3 });
    const tok2 = await loadTokenizer(dir2);
    expect(tok2.hash).not.toBe(tok.hash);
    const second = await prepareTokens({
      corpus,
      tokenizer: tok2,
      dir: join(root, 'prep'),
      split: { kind: 'hash', validation: 0, test: 0 },
    });
    expect(second.fromCache).toBe(false);
    expect(Array.from(second.splits.train.tokens)).toEqual([6, 4, 5]);
  });

  it('names the one missing file and reports invalid JSON', async () => {
    const dir = join(root, 'half');
    await mkdir(dir);
    await writeFile(join(dir, 'tokenizer.json'), '{}');
    await expect(loadTokenizer(dir)).rejects.toThrow(/missing tokenizer_config\.json \(/);
    await writeFile(join(dir, 'tokenizer_config.json'), '{not json');
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer_config\.json is not valid JSON/);
  });
});
