import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '@scalewise/data';
import {
  LLAMA_DEFAULTS,
  initWeights,
  loadCheckpoint,
  paramCounts,
  saveWeights,
  toHfConfig,
  writeModelFolder,
  type ModelConfig,
} from '@scalewise/models';
import { runOriginalStudy } from './original.js';
import { originalSection } from './report-original.js';
import { originalSummaryJson, originalSummaryLine, originalSummarySentence } from './report-measured.js';

// Checkpoint folders in the published layout: the MobileLLM fixture (pytorch_model.bin + tokenizer.model) and
// two more sizes written here from random weights (config.json + model.safetensors + the same tokenizer).
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const FIXTURE = join(ROOT, 'packages', 'models', 'fixtures', 'mobilellm-tiny');
const CORPUS = join(ROOT, 'packages', 'eval', 'fixtures', 'wiki-tiny.test.raw');
const root = mkdtempSync(join(tmpdir(), 'cli-original-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function checkpointFolder(
  name: string,
  shape: Pick<ModelConfig, 'dim' | 'layers' | 'heads' | 'kvHeads' | 'headDim' | 'ffnHidden'>,
): string {
  const config: ModelConfig = { ...LLAMA_DEFAULTS, name, vocabSize: 384, maxPositions: 128, tiedEmbeddings: true, ...shape };
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...toHfConfig(config), bos_token_id: 1, eos_token_id: 2 }));
  saveWeights(join(dir, 'model.safetensors'), config, initWeights(config, 7));
  for (const file of ['tokenizer.model', 'tokenizer_config.json', 'special_tokens_map.json'])
    copyFileSync(join(FIXTURE, file), join(dir, file));
  return dir;
}

const small = checkpointFolder('tiny-small', { dim: 16, layers: 1, heads: 2, kvHeads: 1, headDim: 8, ffnHidden: 32 });
const large = checkpointFolder('tiny-large', { dim: 48, layers: 3, heads: 4, kvHeads: 2, headDim: 12, ffnHidden: 128 });

describe('study stage 1 with --models: the original table measured from checkpoints', () => {
  it('measures perplexity, tokens/s and peak memory of 3 sizes and fits the measured table', async () => {
    const o = await runOriginalStudy({
      seed: 0,
      bootstrap: 50,
      measure: { models: [large, FIXTURE, small], corpus: CORPUS, outDir: join(root, 'study3'), threads: 1, reps: 2 },
    });
    expect(o.table).toBe('measured');
    expect(o.provenance).toMatch(
      /^measured by scalewise on this machine from .*tiny-small, .*mobilellm-tiny, .*tiny-large: perplexity on .*wiki-tiny.test.raw/,
    );
    expect(o.rows.map((r) => r.model)).toEqual(['tiny-small', 'mobilellm-tiny', 'tiny-large']); // by size
    // Parameters counted from the loaded weights agree with the exact accounting of each config.
    const fixture = loadCheckpoint(FIXTURE);
    expect(o.rows[1]!.params_total).toBe(paramCounts(fixture.config).total);
    expect(o.rows[1]!.params_non_embedding).toBe(paramCounts(fixture.config).nonEmbedding);
    for (const m of o.measurements!) {
      expect(m.ppl).toMatchObject({ recipe: 'hf-stride', max_length: 128, stride: 64, rows: 'lines', bos: true, split: 'all' });
      expect(m.perplexity).toBeGreaterThan(1);
      expect(m.perplexity).toBeLessThan(384 * 10);
      expect(m.speed).toMatchObject({ protocol: 'original', new_tokens: 50, kv_cache: false, batch: 1, reps: 2 });
      expect(m.tokens_per_second).toBeGreaterThan(0);
      expect(m.peak_rss_bytes).toBeGreaterThan(10 * 2 ** 20);
    }
    expect(o.rows[0]).toMatchObject({ tokens_per_second: expect.any(Number), peak_rss_mb: expect.any(Number) });
    const a = o.analysis!;
    expect(a.n).toBe(3);
    expect(a.exponent.dof).toBe(1);
    expect(a.exponent.ci.t[0]).toBeLessThan(a.exponent.b);
    const section = originalSection(o);
    expect(section.title).toMatch(/measured again from your checkpoints/);
    expect(section.text).toContain('**Table:** measured by scalewise on this machine');
    expect(section.tables![0]!.title).toContain('wiki-tiny.test.raw, HF strided recipe, window 128, stride 64;');
    expect(section.text).toContain('(wiki-tiny.test.raw vs WebText2');
    expect(section.tables![0]!.columns).toEqual(expect.arrayContaining(['tokens_per_second', 'tokens_per_second_sd', 'peak_rss_mb']));
    expect(originalSummaryLine(o)).toMatch(/^MobileLLM \(3 models, measured here\): PPL = [\d.]+ · N\^-?[\d.]+, .*\(t, 1 dof\)/);
    expect(originalSummaryJson(o)).toMatchObject({ table: 'measured', b: a.exponent.b, fit_note: null });
  }, 120_000);

  it('with 2 sizes (one of them an ONNX folder) it reports the table and says the fit interval is undefined', async () => {
    // An already exported ONNX folder is measured as given, its parameters counted from its config.json.
    const onnx = join(root, 'large-onnx');
    const checkpoint = loadCheckpoint(large);
    await writeModelFolder(onnx, {
      config: checkpoint.config,
      weights: checkpoint.weights,
      tokenizer: (await loadTokenizer(large)).huggingFaceFiles(),
    });
    const o = await runOriginalStudy({
      seed: 0,
      bootstrap: 50,
      measure: { models: [small, onnx], corpus: CORPUS, outDir: join(root, 'study2'), threads: 1, reps: 1 },
    });
    expect(o.measurements!.map((m) => m.params_source)).toEqual(['loaded checkpoint', 'config.json']);
    expect(o.rows[1]!.params_total).toBe(paramCounts(checkpoint.config).total);
    expect(o.measurements![1]!.onnx_dir).toBe(onnx);
    expect(o.analysis).toBeNull();
    expect(o.fit_note).toMatch(/2 models of 2 distinct sizes: .*interval is undefined/);
    const section = originalSection(o);
    expect(section.text).toMatch(/\*\*No fit\.\*\* .*0 degrees of freedom: its interval is undefined/);
    expect(section.tables![0]!.rows).toHaveLength(2);
    expect(originalSummarySentence(o)).toMatch(/measured here.*interval is undefined/);
    const json = JSON.stringify(originalSummaryJson(o));
    expect(json).toContain('"b":null');
    for (const text of [json, section.text, originalSummaryLine(o)]) expect(text).not.toMatch(/NaN/);
  }, 120_000);

  it('without --models keeps the shipped table and says so', async () => {
    const o = await runOriginalStudy({ seed: 0, bootstrap: 50 });
    expect(o).toMatchObject({ table: 'shipped', fit_note: null, measurements: null });
    expect(o.provenance).toMatch(/^the original study's table \(WikiText-2, window 1024, stride 512; NVIDIA T4 GPU\)/);
    expect(o.analysis!.exponent.b).toBeCloseTo(-0.24571, 4);
    expect(originalSection(o).text).toContain("**Table:** the original study's table");
  });
});
