import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '@scalewise/data';
import { loadCheckpoint, writeModelFolder } from '@scalewise/models';
import { loadModel } from '../backends/load.js';
import { functionModel } from '../backends/function.js';
import type { CausalLM } from '../lm.js';
import { hfStrideSequence, wikitextRows } from './hf-sequence.js';
import { hfStridePerplexity } from './hf-stride.js';

// PyTorch references from tools/fixtures/make-checkpoints.py (the guide's loop written as the guide writes it).
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const MODEL = join(ROOT, 'packages/models/fixtures/mobilellm-tiny');
interface PplRef {
  ppl_token_weighted: number;
  ppl_trg_len_weighted: number;
  ppl_mean_of_window_means: number;
  ppl_loss_tokens_weighted: number;
  windows: number;
  scored_tokens: number;
}
const reference = JSON.parse(await readFile(join(ROOT, 'packages/models/fixtures/reference.json'), 'utf8')) as {
  ppl_ids: number[];
  ppl_max_length: number;
  ppl_stride: number;
  tied: { ppl: PplRef };
  wiki_raw: { file: string; rows: string[]; ids: number[]; ppl: PplRef };
};

const relative = (a: number, b: number) => Math.abs(a / b - 1);

function expectMatches(result: Awaited<ReturnType<typeof hfStridePerplexity>>, ref: PplRef): void {
  expect(result.windows).toBe(ref.windows);
  expect(result.scored_tokens).toBe(ref.scored_tokens);
  expect(result.variant).toBe('token_weighted');
  expect(relative(result.perplexity, ref.ppl_token_weighted)).toBeLessThan(1e-5);
  const v = result.guide_variants;
  expect(relative(v.token_weighted, ref.ppl_token_weighted)).toBeLessThan(1e-5);
  expect(relative(v.trg_len_weighted, ref.ppl_trg_len_weighted)).toBeLessThan(1e-5);
  expect(relative(v.mean_of_window_means, ref.ppl_mean_of_window_means)).toBeLessThan(1e-5);
  expect(relative(v.loss_tokens_weighted, ref.ppl_loss_tokens_weighted)).toBeLessThan(1e-5);
}

let dir: string;
let lm: CausalLM;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalewise-hf-stride-'));
  const checkpoint = loadCheckpoint(MODEL);
  await writeModelFolder(join(dir, 'onnx'), { config: checkpoint.config, weights: checkpoint.weights });
  lm = await loadModel(join(dir, 'onnx'));
});
afterAll(async () => {
  await lm?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('hfStridePerplexity: the HF guide "perplexity of fixed-length models", against PyTorch', () => {
  it('matches every form of the guide on the fixture sequence (window 32, stride 16)', async () => {
    const result = await hfStridePerplexity(lm, reference.ppl_ids, { maxLength: reference.ppl_max_length, stride: reference.ppl_stride });
    expectMatches(result, reference.tied.ppl);
    expect(result).toMatchObject({ recipe: 'hf-stride', max_length: 32, stride: 16, sequence_tokens: reference.ppl_ids.length });
    // The three forms really differ here, so matching each one is a test of its accounting.
    const { trg_len_weighted, mean_of_window_means, loss_tokens_weighted, token_weighted } = result.guide_variants;
    expect(new Set([trg_len_weighted, mean_of_window_means, loss_tokens_weighted, token_weighted].map((x) => x.toFixed(3))).size).toBe(4);
  });

  it('reads a wiki.test.raw-shaped file as the guide notebook does: rows joined with "\\n\\n", BOS, one sequence', async () => {
    const tokenizer = await loadTokenizer(MODEL);
    const sequence = await hfStrideSequence(join(ROOT, reference.wiki_raw.file), tokenizer);
    expect(sequence).toMatchObject({ rows: 'lines', row_count: reference.wiki_raw.rows.length, documents: 1, bos: true });
    expect(Array.from(sequence.ids)).toEqual(reference.wiki_raw.ids);
    const result = await hfStridePerplexity(lm, sequence.ids, { maxLength: 32, stride: 16 });
    expectMatches(result, reference.wiki_raw.ppl);
  });

  it("stride = max length: disjoint windows, and (as in the guide) each window's first token goes unscored", async () => {
    const ids = reference.ppl_ids.slice(0, 70);
    const result = await hfStridePerplexity(lm, ids, { maxLength: 32, stride: 32 });
    expect(result.windows).toBe(3);
    // Labels shift inside a window: its first label has no context there, so 70 tokens in 3 windows score 67.
    expect(result.scored_tokens).toBe(67);
  });

  it('refuses bad windows and too-short sequences with an input error', async () => {
    await expect(hfStridePerplexity(lm, [1, 2, 3], { maxLength: 8, stride: 0 })).rejects.toThrow(/stride must be an integer in \[1, max/);
    await expect(hfStridePerplexity(lm, [1, 2, 3], { maxLength: 8, stride: 9 })).rejects.toThrow(/stride/);
    await expect(hfStridePerplexity(lm, [1], { maxLength: 8, stride: 4 })).rejects.toThrow(/at least 2 tokens/);
    await expect(hfStridePerplexity(lm, reference.ppl_ids, { maxLength: 129, stride: 64 })).rejects.toThrow(/exceeds the model's 128/);
  });

  it('a uniform model gives perplexity = vocabulary size under every form', async () => {
    const vocab = 7;
    const uniform = functionModel(vocab, (ids) => new Float32Array(ids.length * vocab));
    const result = await hfStridePerplexity(uniform, [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3], { maxLength: 4, stride: 3 });
    for (const v of Object.values(result.guide_variants)) expect(v).toBeCloseTo(vocab, 10);
  });
});

describe('wikitextRows: lines as the Hugging Face wikitext dataset yields them', () => {
  it('keeps line breaks, empties whitespace-only lines, reads universal newlines', () => {
    expect(wikitextRows(' \n = A = \n \n text . \n')).toEqual(['', ' = A = \n', '', ' text . \n']);
    expect(wikitextRows('no break')).toEqual(['no break']);
    expect(wikitextRows('a\r\nb\rc')).toEqual(['a\n', 'b\n', 'c']);
    expect(wikitextRows('')).toEqual([]);
  });
});
