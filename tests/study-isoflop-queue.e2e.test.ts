import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQueueUrl, queueStatus } from '@scalewise/train/queue';
import { redisAvailable, reportMissingRedis } from './redis.js';
import { reuseStages, runStudy, studyArgs, useStudyQueue, WORKER_NAMES } from './study-queue-fixture.js';

// `scalewise study --isoflop --queue`: the IsoFLOP grid trained by 2 real worker processes through a real Redis
// gives bit for bit the runs and fits of the local study. SCALEWISE_TEST_TINY_STUDY=1 shrinks the grid to 3 ladder
// models × 3 FLOP budgets, the smallest that approach 2 (≥ 3 slices of ≥ 3 runs) and the Chinchilla fit accept.
const HAVE_REDIS = redisAvailable();

interface SweepRow {
  id: string;
  model: string;
  tokens: number;
  final_train_loss: number;
  val_loss: number;
  val_bpb: number;
}
interface IsoflopJson {
  runs: Array<{ model: string; flops: number; val_loss: number }>;
  chinchilla: { params: Record<string, number> } | null;
  approach2: { a: number; k: number } | null;
  optimal: unknown[];
  warnings: string[];
}

const isoflopJson = (out: string) => JSON.parse(readFileSync(path.join(out, 'results', 'isoflop.json'), 'utf8')) as IsoflopJson;
const sweepRows = (out: string): SweepRow[] =>
  readFileSync(path.join(out, 'isoflop', 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as SweepRow);

describe.runIf(HAVE_REDIS)('study --isoflop --queue (real Redis, 2 real workers)', () => {
  const fx = useStudyQueue('scalewise-study-isoflop-queue-');

  it('trains the IsoFLOP grid on both workers; every run and the IsoFLOP fits equal the local study exactly', async () => {
    const localOut = path.join(fx.root, 'local');
    const queuedOut = path.join(fx.root, 'queued');
    // --threads 1 on both sides: the runs' engine threads are then the same in the study and in the workers.
    const args = ['--isoflop', '--threads', '1'];
    const local = await runStudy(studyArgs(localOut, ...args));
    // Only the IsoFLOP stage trains through the queue: the other stages are reused, as a resume would.
    reuseStages(localOut, queuedOut, ['original', 'baselines', 'families', 'throughput']);
    const queued = await runStudy(studyArgs(queuedOut, ...args, '--queue', fx.redis.url));
    expect(queued.stderr).toMatch(/\[families\] reusing finished stage/);
    expect(queued.stderr).toMatch(/\[isoflop\] started/);

    const l = isoflopJson(localOut);
    const q = isoflopJson(queuedOut);
    // The tiny grid still fits: approach 3 (Chinchilla) and approach 2 on 3 slices.
    expect(l.runs).toHaveLength(9);
    expect(l.chinchilla).not.toBeNull();
    expect(l.approach2).not.toBeNull();

    // Every run went through the queue, and both workers trained some.
    const status = await queueStatus(parseQueueUrl(fx.redis.url));
    expect(status.counts).toMatchObject({ failed: 0, running: 0, waiting: 0, finished: 9 });
    for (const name of WORKER_NAMES)
      expect(
        status.finished.some((f) => f.worker === name),
        `${name} trained runs`,
      ).toBe(true);

    // Same runs (ids hash the resolved configs), bit for bit the same losses.
    const byId = new Map(sweepRows(localOut).map((r) => [r.id, r]));
    const rows = sweepRows(queuedOut);
    expect(rows.map((r) => r.id).sort()).toEqual([...byId.keys()].sort());
    let worst = 0;
    for (const r of rows) {
      const lr = byId.get(r.id)!;
      expect(r.tokens, r.id).toBe(lr.tokens);
      for (const key of ['final_train_loss', 'val_loss', 'val_bpb'] as const) worst = Math.max(worst, Math.abs(r[key] - lr[key]));
    }
    expect(worst).toBe(0);
    // The IsoFLOP result (runs, Chinchilla fit, approach 2, compute-optimal allocation, warnings) and the summary's.
    expect(q).toEqual(l);
    const summary = (out: { stdout: string }) => (JSON.parse(out.stdout) as { isoflop: unknown }).isoflop;
    expect(summary(queued)).toEqual(summary(local));
    console.log(`study --isoflop --queue: ${rows.length} runs; largest |difference| vs the local study (losses) = ${worst}`);
  }, 600_000);
});

reportMissingRedis('study --isoflop --queue', 'the IsoFLOP study queue test');
