import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectedRun, QueueRunner, QueuedRunInput } from '@scalewise/train/queue';
import { createRunPool } from '@scalewise/train';
import { tinyModel } from '@scalewise/train/testing';
import { localTrainer, poolTrainer, queueTrainer, type TrainedRun } from './trainer.js';

// queueTrainer against a stand-in for the queue (the real one is tested end to end in tests/study-queue.e2e.test.ts):
// it reuses a worker's validation only when it was computed with the study's settings, else validates here.
const root = mkdtempSync(path.join(tmpdir(), 'scalewise-study-trainer-'));
const oldCache = process.env.SCALEWISE_CACHE;
const settings = { resamples: 50, seed: 0 };
let local: TrainedRun;
let config: Record<string, unknown>;

/** A queue whose one job already finished: returns `result` and records what was submitted. */
function fakeQueue(result: Partial<CollectedRun['result']>): QueueRunner & { submitted: QueuedRunInput[] } {
  const submitted: QueuedRunInput[] = [];
  const run = async (input: QueuedRunInput): Promise<CollectedRun> => {
    submitted.push(input);
    return {
      job_id: 'run-x',
      overhead_ms: { enqueue_to_start: 1, finish_to_collected: 1 },
      result: {
        worker: 'w',
        attempt: 1,
        resumed_from_step: null,
        artifacts: 'shared',
        code_version: 'v',
        ...result,
      } as CollectedRun['result'],
    };
  };
  return {
    submitted,
    run,
    submit: async (input) => ({ job_id: 'run-x', result: run(input) }),
    enqueued: 0,
    failed: [],
    close: async () => undefined,
  };
}

describe('queueTrainer', () => {
  beforeAll(async () => {
    process.env.SCALEWISE_CACHE = path.join(root, 'cache');
    const corpus = path.join(root, 'corpus');
    mkdirSync(corpus);
    for (let f = 0; f < 40; f++) writeFileSync(path.join(corpus, `d${f}.txt`), `document ${f}: the quick brown fox ${f % 7}.\n`.repeat(4));
    config = {
      model: tinyModel({ vocabSize: 259 }),
      data: { corpus, seq: 16 },
      steps: 4,
      batchSize: 2,
      optimizer: { lr: 0.01 },
      eval: { every: 0, batches: 1 },
      checkpoint: { every: 0, keep: 1 },
      engine: 'reference',
      peakGflops: 1,
    };
    local = await localTrainer(undefined)({ id: 'r', config, runDir: path.join(root, 'run') }, settings, () => undefined);
  }, 60_000);

  afterAll(() => {
    if (oldCache === undefined) delete process.env.SCALEWISE_CACHE;
    else process.env.SCALEWISE_CACHE = oldCache;
    rmSync(root, { recursive: true, force: true });
  });

  const finished = (extra: Partial<CollectedRun['result']> = {}) => ({
    row: { ...local.row } as CollectedRun['result']['row'],
    steps: local.steps,
    run_dir: local.runDir,
    ...extra,
  });

  it("submits the resolved config with the study's validation and keeps the worker's matching validation", async () => {
    const marker = { ...local.validation, loss_nats: 123 };
    const queue = fakeQueue(finished({ validation: marker, validated_with: settings }));
    const trained = await queueTrainer(queue, { queue: 'redis://q:6379/0' })(
      { id: 'r', config, runDir: '/unused' },
      settings,
      () => undefined,
    );
    expect(trained.validation).toBe(marker);
    expect(trained.runDir).toBe(local.runDir);
    expect(queue.submitted[0]).toMatchObject({ id: 'r', validate: settings, budget: { tokens: 4 * 2 * 16 } });
    expect((queue.submitted[0]!.config as { steps: number }).steps).toBe(4);
  });

  it('validates here a run finished without validation (a sweep submitted it) or with other settings', async () => {
    for (const extra of [{}, { validation: { ...local.validation, loss_nats: 123 }, validated_with: { ...settings, seed: 1 } }]) {
      const trained = await queueTrainer(fakeQueue(finished(extra)), { queue: 'q' })(
        { id: 'r', config, runDir: '/unused' },
        settings,
        () => {},
      );
      expect(trained.validation).toEqual(local.validation);
    }
  }, 60_000);

  it('refuses a run folder this machine does not see, saying how to fix it', async () => {
    const queue = fakeQueue(finished({ run_dir: path.join(root, 'elsewhere') }));
    await expect(
      queueTrainer(queue, { queue: 'redis://***@q:6379/0' })({ id: 'r', config, runDir: '/unused' }, settings, () => {}),
    ).rejects.toThrow(
      /run r was trained in .*elsewhere, a folder this machine does not see.*--artifacts DIR.*queue clean --queue redis:\/\/\*{3}@q/,
    );
  });

  it('poolTrainer trains and validates on a worker thread with the results of localTrainer', async () => {
    const pool = await createRunPool({ size: 1, sharePeak: false });
    try {
      const runDir = path.join(root, 'pooled');
      const stages = new Set<string>();
      const trained = await poolTrainer(pool)({ id: 'r', config, runDir }, settings, (e) => stages.add(e.stage));
      // each run's progress under its own stage, so two runs side by side do not reset each other's clock
      expect([...stages]).toEqual(['train r']);
      expect(trained.validation).toEqual(local.validation);
      expect(trained.steps).toBe(local.steps);
      expect(trained.runDir).toBe(runDir);
      for (const key of ['final_train_loss', 'tokens', 'flops', 'params_total'] as const)
        expect(trained.row[key], key).toBe(local.row[key]);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
