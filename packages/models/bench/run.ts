/**
 * Reference forward pass throughput (pure TypeScript, Float32Array, one thread):
 * - prefill: forward() over T tokens, tokens/s and achieved GFLOP/s (exact matmul FLOPs from flopsPerToken);
 * - decode: createDecoder().step() one token at a time with the KV cache, tokens/s;
 * for byte-level ladder models (vocab 259) of ~100k, 1M and 10M params, plus MobileLLM-125M (short runs).
 * Protocol as llama-bench: one untimed warm-up, then REPS repetitions; mean ± sample sd of tokens/s.
 * Run: pnpm bench (from packages/models), or BENCH_REPS=3 pnpm bench. Writes bench-results/models.json.
 * Timings are noisy when other processes share the CPU.
 */
import { mkdirSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  createDecoder,
  flopsPerToken,
  forward,
  generateLadder,
  getPreset,
  initWeights,
  paramCounts,
  type ModelConfig,
} from '../src/index.js';

const REPS = Number(process.env.BENCH_REPS ?? 5);

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

/** Per-repetition rates by wall clock and by this process's CPU time (less sensitive to a shared CPU). */
function rates(reps: number, units: number, fn: () => void): { wall: number[]; cpu: number[] } {
  fn(); // untimed warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(units / ((performance.now() - t0) / 1000));
    const used = process.cpuUsage(c0);
    cpu.push(units / ((used.user + used.system) / 1e6));
  }
  return { wall, cpu };
}

const cases: { config: ModelConfig; prefill: number; decode: number; reps: number }[] = [
  ...generateLadder([1e5, 1e6, 1e7], { vocabSize: 259, namePrefix: 'bytes' }).map((r, i) => ({
    config: r.config,
    prefill: 256,
    decode: 64,
    reps: i === 2 ? Math.min(REPS, 3) : REPS,
  })),
  { config: getPreset('mobilellm-125m'), prefill: 16, decode: 4, reps: Math.min(REPS, 2) },
];

const results = [];
for (const { config, prefill, decode, reps } of cases) {
  const weights = initWeights(config, 1);
  const tokens = Int32Array.from({ length: prefill }, (_, i) => (i * 7919 + 13) % config.vocabSize);
  const pp = rates(reps, prefill, () => forward(config, weights, tokens));
  const tg = rates(reps, decode, () => {
    const dec = createDecoder(config, weights);
    for (let i = 0; i < decode; i++) dec.step(tokens[i % prefill]!);
  });
  const flops = flopsPerToken(config, prefill).forward.total;
  const ppStats = meanSd(pp.wall);
  const ppCpu = meanSd(pp.cpu);
  const row = {
    model: config.name,
    params_total: paramCounts(config).total,
    shape: {
      dim: config.dim,
      layers: config.layers,
      heads: config.heads,
      kvHeads: config.kvHeads,
      ffnHidden: config.ffnHidden,
      vocab: config.vocabSize,
    },
    prefill_tokens: prefill,
    prefill_tokens_per_s: ppStats,
    prefill_gflop_per_s: (ppStats.mean * flops) / 1e9,
    prefill_tokens_per_cpu_s: ppCpu,
    prefill_gflop_per_cpu_s: (ppCpu.mean * flops) / 1e9,
    decode_tokens: decode,
    decode_tokens_per_s: meanSd(tg.wall),
    decode_tokens_per_cpu_s: meanSd(tg.cpu),
    repetitions: reps,
  };
  results.push(row);
  console.log(
    `${config.name.padEnd(22)} ${String(row.params_total).padStart(10)} params  pp${prefill}: ${ppStats.mean.toFixed(1)} ± ` +
      `${ppStats.sd.toFixed(1)} tok/s ` +
      `(${row.prefill_gflop_per_s.toFixed(2)} GFLOP/s; per CPU-s ${ppCpu.mean.toFixed(1)} tok, ` +
      `${row.prefill_gflop_per_cpu_s.toFixed(2)} GFLOP)  ` +
      `tg${decode}: ${row.decode_tokens_per_s.mean.toFixed(1)} ± ${row.decode_tokens_per_s.sd.toFixed(1)} tok/s (per CPU-s ` +
      `${row.decode_tokens_per_cpu_s.mean.toFixed(1)})`,
  );
}

const out = {
  bench: 'models reference forward (TypeScript, fp32 storage, float64 accumulation, one thread)',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  note:
    'one untimed warm-up, then repetitions; mean ± sample sd; *_per_s by wall clock (noisy when the CPU is shared), *_per_cpu_s ' +
    'by process CPU time',
  load_average: loadavg(),
  results,
};
const dir = join(import.meta.dirname, '..', 'bench-results');
mkdirSync(dir, { recursive: true });
const path = join(dir, 'models.json');
writeJsonAtomicSync(path, out);
console.log(`wrote ${path}`);
