import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQueueUrl, queueStatus } from '@scalewise/train/queue';
import { redisAvailable, reportMissingRedis } from './redis.js';
import { reuseStages, runStudy, studyArgs, useStudyQueue, WORKER_NAMES } from './study-queue-fixture.js';

// `scalewise study --queue`: the same study, trained by 2 real worker processes through a real Redis, gives the
// same runs and fits as in-process. SCALEWISE_TEST_TINY_STUDY=1 shrinks the plan to 12 tiny runs (tests only).
const HAVE_REDIS = redisAvailable();

interface Run {
  id: string;
  seed: number;
  steps: number;
  tokens: number;
  params_non_embedding: number;
  val_loss_nats: number;
  val_loss_ci: [number, number];
  val_bpb: number;
  final_train_loss: number;
}
interface Fit {
  params: Record<string, number>;
}
interface FamiliesJson {
  families: Array<{
    name: string;
    lr: number;
    lr_sweep: Array<{ lr: number; val_loss_nats: number }>;
    runs: Run[];
    fits: Record<'power' | 'saturating', Fit>;
  }>;
  comparisons: Array<{ a: string; b: string; exponent_diff: number; ci: [number, number]; p: number }>;
}

const families = (out: string) => JSON.parse(readFileSync(path.join(out, 'results', 'families.json'), 'utf8')) as FamiliesJson;

describe.runIf(HAVE_REDIS)('study --queue (real Redis, 2 real workers)', () => {
  const fx = useStudyQueue('scalewise-study-queue-');

  it('trains every run on the workers; runs, fits and answers equal the local study to 1e-6; a resubmission trains nothing', async () => {
    const { root, artifacts, redis, workers } = fx;
    const localOut = path.join(root, 'local');
    const queuedOut = path.join(root, 'queued');
    // --lr-extensions 1: a sweep won by an end of the grid adds one LR past it, here and on the workers alike.
    const local = await runStudy(studyArgs(localOut, '--lr-extensions', '1'));
    reuseStages(localOut, queuedOut);
    const queued = await runStudy(studyArgs(queuedOut, '--queue', redis.url, '--lr-extensions', '1'));

    // Every run went through the queue, over both workers; the progress said who trained what.
    expect(queued.stderr).toMatch(/\[families\] started/);
    expect(queued.stderr).toMatch(/\[queue\] \d+\/\d+ runs .*running \d+/);
    const l = families(localOut);
    const q = families(queuedOut);
    const runs = l.families.flatMap((f) => f.runs).length;
    const status = await queueStatus(parseQueueUrl(redis.url));
    expect(status.counts).toMatchObject({ failed: 0, running: 0, waiting: 0 });
    expect(status.counts.finished).toBeGreaterThanOrEqual(runs);
    for (const name of WORKER_NAMES)
      expect(
        status.finished.some((f) => f.worker === name),
        `${name} trained runs`,
      ).toBe(true);

    // Same runs, same losses and intervals, same chosen LR, same fits and comparisons.
    let worst = 0;
    const close = (a: number, b: number, what: string) => {
      worst = Math.max(worst, Math.abs(a - b));
      expect(Math.abs(a - b), what).toBeLessThan(1e-6);
    };
    expect(q.families.map((f) => f.name)).toEqual(l.families.map((f) => f.name));
    // Each sweep is the grid plus one LR past the grid's winning end, if an end won (0.01 → 0.033, 0.001 → 0.00033).
    for (const f of l.families) {
      const grid = f.lr_sweep.filter((s) => [1e-3, 3e-3, 1e-2].includes(s.lr));
      const gridBest = grid.reduce((a, b) => (b.val_loss_nats < a.val_loss_nats ? b : a)).lr;
      const added = gridBest === 1e-2 ? [0.033] : gridBest === 1e-3 ? [0.00033] : [];
      expect(f.lr_sweep.map((s) => s.lr)).toEqual([...grid.map((s) => s.lr), ...added].sort((a, b) => a - b));
    }
    // The tiny plan's 20-step runs favour the largest LR: the extension ran (and said so).
    expect(l.families.some((f) => f.lr_sweep.length === 4)).toBe(true);
    expect(local.stderr).toMatch(/the best LR, 0\.01, is the high end of the sweep: adding 0\.033/);
    for (const [i, lf] of l.families.entries()) {
      const qf = q.families[i]!;
      expect(qf.lr).toBe(lf.lr);
      expect(qf.lr_sweep).toEqual(lf.lr_sweep.map((s) => expect.objectContaining({ lr: s.lr })));
      expect(qf.runs.map((r) => r.id)).toEqual(lf.runs.map((r) => r.id));
      for (const [j, lr] of lf.runs.entries()) {
        const qr = qf.runs[j]!;
        expect(qr).toMatchObject({ seed: lr.seed, steps: lr.steps, tokens: lr.tokens, params_non_embedding: lr.params_non_embedding });
        for (const key of ['val_loss_nats', 'val_bpb', 'final_train_loss'] as const) close(qr[key], lr[key], `${lr.id} ${key}`);
        close(qr.val_loss_ci[0], lr.val_loss_ci[0], `${lr.id} ci`);
        close(qr.val_loss_ci[1], lr.val_loss_ci[1], `${lr.id} ci`);
      }
      for (const form of ['power', 'saturating'] as const)
        for (const [k, v] of Object.entries(lf.fits[form].params)) close(qf.fits[form].params[k]!, v, `${lf.name} ${form} ${k}`);
    }
    for (const [i, c] of l.comparisons.entries()) close(q.comparisons[i]!.exponent_diff, c.exponent_diff, `${c.a} vs ${c.b}`);
    // Trained in the workers' shared folder (the study's own run records say where), not in the study's.
    const records = readFileSync(path.join(queuedOut, 'families', 'results.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(records).toHaveLength(runs + l.families.reduce((n, f) => n + f.lr_sweep.length - 1, 0));
    for (const line of records) expect((JSON.parse(line) as { out_dir: string }).out_dir.startsWith(artifacts), line).toBe(true);
    expect((JSON.parse(queued.stdout) as { answers: string[] }).answers).toEqual(
      (JSON.parse(local.stdout) as { answers: string[] }).answers,
    );
    console.log(`study --queue: ${runs} runs; largest |difference| vs the local study (losses, intervals, fits) = ${worst}`);

    // Resubmitted into a new folder: every run is taken from the queue's results, none trained again.
    const before = workers.map((w) => w.output().stderr.match(/attempt \d+, /g)?.length ?? 0);
    const againOut = path.join(root, 'again');
    reuseStages(localOut, againOut);
    await runStudy(studyArgs(againOut, '--queue', redis.url, '--lr-extensions', '1'));
    expect(workers.map((w) => w.output().stderr.match(/attempt \d+, /g)?.length ?? 0)).toEqual(before);
    expect(families(againOut).families.flatMap((f) => f.runs.map((r) => r.val_loss_nats))).toEqual(
      q.families.flatMap((f) => f.runs.map((r) => r.val_loss_nats)),
    );
  }, 900_000);
});

reportMissingRedis('study --queue', 'the study queue test');
