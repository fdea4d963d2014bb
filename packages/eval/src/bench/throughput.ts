import { EvalInputError } from '../errors.js';
import { checkPositions, type CausalLM } from '../lm.js';
import { sampleSd } from '../ppl/bootstrap.js';
import { createRng, type Rng } from '@scalewise/core';

export interface ThroughputOptions {
  /** Prompt tokens of the pp test (default 512; 0 skips it). */
  pp?: number;
  /** Generated tokens of the tg test, one forward pass each with a KV cache (default 128; 0 skips it). */
  tg?: number;
  /** Timed repetitions (default 5). */
  reps?: number;
  seed?: number;
  /** Called after each repetition. */
  onProgress?: (test: 'pp' | 'tg', rep: number, reps: number) => void;
}

/** One llama-bench test: mean ± sample sd of per-repetition tokens/s. */
export interface SpeedStats {
  /** Mean tokens per second over repetitions. */
  avg_ts: number;
  /** Sample standard deviation (n − 1) of tokens per second. */
  stddev_ts: number;
  samples_ts: number[];
  /** Mean milliseconds per token (1000 / avg_ts of each repetition, averaged). */
  avg_ms_per_token: number;
  samples_ns: number[];
  /** KV-cache bytes at the end of the test (its depth). */
  kv_cache_bytes: number;
  /**
   * Process CPU time (user + system, all threads) per token, ms: unlike wall time it barely changes when other
   * processes share the CPUs, so wall ms/token on an idle machine with t threads is about this ÷ t or more.
   */
  cpu_ms_per_token: number;
}

export interface ThroughputResult {
  pp: (SpeedStats & { n_prompt: number }) | null;
  tg: (SpeedStats & { n_gen: number }) | null;
  reps: number;
}

export function randomIds(n: number, vocab: number, rand: Rng): Int32Array {
  return Int32Array.from({ length: n }, () => Math.floor(rand.next() * vocab));
}

export interface Run {
  ns: number;
  cpuUs: number;
  kv: number;
}

export function stats(runs: Run[], tokens: number): SpeedStats {
  const ns = runs.map((r) => r.ns);
  const ts = ns.map((t) => (tokens * 1e9) / t);
  return {
    avg_ts: ts.reduce((a, b) => a + b, 0) / ts.length,
    stddev_ts: sampleSd(ts),
    samples_ts: ts,
    avg_ms_per_token: ns.reduce((a, t) => a + t / 1e6 / tokens, 0) / ns.length,
    samples_ns: ns,
    kv_cache_bytes: runs.at(-1)?.kv ?? 0,
    cpu_ms_per_token: runs.reduce((a, r) => a + r.cpuUs / 1000 / tokens, 0) / runs.length,
  };
}

async function timePrompt(lm: CausalLM, n: number, rand: Rng): Promise<Run> {
  const ids = randomIds(n, lm.info.vocabSize, rand);
  const session = lm.startDecode();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await session.feed(ids);
  const ns = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  return { ns, cpuUs: used.user + used.system, kv: session.cacheBytes() };
}

/** One tg repetition: `n` random tokens, one forward pass each, from an empty cache. */
export async function timeGen(lm: CausalLM, n: number, rand: Rng): Promise<Run> {
  const ids = randomIds(n, lm.info.vocabSize, rand);
  const session = lm.startDecode();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await session.feed(ids.subarray(i, i + 1));
  const ns = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  return { ns, cpuUs: used.user + used.system, kv: session.cacheBytes() };
}

/**
 * llama-bench protocol: random token ids, one untimed warm-up (a pp run and a 1-token tg run, as llama-bench does),
 * then `reps` timed repetitions of pp (one forward pass over the prompt from an empty cache) and tg
 * (n tokens, one forward pass each, growing the KV cache from empty).
 */
export async function benchThroughput(lm: CausalLM, options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const pp = options.pp ?? 512;
  const tg = options.tg ?? 128;
  const reps = options.reps ?? 5;
  for (const [name, v] of [
    ['pp', pp],
    ['tg', tg],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new EvalInputError(`--${name} must be a non-negative integer, found ${v}`);
  }
  if (pp === 0 && tg === 0) throw new EvalInputError('--pp and --tg are both 0: nothing to measure');
  if (!Number.isInteger(reps) || reps < 1) throw new EvalInputError(`repetitions must be a positive integer, found ${reps}`);
  if (pp > 0) checkPositions(lm.info, pp, '--pp');
  if (tg > 0) checkPositions(lm.info, tg, '--tg');
  const rand = createRng(options.seed ?? 42);
  if (pp > 0) await timePrompt(lm, pp, rand);
  if (tg > 0) await timeGen(lm, 1, rand);
  const ppRuns: Run[] = [];
  const tgRuns: Run[] = [];
  for (let r = 0; r < reps && pp > 0; r++) {
    ppRuns.push(await timePrompt(lm, pp, rand));
    options.onProgress?.('pp', r + 1, reps);
  }
  for (let r = 0; r < reps && tg > 0; r++) {
    tgRuns.push(await timeGen(lm, tg, rand));
    options.onProgress?.('tg', r + 1, reps);
  }
  return {
    pp: pp > 0 ? { n_prompt: pp, ...stats(ppRuns, pp) } : null,
    tg: tg > 0 ? { n_gen: tg, ...stats(tgRuns, tg) } : null,
    reps,
  };
}
