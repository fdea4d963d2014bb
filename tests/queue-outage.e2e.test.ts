import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepRow } from '@scalewise/train';
import { runCli, startCli, type BackgroundCli } from './helpers.js';
import { tinyModel as model, writeTinyCorpus } from './queue-fixtures.js';
import { freePort, redisAvailable, reportMissingRedis, startRedis, type TestRedis } from './redis.js';

// Redis going away under a running sweep and its workers (real redis-server, real worker processes). Under
// CI=true a missing redis-server fails (below) instead of skipping.
const HAVE_REDIS = redisAvailable();

const root = mkdtempSync(path.join(tmpdir(), 'scalewise-queue-outage-'));
const corpus = path.join(root, 'corpus');
const training = { data: { corpus, seq: 16 }, batchSize: 2, optimizer: { lr: 0.01 }, eval: { batches: 1 }, peakGflops: 1 };
// 4 runs of 100 steps: long enough for Redis to die while one is training.
const four = { name: 'four', training, models: [model('o-a', 8), model('o-b', 16)], budgets: [{ tokens: 3_200 }, { tokens: 4_800 }] };
// One run of 600 steps, for an outage that outlasts the sweep's patience.
const long = { name: 'long', training, models: [model('o-long', 16)], budgets: [{ tokens: 19_200 }] };

const procs: BackgroundCli[] = [];
const servers: TestRedis[] = [];
let oldCache: string | undefined;

function specFile(spec: object, name: string): string {
  const file = path.join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

function start(args: string[]): BackgroundCli {
  const p = startCli(args);
  procs.push(p);
  return p;
}

async function redis(extra: string[] = [], options: { persistent?: boolean } = {}): Promise<TestRedis> {
  const r = await startRedis(extra, options);
  servers.push(r);
  return r;
}

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe.runIf(HAVE_REDIS)('Redis outages (real Redis, real workers)', () => {
  beforeAll(() => {
    oldCache = process.env.SCALEWISE_CACHE;
    process.env.SCALEWISE_CACHE = path.join(root, 'cache');
    writeTinyCorpus(corpus);
  });

  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    for (const s of servers.splice(0)) await s.stop();
  });

  afterAll(() => {
    if (oldCache === undefined) delete process.env.SCALEWISE_CACHE;
    else process.env.SCALEWISE_CACHE = oldCache;
    rmSync(root, { recursive: true, force: true });
  });

  it('Redis killed mid-sweep and restarted: workers say they reconnect with backoff, the sweep completes as a local one', async () => {
    // Append-only file fsynced on every write: the restarted server has the queue as it was.
    const server = await redis([], { persistent: true });
    const artifacts = path.join(root, 'artifacts-1');
    const workers = ['o1', 'o2'].map((name) =>
      start(['worker', '--queue', server.url, '--name', name, '--artifacts', artifacts, '--stall-timeout', '30']),
    );
    await Promise.all(workers.map((w) => w.waitFor(/ready/, 60_000)));
    const out = path.join(root, 'q-four');
    const sweep = start(['sweep', '--spec', specFile(four, 'four'), '--queue', server.url, '--out', out, '--json']);
    await Promise.any(workers.map((w) => w.waitFor(/attempt 1, from scratch/, 60_000)));
    await server.signal('SIGKILL');
    const retry = new RegExp(`lost Redis at ${esc(`redis://127.0.0.1:${server.port}/0`)}; reconnecting \\(next try in [\\d.]+ s\\)`);
    await Promise.all(workers.map((w) => w.waitFor(retry, 30_000)));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await server.restart();
    expect(await sweep.exited(180_000), sweep.output().stderr).toBe(0);
    const summary = JSON.parse(sweep.output().stdout) as { jobs: number; ran: number; failed: unknown[]; rows: SweepRow[] };
    expect(summary).toMatchObject({ jobs: 4, ran: 4, failed: [] });
    const local = (await runSweep(four, { outDir: path.join(root, 'local-four') })).rows;
    expect(summary.rows.map((r) => r.id).sort()).toEqual(local.map((r) => r.id).sort());
    let worst = 0;
    for (const l of local) {
      const q = summary.rows.find((r) => r.id === l.id)!;
      for (const key of ['final_train_loss', 'val_loss', 'val_bpb'] as const) {
        worst = Math.max(worst, Math.abs(q[key] - l[key]));
        expect(Math.abs(q[key] - l[key]), `${l.id} ${key}`).toBeLessThan(1e-6);
      }
    }
    console.log(`Redis outage test: sweep completed after a restart; largest |loss difference| vs local sweep = ${worst}`);
  }, 300_000);

  it('Redis stays down: the sweep exits 1 within a bounded time naming the URL; a password is never printed', async () => {
    const server = await redis(['--requirepass', 'secret']);
    const url = `redis://:secret@127.0.0.1:${server.port}`;
    const shown = esc(`redis://***@127.0.0.1:${server.port}/0`);
    // A wrong password: refused at once, named without it.
    const wrong = runCli(['queue', 'status', '--queue', `redis://:wrongpass@127.0.0.1:${server.port}`], { timeoutMs: 30_000 });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`cannot reach Redis at ${shown}: .*WRONGPASS`));
    expect(wrong.stdout + wrong.stderr).not.toContain('wrongpass');

    const worker = start(['worker', '--queue', url, '--name', 'p1', '--artifacts', path.join(root, 'artifacts-2')]);
    await worker.waitFor(/ready/, 60_000);
    const status = runCli(['queue', 'status', '--queue', url]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`at ${shown}`));
    const sweep = start(['sweep', '--spec', specFile(long, 'long'), '--queue', url, '--out', path.join(root, 'q-long')]);
    await worker.waitFor(/attempt 1, from scratch/, 60_000);
    await server.signal('SIGKILL');
    const killed = Date.now();
    expect(await sweep.exited(90_000)).toBe(1);
    const waited = (Date.now() - killed) / 1000;
    const err = sweep.output().stderr;
    expect(err).toMatch(
      new RegExp(`lost Redis at ${shown}: no answer after 5 reconnection attempts .*run the same command again to collect them`),
    );
    await worker.waitFor(new RegExp(`lost Redis at ${shown}; reconnecting \\(next try in [\\d.]+ s\\)`), 30_000);
    for (const text of [err, sweep.output().stdout, worker.output().stderr, status.stdout, status.stderr])
      expect(text).not.toContain('secret');
    console.log(`Redis down for good: the sweep exited 1 after ${waited.toFixed(1)} s`);
  }, 180_000);

  it('nothing listening at the URL: sweep and study exit 1 at once naming it, and write nothing', async () => {
    const port = await freePort();
    const spec = specFile(four, 'four-dead');
    for (const url of [`redis://127.0.0.1:${port}`, `redis://:secret@127.0.0.1:${port}/2`]) {
      const out = path.join(root, `dead-${port}`);
      const started = Date.now();
      const r = runCli(['sweep', '--spec', spec, '--queue', url, '--out', out], { timeoutMs: 30_000 });
      expect(r.code).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000);
      const shown = url.includes('@') ? `redis://***@127.0.0.1:${port}/2` : `redis://127.0.0.1:${port}/0`;
      expect(r.stderr).toMatch(new RegExp(`cannot reach Redis at ${esc(shown)}: .*ECONNREFUSED`));
      expect(r.stdout + r.stderr).not.toContain('secret');
    }
    const studyOut = path.join(root, 'dead-study');
    const s = runCli(['study', '--quick', '--no-png', '--out', studyOut, '--queue', `redis://:secret@127.0.0.1:${port}`], {
      timeoutMs: 60_000,
    });
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(new RegExp(`cannot reach Redis at ${esc(`redis://***@127.0.0.1:${port}/0`)}`));
    expect(s.stderr).not.toMatch(/\[original\] started/);
    expect(s.stdout + s.stderr).not.toContain('secret');
    expect(existsSync(path.join(studyOut, 'study.json'))).toBe(false);
  }, 120_000);
});

reportMissingRedis('Redis outages', 'the queue outage tests');
