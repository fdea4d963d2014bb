import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, writeModelFolder } from '@scalewise/models';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

// The MobileLLM-layout fixture and its PyTorch references (tools/fixtures/make-checkpoints.py).
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const CHECKPOINT = join(ROOT, 'packages', 'models', 'fixtures', 'mobilellm-tiny');
const reference = JSON.parse(readFileSync(join(ROOT, 'packages', 'models', 'fixtures', 'reference.json'), 'utf8')) as {
  wiki_raw: {
    file: string;
    ids: number[];
    ppl: { ppl_token_weighted: number; ppl_trg_len_weighted: number; ppl_mean_of_window_means: number; windows: number };
  };
};
const WIKI = join(ROOT, reference.wiki_raw.file);

const dir = mkdtempSync(join(tmpdir(), 'cli-eval-ppl-'));
const onnx = join(dir, 'onnx');
beforeAll(async () => {
  const checkpoint = loadCheckpoint(CHECKPOINT);
  await writeModelFolder(onnx, { config: checkpoint.config, weights: checkpoint.weights });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const io = captureIO(dir);
  const code = await main(['eval', 'ppl', '--model', onnx, '--tokenizer', CHECKPOINT, ...args], io);
  return { code, io };
};

describe('scalewise eval ppl --recipe hf-stride (the original notebook recipe)', () => {
  it('scores a wiki.test.raw-shaped file whole, as PyTorch does, and records recipe, window and stride', async () => {
    const { code, io } = await run('--corpus', WIKI, '--recipe', 'hf-stride', '--max-length', '32', '--stride', '16', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(io.out) as Record<string, unknown> & { guide_variants: Record<string, number>; perplexity: number };
    expect(r).toMatchObject({
      recipe: 'hf-stride',
      max_length: 32,
      stride: 16,
      split: 'all',
      rows: 'lines',
      bos: true,
      variant: 'token_weighted',
      sequence_tokens: reference.wiki_raw.ids.length,
      windows: reference.wiki_raw.ppl.windows,
    });
    expect(Math.abs(r.perplexity / reference.wiki_raw.ppl.ppl_token_weighted - 1)).toBeLessThan(1e-5);
    expect(Math.abs(r.guide_variants.trg_len_weighted! / reference.wiki_raw.ppl.ppl_trg_len_weighted - 1)).toBeLessThan(1e-5);
    expect(Math.abs(r.guide_variants.mean_of_window_means! / reference.wiki_raw.ppl.ppl_mean_of_window_means - 1)).toBeLessThan(1e-5);
  });

  it('prints the recipe, the counts and every form of the guide for humans', async () => {
    const { code, io } = await run('--corpus', WIKI, '--recipe', 'hf-stride', '--max-length', '32');
    expect(code).toBe(0);
    expect(io.out).toMatch(/8 lines joined with "\\n\\n", \d+ bytes → 171 tokens \(BOS first\)/);
    expect(io.out).toMatch(/windows of 32 tokens, stride 16/); // default stride: half the window
    expect(io.out).toMatch(/trg_len-weighted [\d.]+, mean of window means [\d.]+, loss-token-weighted [\d.]+/);
  });

  it('lm-eval (the default recipe) also scores a single file whole unless --split says otherwise', async () => {
    const corpus = join(dir, 'one.txt');
    writeFileSync(corpus, 'The jury said the election was conducted well.\n');
    const whole = await run('--corpus', corpus, '--max-length', '32', '--json');
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.io.out)).toMatchObject({ recipe: 'lm-eval', split: 'all', documents: 1, max_length: 32, stride: 32 });
    // Asked for a hash split, the one document lands in train: nothing left in test is an input error, not a subset.
    const test = await run('--corpus', corpus, '--split', 'test', '--max-length', '32', '--json');
    expect(test.code).toBe(2);
    expect(test.io.err).toMatch(/no non-empty documents in split 'test'/);
  });
});
