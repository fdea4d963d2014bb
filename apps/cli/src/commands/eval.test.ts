import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { tinyModelFolder } from './eval-fixture.js';
import { captureIO } from '../capture-io.test-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-eval-'));
let model = '';
let corpus = '';
beforeAll(async () => {
  ({ model, corpus } = await tinyModelFolder(dir));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURE = join(import.meta.dirname, '..', '..', '..', '..', 'packages', 'eval', 'fixtures', 'tiny-task.jsonl');

describe('scalewise eval', () => {
  it('ppl --json prints one object with perplexities, counts and units; byte metrics agree with the counts', async () => {
    const io = captureIO();
    expect(
      await main(
        ['eval', 'ppl', '--model', model, '--corpus', corpus, '--split', 'all', '--max-length', '16', '--stride', '8', '--json'],
        io,
      ),
    ).toBe(0);
    const r = JSON.parse(io.out) as {
      units: Record<string, string>;
      documents: number;
      tokens: number;
      bytes: number;
      bits_per_byte: number;
      nll_per_token: number;
      token_perplexity: number;
      max_length: number;
      stride: number;
      prefix_token: number;
    };
    expect(r.documents).toBe(3);
    expect(r.tokens).toBe(r.bytes); // byte tokenizer, ASCII text: one token per byte
    expect(r.bits_per_byte).toBeCloseTo((r.nll_per_token * r.tokens) / r.bytes / Math.LN2, 10);
    expect(r.token_perplexity).toBeGreaterThan(1);
    expect([r.max_length, r.stride, r.prefix_token]).toEqual([16, 8, 256]);
    expect(r.units.bits_per_byte).toMatch(/bits per UTF-8 byte/);
  });

  it('tasks --json prints lm-eval shaped results and --output writes the same', async () => {
    const io = captureIO();
    const output = join(dir, 'results.json');
    expect(await main(['eval', 'tasks', '--model', model, '--tasks', FIXTURE, '--output', output, '--json'], io)).toBe(0);
    const r = JSON.parse(io.out) as { results: Record<string, Record<string, number>>; 'n-samples': Record<string, { effective: number }> };
    expect(r['n-samples']['tiny-task']?.effective).toBe(8);
    expect(r.results['tiny-task']?.['acc,none']).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual(r);
  });

  it('exits 2 with one line for a missing model, an unknown subcommand and an empty split', async () => {
    for (const argv of [
      ['eval', 'ppl', '--model', join(dir, 'missing'), '--tokenizer', 'byte', '--corpus', corpus],
      ['eval', 'frob'],
      ['eval', 'tasks', '--model', model],
    ]) {
      const io = captureIO();
      expect(await main(argv, io)).toBe(2);
      expect(io.err.trim().split('\n')).toHaveLength(1);
      expect(io.out).toBe('');
    }
  });
});
