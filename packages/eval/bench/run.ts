// Throughput and memory of random-weight MobileLLM exports (llama-bench protocol) against the memory-bandwidth
// bound and the original study's T4 figures. Writes bench-results/eval.json. Heavy: exports are cached under
// .cache/scalewise/models. SCALEWISE_BENCH_QUICK=1 runs a short version (pp 64, tg 16, 2 repetitions).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchReport,
  formatBenchReport,
  measureBandwidth,
  randomPresetFolder,
  runBenchIsolated,
  type BandwidthResult,
  type BenchReport,
  type BenchResult,
} from '../src/index.js';

const quick = process.env.SCALEWISE_BENCH_QUICK === '1';
const threads = Number(process.env.SCALEWISE_BENCH_THREADS ?? 2);
const presets = (process.env.SCALEWISE_BENCH_PRESETS ?? 'mobilellm-125m,mobilellm-350m').split(',');
const dtypes = (process.env.SCALEWISE_BENCH_DTYPES ?? 'fp32,int8').split(',') as Array<'fp32' | 'int8'>;
const protocol = quick ? { pp: 64, tg: 16, reps: 2 } : { pp: 512, tg: 128, reps: 5 };

// Bandwidth is measured before every run and at the end; other processes depress it, so the bound uses the
// best measurement of the session (the least pessimistic bound).
const bandwidths: BandwidthResult[] = [];
const results: Array<{ preset: string; result: BenchResult }> = [];
for (const preset of presets) {
  for (const dtype of dtypes) {
    bandwidths.push(await measureBandwidth({ threads }));
    const { dir, reused } = await randomPresetFolder(preset, { dtype });
    console.log(`== ${preset} ${dtype} (${reused ? 'cached' : 'exported'} ${dir})`);
    results.push({ preset, result: await runBenchIsolated({ model: dir, threads, spinning: false, ...protocol }) });
  }
}
bandwidths.push(await measureBandwidth({ threads }));
const best = bandwidths.reduce((a, b) => (b.bytes_per_second > a.bytes_per_second ? b : a));
console.log(
  `memory bandwidth: best ${(best.bytes_per_second / 1e9).toFixed(1)} GB/s (${best.method}); all: ` +
    `${bandwidths.map((b) => (b.bytes_per_second / 1e9).toFixed(1)).join(', ')} GB/s\n`,
);
const runs: BenchReport[] = results.map(({ preset, result }) => benchReport(result, { bandwidth: best, preset }));
for (const report of runs) console.log(formatBenchReport(report));
const out = {
  generated_at: new Date().toISOString(),
  protocol: { ...protocol, threads, warmup: 'one untimed pp run and one 1-token tg run', ids: 'random (seeded)' },
  bandwidth_best: best,
  bandwidth_all_bytes_per_second: bandwidths.map((b) => b.bytes_per_second),
  note: "Timings are noisy: the 2-CPU machine is shared with other processes (see each run's system.loadavg).",
  runs,
};
const dirOut = join(import.meta.dirname, '..', 'bench-results');
mkdirSync(dirOut, { recursive: true });
const file = join(dirOut, 'eval.json');
writeFileSync(`${file}.tmp`, `${JSON.stringify(out, null, 2)}\n`);
renameSync(`${file}.tmp`, file);
console.log(`\nwrote ${file}`);
