import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { tinyModelFolder } from './eval-fixture.js';
import { captureIO } from '../capture-io.test-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
let model = '';
beforeAll(async () => {
  ({ model } = await tinyModelFolder(dir));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scalewise bench', () => {
  it('--json keeps the contract: pp, tg, peak_rss_bytes, model_bytes, params, threads, backend, dtype (child process)', async () => {
    const io = captureIO();
    expect(
      await main(['bench', '--model', model, '--pp', '8', '--tg', '4', '-r', '2', '--threads', '1', '--no-bandwidth', '--json'], io),
    ).toBe(0);
    const r = JSON.parse(io.out) as Record<string, unknown> & { pp: Record<string, unknown>; tg: Record<string, unknown> };
    expect(r.pp).toMatchObject({ n_prompt: 8 });
    expect(r.tg).toMatchObject({ n_gen: 4 });
    for (const s of [r.pp, r.tg]) {
      expect(s.samples_ts).toHaveLength(2);
      const samples = s.samples_ts as number[];
      expect(s.avg_ts).toBeCloseTo((samples[0]! + samples[1]!) / 2, 9);
      expect(s.stddev_ts).toBeCloseTo(Math.abs(samples[0]! - samples[1]!) / Math.SQRT2, 9);
    }
    // KV cache at depth 4: 1 layer × (key+value) × 1 kv head × 4 positions × head_dim 8 × 4 bytes
    expect(r.tg.kv_cache_bytes).toBe(2 * 4 * 8 * 4);
    expect(r).toMatchObject({ threads: 1, backend: 'onnxruntime-node', dtype: 'fp32' });
    expect(r.params).toBe(259 * 16 + (2 * 16 + 16 * 16 * 2 + 16 * 8 * 2 + 3 * 16 * 24) + 16);
    expect(r.peak_rss_bytes as number).toBeGreaterThan(10 * 2 ** 20);
    expect(r.model_bytes as number).toBeGreaterThan((r.params as number) * 4);
  });

  it('--protocol original: 50 greedy tokens without a KV cache, batch 1, mean ± sd over repetitions, in a child process', async () => {
    const io = captureIO();
    expect(
      await main(['bench', '--model', model, '--protocol', 'original', '-r', '2', '--threads', '1', '--no-bandwidth', '--json'], io),
    ).toBe(0);
    const r = JSON.parse(io.out) as Record<string, unknown> & { original: Record<string, unknown> & { samples_ts: number[] } };
    expect(r).toMatchObject({ protocol: 'original', pp: null, tg: null, reps: 2 });
    expect(r.original).toMatchObject({ protocol: 'original', new_tokens: 50, prompt_tokens: 8, batch: 1, kv_cache: false, reps: 2 });
    const [a, b] = r.original.samples_ts as [number, number];
    expect(r.original.avg_ts).toBeCloseTo((a + b) / 2, 9);
    expect(r.original.stddev_ts).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 9);
    expect(r.original.generated_ids).toHaveLength(50);
    expect(r.peak_rss_bytes as number).toBeGreaterThan(10 * 2 ** 20);
    const text = captureIO();
    expect(await main(['bench', '--model', model, '--protocol', 'original', '--new-tokens', '5', '-r', '1', '--no-bandwidth'], text)).toBe(
      0,
    );
    expect(text.out).toMatch(/original protocol \(batch 1, 5 greedy tokens from a 8-token prompt, no KV cache\): [\d.]+ ± 0\.00 tokens\/s/);
  });

  it('exits 2 on bad usage', async () => {
    for (const argv of [
      ['bench'],
      ['bench', '--preset', 'mobilellm-125m'],
      ['bench', '--model', model, '--dtype', 'fp8'],
      ['bench', '--model', join(dir, 'nope'), '--no-isolate'],
    ]) {
      const io = captureIO();
      expect(await main(argv, io)).toBe(2);
      expect(io.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
