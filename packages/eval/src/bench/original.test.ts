import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionModel } from '../backends/function.js';
import { writeBigramFolder } from '../testing/models.js';
import { benchOriginal } from './original.js';
import { benchReport, formatBenchReport } from './report.js';
import { runBench } from './run-bench.js';

const root = await mkdtemp(join(tmpdir(), 'scalewise-original-bench-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** A model whose greedy next token is (last + 1) mod vocab; records the length of every input it is given. */
function countingModel(vocab: number) {
  const lengths: number[] = [];
  const lm = functionModel(
    vocab,
    (ids) => {
      lengths.push(ids.length);
      const logits = new Float32Array(ids.length * vocab);
      ids.forEach((id, t) => (logits[t * vocab + ((id + 1) % vocab)] = 1));
      return logits;
    },
    { bosTokenId: 0 },
  );
  return { lm, lengths };
}

describe('benchOriginal: the original study speed protocol (batch 1, greedy, no KV cache)', () => {
  it('recomputes the whole prefix at every step and decodes greedily', async () => {
    const { lm, lengths } = countingModel(11);
    const result = await benchOriginal(lm, { newTokens: 6, promptTokens: 3, reps: 2 });
    // Warm-up of min(6, 4) steps, then 2 timed repetitions of 6 steps, each reading prompt + tokens so far.
    const rep = [3, 4, 5, 6, 7, 8];
    expect(lengths).toEqual([3, 4, 5, 6, ...rep, ...rep]);
    expect(result).toMatchObject({ protocol: 'original', new_tokens: 6, prompt_tokens: 3, batch: 1, kv_cache: false, reps: 2 });
    expect(result.samples_ts).toHaveLength(2);
    expect(result.avg_ts).toBeGreaterThan(0);
    expect(result.stddev_ts).toBeGreaterThanOrEqual(0);
    // Greedy from the prompt's last token t: t+1, t+2, ... (mod 11).
    const first = result.generated_ids[0]!;
    expect(result.generated_ids).toEqual(Array.from({ length: 6 }, (_, i) => (first + i) % 11));
  });

  it('defaults to 50 new tokens and refuses a protocol longer than the model positions', async () => {
    const { lm } = countingModel(5);
    expect((await benchOriginal(lm, { reps: 1 })).new_tokens).toBe(50);
    const short = functionModel(5, (ids) => new Float32Array(ids.length * 5), { maxPositions: 40 });
    await expect(benchOriginal(short, { reps: 1 })).rejects.toThrow(/exceeds the model's 40 positions/);
    await expect(benchOriginal(lm, { newTokens: 0 })).rejects.toThrow(/new tokens must be a positive integer/);
  });

  it('runBench --protocol original records the protocol, no pp/tg, and prints the original line', async () => {
    const dir = writeBigramFolder(join(root, 'bigram'), new Float32Array(9 * 9), 9, { bosTokenId: 1 });
    const result = await runBench({ model: dir, protocol: 'original', reps: 2, newTokens: 5 });
    expect(result).toMatchObject({ protocol: 'original', pp: null, tg: null, reps: 2, original: { new_tokens: 5, kv_cache: false } });
    expect(result.peak_rss_bytes).toBeGreaterThan(0);
    const text = formatBenchReport(benchReport(result));
    expect(text).toMatch(/original protocol \(batch 1, 5 greedy tokens from a 8-token prompt, no KV cache\): [\d.]+ ± [\d.]+ tokens\/s/);
    expect(text).not.toContain('| test');
    const llama = await runBench({ model: dir, pp: 4, tg: 3, reps: 1 });
    expect(llama).toMatchObject({ protocol: 'llama-bench', original: null });
  });
});
