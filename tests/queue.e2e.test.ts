import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults, runSweep, type SweepRow } from '@scalewise/train';
import { queueStatus, parseQueueUrl } from '@scalewise/train/queue';
import { runCli, startCli, type BackgroundCli } from './helpers.js';
import { tinyModel as model, writeTinyCorpus } from './queue-fixtures.js';
import { redisAvailable, reportMissingRedis, startRedis, type TestRedis } from './redis.js';

// Real redis-server, real worker processes started through the CLI. Under CI=true a missing redis-server fails.
const HAVE_REDIS = redisAvailable();
const STALL = '3'; // seconds: a killed worker's job is re-delivered after this (plus one stalled check)

const root = mkdtempSync(path.join(tmpdir(), 'scalewise-queue-'));
const corpus = path.join(root, 'corpus');
const artifacts = path.join(root, 'artifacts');
const training = {
  data: { corpus, seq: 16 },
  batchSize: 2,
  optimizer: { lr: 0.01 },
  eval: { batches: 1 },
  peakGflops: 1,
  checkpoint: { every: 20 },
};
const specs = {
  six: {
    name: 'six',
    training,
    models: [model('q-a', 8), model('q-b', 16), model('q-c', 24)],
    budgets: [{ tokens: 320 }, { tokens: 640 }],
  },
  // One run long enough (~600 steps) to be killed mid-way.
  long: { name: 'long', training, models: [model('q-long', 16)], budgets: [{ tokens: 19_200 }] },
  long2: { name: 'long2', training: { ...training, seed: 1 }, models: [model('q-long2', 16)], budgets: [{ tokens: 19_200 }] },
  long3: { name: 'long3', training: { ...training, seed: 2 }, models: [model('q-long3', 16)], budgets: [{ tokens: 19_200 }] },
  // vocabSize below the byte tokenizer's 259: valid spec, fails on every worker at training time.
  poisoned: {
    name: 'poisoned',
    training,
    models: [model('q-ok', 8), model('q-poison', 8, 200), model('q-ok2', 16)],
    budgets: [{ tokens: 320 }],
  },
};

let redis: TestRedis;
let url = '';
const workers: BackgroundCli[] = [];
let oldCache: string | undefined;

function startWorker(name: string): BackgroundCli {
  const w = startCli(['worker', '--queue', url, '--name', name, '--artifacts', artifacts, '--stall-timeout', STALL]);
  workers.push(w);
  return w;
}

function specFile(name: keyof typeof specs): string {
  const file = path.join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(specs[name]));
  return file;
}

async function localRows(name: keyof typeof specs): Promise<SweepRow[]> {
  return (await runSweep(specs[name], { outDir: path.join(root, `local-${name}`) })).rows;
}

/** Final losses of a queued sweep equal those of the local sweep, run by run, to 1e-6 (returns the largest difference). */
function expectSameLosses(queued: SweepRow[], local: SweepRow[]): number {
  expect(queued.map((r) => r.id).sort()).toEqual(local.map((r) => r.id).sort());
  let worst = 0;
  for (const l of local) {
    const q = queued.find((r) => r.id === l.id)!;
    for (const key of ['final_train_loss', 'val_loss', 'val_bpb'] as const) {
      worst = Math.max(worst, Math.abs(q[key] - l[key]));
      expect(Math.abs(q[key] - l[key]), `${l.id} ${key}`).toBeLessThan(1e-6);
    }
    expect(q).toMatchObject({
      params_total: l.params_total,
      tokens: l.tokens,
      flops: l.flops,
      manifest_hash: l.manifest_hash,
      config_hash: l.config_hash,
    });
  }
  return worst;
}

interface SweepJson {
  jobs: number;
  ran: number;
  skipped: number;
  enqueued: number;
  failed: Array<{ id: string; reason: string; attempts: number }>;
  rows: SweepRow[];
  runs: Array<{ id: string; worker: string; attempt: number; resumed_from_step: number | null; artifacts: string }>;
}

async function waitForCheckpoint(timeoutMs: number, runs = path.join(artifacts, 'runs')): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const dir of existsSync(runs) ? readdirSync(runs) : []) {
      const ckpts = path.join(runs, dir, 'checkpoints');
      if (existsSync(ckpts) && readdirSync(ckpts).some((n) => n.startsWith('step-')) && !existsSync(path.join(runs, dir, 'result.json')))
        return dir;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no checkpoint of a running job within ${timeoutMs} ms`);
}

describe.runIf(HAVE_REDIS)('sweep on a BullMQ queue (real Redis, real workers)', () => {
  beforeAll(async () => {
    oldCache = process.env.SCALEWISE_CACHE;
    process.env.SCALEWISE_CACHE = path.join(root, 'cache');
    writeTinyCorpus(corpus);
    redis = await startRedis();
    url = redis.url;
    await Promise.all([startWorker('w1'), startWorker('w2')].map((w) => w.waitFor(/ready/, 60_000)));
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await redis?.stop();
    if (oldCache === undefined) delete process.env.SCALEWISE_CACHE;
    else process.env.SCALEWISE_CACHE = oldCache;
    rmSync(root, { recursive: true, force: true });
  });

  it('trains 6 runs over 2 workers with the same results as a local sweep; resubmission never duplicates work', async () => {
    const out = path.join(root, 'q-six');
    const first = runCli(['sweep', '--spec', specFile('six'), '--queue', url, '--out', out, '--json'], { timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as SweepJson;
    expect(summary).toMatchObject({ jobs: 6, ran: 6, enqueued: 6, failed: [] });
    expect(new Set(summary.runs.map((r) => r.worker))).toEqual(new Set(['w1', 'w2']));
    expectSameLosses(readResults(path.join(out, 'results.jsonl')), await localRows('six'));

    // Same spec, new folder: nothing enqueued, all 6 rows taken from the queue's results.
    const again = runCli(['sweep', '--spec', specFile('six'), '--queue', url, '--out', path.join(root, 'q-six-2'), '--json'], {
      timeoutMs: 120_000,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ jobs: 6, ran: 6, enqueued: 0 });
    const status = await queueStatus(parseQueueUrl(url));
    expect(status.counts).toMatchObject({ finished: 6, failed: 0, running: 0, waiting: 0 });
    expect(status.workers).toEqual(['w1', 'w2']);
  }, 180_000);

  it('kill -9 of the worker training a run: the job is re-delivered, resumes from its checkpoint, same losses', async () => {
    const sweep = startCli(['sweep', '--spec', specFile('long'), '--queue', url, '--out', path.join(root, 'q-long'), '--json']);
    const jobDir = await waitForCheckpoint(90_000);
    const owner = workers.find((w) => w.output().stderr.includes(`(${jobDir}) attempt 1`));
    expect(owner, 'the worker that took the job').toBeDefined();
    owner!.child.kill('SIGKILL');
    expect(await owner!.exited(10_000)).toBe('SIGKILL');
    startWorker('w3'); // a replacement, as an operator would start one
    expect(await sweep.exited(120_000), sweep.output().stderr).toBe(0);
    const summary = JSON.parse(sweep.output().stdout) as SweepJson;
    expect(summary.runs).toHaveLength(1);
    const run = summary.runs[0]!;
    expect(run.attempt).toBeGreaterThanOrEqual(2);
    expect(run.resumed_from_step).toBeGreaterThan(0);
    expect(run.artifacts).toBe('shared');
    const worst = expectSameLosses(summary.rows, await localRows('long'));
    console.log(
      `kill -9 test: resumed at step ${run.resumed_from_step} on ${run.worker}; largest |loss difference| vs local sweep = ${worst}`,
    );
  }, 240_000);

  it('a poisoned run fails after bounded attempts with its error in the summary and status; the others finish', async () => {
    const out = path.join(root, 'q-poisoned');
    const r = runCli(['sweep', '--spec', specFile('poisoned'), '--queue', url, '--out', out, '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(r.stdout) as SweepJson;
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]).toMatchObject({ attempts: 3 });
    expect(summary.failed[0]!.id).toMatch(/^q-poison-/);
    expect(summary.failed[0]!.reason).toMatch(/vocabSize 200/);
    expect(r.stderr).toMatch(/1 run\(s\) failed: q-poison-/);
    // Only whole rows, only of the runs that finished.
    expect(
      readResults(path.join(out, 'results.jsonl'))
        .map((row) => row.model)
        .sort(),
    ).toEqual(['q-ok', 'q-ok2']);
    const status = runCli(['queue', 'status', '--queue', url, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const failed = (JSON.parse(status.stdout) as { failed: Array<{ id: string; reason: string }> }).failed;
    expect(failed.map((f) => f.id)).toEqual([summary.failed[0]!.id]);
    expect(failed[0]!.reason).toMatch(/vocabSize 200/);
  }, 180_000);

  it('SIGTERM of a worker: it checkpoints, hands the job back and exits 0; another worker finishes it', async () => {
    const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    expect(alive.length).toBeGreaterThanOrEqual(2);
    const sweep = startCli(['sweep', '--spec', specFile('long2'), '--queue', url, '--out', path.join(root, 'q-long2'), '--json']);
    const jobDir = await waitForCheckpoint(90_000);
    const owner = alive.find((w) => w.output().stderr.includes(`(${jobDir}) attempt 1`))!;
    expect(owner).toBeDefined();
    owner.child.kill('SIGTERM');
    expect(await owner.exited(30_000), owner.output().stderr).toBe(0);
    expect(owner.output().stderr).toMatch(/handed back at step \d+/);
    expect(await sweep.exited(120_000), sweep.output().stderr).toBe(0);
    const run = (JSON.parse(sweep.output().stdout) as SweepJson).runs[0]!;
    expect(run.worker).not.toBe(owner.output().stderr.match(/worker (\w+):/)?.[1]);
    expect(run.resumed_from_step).toBeGreaterThan(0);
    expectSameLosses((JSON.parse(sweep.output().stdout) as SweepJson).rows, await localRows('long2'));
  }, 240_000);

  it('without --artifacts, a job re-delivered after kill -9 restarts from scratch on the other worker, and says so', async () => {
    // Only workers without a shared folder from here on.
    const shared = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    for (const w of shared) w.child.kill('SIGTERM');
    await Promise.all(shared.map((w) => w.exited(30_000)));
    const local = ['l1', 'l2'].map((name) => {
      const cwd = path.join(root, `machine-${name}`);
      mkdirSync(cwd);
      const w = startCli(['worker', '--queue', url, '--name', name, '--stall-timeout', STALL], { cwd });
      workers.push(w);
      return { name, cwd, w };
    });
    await Promise.all(local.map((l) => l.w.waitFor(/ready/, 60_000)));
    const sweep = startCli(['sweep', '--spec', specFile('long3'), '--queue', url, '--out', path.join(root, 'q-long3'), '--json']);
    const owner = await Promise.any(
      local.map(async (l) => {
        await waitForCheckpoint(90_000, path.join(l.cwd, 'scalewise-out', `worker-${l.name}`, 'runs'));
        return l;
      }),
    );
    owner.w.child.kill('SIGKILL');
    expect(await sweep.exited(120_000), sweep.output().stderr).toBe(0);
    const summary = JSON.parse(sweep.output().stdout) as SweepJson;
    const run = summary.runs[0]!;
    expect(run).toMatchObject({ artifacts: 'local', resumed_from_step: null, worker: local.find((l) => l !== owner)!.name });
    expect(run.attempt).toBeGreaterThanOrEqual(2);
    expectSameLosses(summary.rows, await localRows('long3'));
  }, 240_000);

  it('queue clean removes finished and failed records, never the results files', async () => {
    const before = await queueStatus(parseQueueUrl(url));
    expect(before.counts.failed).toBe(1);
    const r = runCli(['queue', 'clean', '--queue', url, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ finished: before.counts.finished, failed: 1, waiting: 0 });
    expect((await queueStatus(parseQueueUrl(url))).counts).toMatchObject({ finished: 0, failed: 0 });
    expect(readResults(path.join(root, 'q-six', 'results.jsonl'))).toHaveLength(6);
  }, 60_000);
});

describe.runIf(HAVE_REDIS)('Redis configuration check', () => {
  it('refuses a Redis whose maxmemory-policy is not noeviction', async () => {
    const lru = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    try {
      const r = runCli(['queue', 'status', '--queue', lru.url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/maxmemory-policy 'allkeys-lru'.*noeviction/);
    } finally {
      await lru.stop();
    }
  }, 60_000);
});

reportMissingRedis('sweep on a BullMQ queue', 'the queue tests');
