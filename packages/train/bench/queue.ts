/**
 * Queue benchmark: wall time of one sweep trained locally (runSweep), on 1 and on 2 queue workers (separate
 * processes, BullMQ on a private redis-server), and the queue's overhead per job: enqueue → start (for the first
 * job each idle worker took) and finish → collected. Writes bench-results/queue.json.
 *   node --conditions=@scalewise/source --import tsx bench/queue.ts        (needs redis-server on PATH)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep } from '../src/index.js';
import { cleanQueue, parseQueueUrl, runQueuedSweep, type QueuedSweepOutcome } from '../src/queue/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'scalewise-bench-queue-'));
process.env.SCALEWISE_CACHE = join(root, 'cache');
const corpus = join(root, 'corpus');
mkdirSync(corpus);
for (let f = 0; f < 40; f++)
  writeFileSync(join(corpus, `d${f}.txt`), `document ${f}: the quick brown fox jumps over the lazy dog ${f % 7} times.\n`.repeat(3));
const model = (name: string, dim: number) => ({
  name,
  vocabSize: 259,
  dim,
  layers: 1,
  heads: 2,
  kvHeads: 1,
  headDim: dim / 2,
  ffnHidden: 32,
  maxPositions: 64,
});
const RUNS = Number(process.env.BENCH_QUEUE_RUNS ?? 8);
const spec = {
  training: { data: { corpus, seq: 16 }, batchSize: 4, optimizer: { lr: 0.01 }, eval: { batches: 1 }, peakGflops: 1 },
  models: Array.from({ length: RUNS / 2 }, (_, i) => model(`b${i}`, 8 + 8 * (i % 3))),
  budgets: [{ tokens: 6_400 }, { tokens: 12_800 }],
};

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const redis = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', root],
  { stdio: 'ignore' },
);
const target = parseQueueUrl(`redis://127.0.0.1:${port}`);
const procs: ChildProcess[] = [];

function startWorkerProcess(name: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@scalewise/source', '--import', 'tsx', join(here, 'queue-worker.ts'), target.display, name],
    { cwd: join(here, '..'), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  procs.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`worker ${name} not ready in 120 s: ${err}`)), 120_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)]!;
};

async function queued(workers: number): Promise<{ wall_s: number; outcome: QueuedSweepOutcome }> {
  await cleanQueue(target, { all: true });
  const started = await Promise.all(Array.from({ length: workers }, (_, i) => startWorkerProcess(`bench-${workers}-${i}`)));
  const t0 = performance.now();
  const outcome = await runQueuedSweep(spec, { target, outDir: join(root, `queue-${workers}`), pollMs: 200 });
  const wall = (performance.now() - t0) / 1000;
  for (const w of started) w.kill('SIGTERM');
  await Promise.all(started.map((w) => new Promise((resolve) => (w.exitCode === null ? w.once('exit', resolve) : resolve(null)))));
  if (outcome.failed.length > 0) throw new Error(`bench sweep failed: ${JSON.stringify(outcome.failed)}`);
  return { wall_s: wall, outcome };
}

// The machine may be shared: the load before and after says how far to trust the wall times.
const loadBefore = loadavg();
try {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const t0 = performance.now();
  await runSweep(spec, { outDir: join(root, 'local') });
  const local = (performance.now() - t0) / 1000;
  const one = await queued(1);
  const two = await queued(2);
  const firstPickups = (o: QueuedSweepOutcome): number[] => {
    const byWorker = new Map<string, number>();
    for (const [i, run] of o.runs.entries()) {
      const e = o.overhead_ms[i]!.enqueue_to_start;
      if (e !== null) byWorker.set(run.worker, Math.min(byWorker.get(run.worker) ?? Infinity, e));
    }
    return [...byWorker.values()];
  };
  const collected = [...one.outcome.overhead_ms, ...two.outcome.overhead_ms]
    .map((o) => o.finish_to_collected)
    .filter((x): x is number => x !== null);
  const out = {
    note:
      'shared 2-vCPU machine, noisy; wall times include enqueue and collection, not worker start-up (workers are started and ' +
      'ready before the clock starts)',
    cpus: cpus().length,
    loadavg_before: loadBefore,
    loadavg_after: loadavg(),
    runs: RUNS,
    tokens_per_run: spec.budgets.map((b) => b.tokens),
    wall_s: { local: local, workers_1: one.wall_s, workers_2: two.wall_s },
    speedup_2_vs_1: one.wall_s / two.wall_s,
    queue_cost_per_job_s: (one.wall_s - local) / RUNS,
    overhead_ms: {
      enqueue_to_start_idle_worker: [...firstPickups(one.outcome), ...firstPickups(two.outcome)],
      finish_to_collected_median: median(collected),
      finish_to_collected_max: Math.max(...collected),
    },
  };
  const file = join(here, '..', 'bench-results', 'queue.json');
  mkdirSync(dirname(file), { recursive: true });
  writeJsonAtomicSync(file, out);
  console.log(JSON.stringify(out, null, 2));
} finally {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  redis.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
