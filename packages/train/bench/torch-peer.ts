/**
 * Native engine against PyTorch on the same model (BENCH_MODEL of bench/native.ts): training tokens/s of a whole
 * step (zero grads, forward, backward, AdamW) at the same thread counts, alternating scalewise and torch within each
 * round so that both sides see the same (shared, drifting) machine load. The torch side is tools/bench/torch_train.py,
 * run by TORCH_PEER_PYTHON; when that Python cannot `import torch` the bench writes `skipped` and exits 0.
 *
 *   pnpm --filter @scalewise/train bench:torch
 *   env: TORCH_PEER_PYTHON (/usr/bin/python3), TORCH_PEER_THREADS ("1,2"), TORCH_PEER_ROUNDS (4),
 *        TORCH_PEER_STEPS (2 timed steps per side per round), TORCH_PEER_OUT (bench-results/torch-peer.json)
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { paramCounts } from '@scalewise/models';
import { writeJsonAtomicSync as writeJsonAtomic } from '@scalewise/core/node';
import { NativeEngine } from '../src/native/index.js';
import { BENCH_MODEL, stepper, syntheticBatch } from './native.js';
import { benchWeights, median } from './native-util.js';

const PYTHON = process.env.TORCH_PEER_PYTHON ?? '/usr/bin/python3';
const THREADS = (process.env.TORCH_PEER_THREADS ?? '1,2').split(',').map(Number);
const ROUNDS = Number(process.env.TORCH_PEER_ROUNDS ?? 4);
const STEPS = Number(process.env.TORCH_PEER_STEPS ?? 2);
const BATCH = 16;
const SEQ = 256;
const OUT = process.env.TORCH_PEER_OUT ?? join(import.meta.dirname, '..', 'bench-results', 'torch-peer.json');
const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'tools', 'bench', 'torch_train.py');

// These two slow OpenBLAS down on this machine (the torch build links libblas.so.3 = OpenBLAS): unset for the child only.
const childEnv = { ...process.env };
delete childEnv.OPENBLAS_CORETYPE;
delete childEnv.OPENBLAS_L2_SIZE;

interface TorchRun {
  torch: string;
  threads: number;
  blas: unknown;
  params: number;
  secondsPerStep: number[];
  tokensPerSecond: number[];
  medianTokensPerSecond: number;
}

const load = () => ({ uptime: execFileSync('uptime', { encoding: 'utf8' }).trim(), loadavg: loadavg() });

async function torchRun(threads: number): Promise<TorchRun> {
  const c = BENCH_MODEL;
  const args = [SCRIPT, '--threads', threads, '--steps', STEPS, '--warmup', 1, '--vocab', c.vocabSize, '--dim', c.dim];
  args.push('--layers', c.layers, '--heads', c.heads, '--kv-heads', c.kvHeads, '--head-dim', c.headDim, '--ffn', c.ffnHidden);
  args.push('--batch', BATCH, '--seq', SEQ);
  const { stdout } = await promisify(execFile)(PYTHON, args.map(String), { env: childEnv, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as TorchRun;
}

async function main(): Promise<void> {
  const before = load();
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { env: childEnv, encoding: 'utf8' });
  if (probe.status !== 0) {
    const reason = `${PYTHON} -c 'import torch' failed: ${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()}`;
    writeJsonAtomic(OUT, { benchmark: 'native engine vs PyTorch', date: new Date().toISOString(), skipped: reason, load: before });
    console.log(`skipped: ${reason}; wrote ${OUT}`);
    return;
  }
  const config = BENCH_MODEL;
  const tokens = BATCH * SEQ;
  const scalewiseParams = paramCounts(config).total;
  const batch = syntheticBatch(config, BATCH, SEQ, 7);
  const sides = new Map<number, { step: () => Promise<{ seconds: number }>; dispose: () => Promise<void> }>();
  for (const t of THREADS) {
    const engine = new NativeEngine(config, { threads: t });
    const step = stepper(engine, config, benchWeights(config), batch);
    await step(); // untimed warm-up: builds the session
    sides.set(t, { step, dispose: () => engine.dispose() });
  }
  const rows = THREADS.map((threads) => ({
    threads,
    scalewise: [] as number[],
    torch: [] as number[],
    pairRatios: [] as number[],
    openblasThreads: [] as unknown[],
  }));
  let torchInfo: TorchRun | undefined;
  for (let r = 0; r < ROUNDS; r++)
    for (const row of rows) {
      const sw: number[] = [];
      for (let i = 0; i < STEPS; i++) sw.push(tokens / (await sides.get(row.threads)!.step()).seconds);
      const tr = await torchRun(row.threads);
      if (tr.params !== scalewiseParams) throw new Error(`parameter counts differ: scalewise ${scalewiseParams}, torch ${tr.params}`);
      torchInfo = tr;
      row.scalewise.push(...sw);
      row.torch.push(...tr.tokensPerSecond);
      row.pairRatios.push(median(sw) / tr.medianTokensPerSecond);
      row.openblasThreads.push((tr.blas as { openblasThreads?: number }).openblasThreads);
      console.log(
        `round ${r + 1}, ${row.threads} thread(s): scalewise ${sw.map((x) => x.toFixed(0)).join('/')} tokens/s, ` +
          `torch ${tr.tokensPerSecond.map((x) => x.toFixed(0)).join('/')} tokens/s (load ${loadavg()[0]!.toFixed(2)})`,
      );
    }
  for (const s of sides.values()) await s.dispose();
  const after = load();
  const results = rows.map((row) => {
    const scalewise = median(row.scalewise);
    const torch = median(row.torch);
    return {
      threads: row.threads,
      scalewise: { medianTokensPerSecond: scalewise, tokensPerSecond: row.scalewise },
      torch: { medianTokensPerSecond: torch, tokensPerSecond: row.torch, openblasThreads: row.openblasThreads },
      ratio: scalewise / torch,
      medianPairedRatio: median(row.pairRatios),
      pairedRatios: row.pairRatios,
    };
  });
  for (const r of results)
    console.log(
      `${r.threads} thread(s): scalewise ${r.scalewise.medianTokensPerSecond.toFixed(0)} tokens/s, torch ` +
        `${r.torch.medianTokensPerSecond.toFixed(0)} tokens/s: ${r.ratio.toFixed(2)}× (paired median ${r.medianPairedRatio.toFixed(2)}×)`,
    );
  writeJsonAtomic(OUT, {
    benchmark: 'native engine vs PyTorch',
    note:
      'Tokens/s of a whole training step (zero grads, forward, backward, AdamW), fp32, same model and batch; per round and thread ' +
      `count, ${STEPS} scalewise steps then a torch process (1 untimed warm-up + ${STEPS} steps), alternating. ratio = median ` +
      'scalewise / median torch; pairedRatios = per round. The machine is shared with other processes: see load.',
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    node: process.version,
    python: PYTHON,
    torch: torchInfo?.torch,
    blas: torchInfo?.blas, // of the last torch process; openblasThreads per row under results[].torch
    unsetForTorch: ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'],
    model: { ...config, params: scalewiseParams, torchParams: torchInfo?.params },
    batch: BATCH,
    seq: SEQ,
    tokensPerStep: tokens,
    rounds: ROUNDS,
    stepsPerRound: STEPS,
    results,
    load: { before, after },
  });
  console.log(`params: scalewise ${scalewiseParams}, torch ${torchInfo?.params}; wrote ${OUT}`);
}

await main();
