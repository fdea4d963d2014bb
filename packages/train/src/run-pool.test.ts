import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorKind } from '@scalewise/core';
import type { ProgressEvent } from '@scalewise/data';
import { validateRun } from './doc-validation.js';
import { machineMatMulPeak } from './native/peak.js';
import { createRunPool } from './run-pool.js';
import { runTrainingJob } from './sweep.js';
import { tinyModel, wordCorpusFixture } from './test-utils.js';

const fixture = wordCorpusFixture('scalewise-run-pool-', { files: 40, words: 100, seed: 4 });
const { root, corpus } = fixture;
beforeAll(fixture.setUp);
afterAll(fixture.tearDown);

const config = (dim: number, engine = 'reference') => ({
  model: { ...tinyModel({ vocabSize: 259, dim, heads: 2, headDim: dim / 2 }), name: `pool-d${dim}` },
  data: { corpus, tokenizer: 'byte', seq: 16 },
  batchSize: 4,
  steps: 12,
  optimizer: { lr: 1e-2 },
  eval: { every: 0, batches: 1 },
  checkpoint: { every: 0, keep: 1 },
  seed: 5,
  engine,
  ...(engine === 'reference' ? { peakGflops: 1 } : {}),
});
const validate = { resamples: 50, seed: 1 };

describe('createRunPool', () => {
  it('trains runs side by side on distinct worker threads, with the results of training them here', async () => {
    const pool = await createRunPool({ size: 2, sharePeak: false });
    const progress: ProgressEvent[][] = [[], []];
    try {
      const pooled = await Promise.all(
        [8, 16].map((dim, i) =>
          pool.train(
            { id: `d${dim}`, config: config(dim), outDir: join(root, 'pool', `d${dim}`) },
            { validate, onProgress: (e) => progress[i]!.push(e) },
          ),
        ),
      );
      for (const [i, dim] of [8, 16].entries()) {
        const outDir = join(root, 'here', `d${dim}`);
        const here = await runTrainingJob({ id: `d${dim}`, config: config(dim), outDir });
        const run = pooled[i]!;
        expect(run.row.interrupted).toBe(false);
        for (const key of ['steps', 'tokens', 'final_train_loss', 'val_loss', 'val_bpb', 'params_total'] as const)
          expect(run.row.result[key], key).toBe(here.result[key]);
        expect(run.validation).toEqual(await validateRun(outDir, validate));
        const trainEvents = progress[i]!.filter((e) => e.stage === 'train');
        expect(trainEvents.at(-1)).toMatchObject({ done: 12, total: 12 });
      }
      expect(pooled[0]!.threadId).not.toBe(threadId);
      expect(pooled[1]!.threadId).not.toBe(threadId);
      expect(pooled[0]!.threadId).not.toBe(pooled[1]!.threadId);
    } finally {
      await pool.close();
    }
  });

  it('reports a bad config as an input error and keeps training afterwards; refuses work once closed', async () => {
    const pool = await createRunPool({ size: 1, sharePeak: false });
    const bad = { ...config(8), batchSize: -1 };
    const error = await pool.train({ id: 'bad', config: bad, outDir: join(root, 'bad') }).catch((e: unknown) => e);
    expect(errorKind(error)).toBe('input');
    expect((error as Error).message).toMatch(/batchSize/);
    const uncloneable = { ...config(8), onStep: () => undefined };
    await expect(pool.train({ id: 'fn', config: uncloneable, outDir: join(root, 'fn') })).rejects.toThrow(
      /cannot be sent to a worker thread/,
    );
    const good = await pool.train({ id: 'good', config: config(8), outDir: join(root, 'good') });
    expect(good.row.result.steps).toBe(12);
    await pool.close();
    await expect(pool.train({ id: 'late', config: config(8), outDir: join(root, 'late') })).rejects.toThrow(/after close/);
  });

  it('stops a run when its signal aborts: checkpointed, interrupted, and resumable to the same result', async () => {
    const pool = await createRunPool({ size: 1, sharePeak: false });
    try {
      const outDir = join(root, 'abort');
      const abort = new AbortController();
      abort.abort();
      const stopped = await pool.train({ id: 'a', config: config(8), outDir }, { signal: abort.signal });
      expect(stopped.row.interrupted).toBe(true);
      expect(stopped.row.result.steps).toBeLessThan(12);
      const resumed = await pool.train({ id: 'a', config: config(8), outDir });
      const whole = await runTrainingJob({ id: 'a', config: config(8), outDir: join(root, 'abort-whole') });
      expect(resumed.row.result.final_train_loss).toBe(whole.result.final_train_loss);
      expect(resumed.row.result.val_loss).toBe(whole.result.val_loss);
    } finally {
      await pool.close();
    }
  });

  it('gives every worker the MatMul peak measured once here, and measures step throughput on a worker', async () => {
    const pool = await createRunPool({ size: 1, threads: 1 });
    try {
      const run = await pool.train({ id: 'n', config: config(8, 'native'), outDir: join(root, 'native') });
      expect(run.row.result.peak_gflops).toBe((await machineMatMulPeak()).gflops);
      expect(run.row.result.mfu).toBeLessThanOrEqual(1);
      const measured = await pool.measureStepThroughput(config(8).model, { batchSize: 4, seq: 16, engine: 'native', steps: 1 });
      expect(measured.flopsPerSecond).toBeGreaterThan(0);
      expect(measured.steps).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('checks its options', async () => {
    await expect(createRunPool({ size: 0 })).rejects.toThrow(/size must be a positive integer/);
    await expect(createRunPool({ threads: 1.5, sharePeak: false })).rejects.toThrow(/threads must be a positive integer/);
  });
});
