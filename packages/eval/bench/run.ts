// Decode and prefill speed of random-weight MobileLLM exports against the memory-bandwidth bound, with
// @huggingface/transformers and the wasm backend (WebAssembly SIMD matrix-vector kernels) on the same file side by
// side. Writes bench-results/eval.json. Heavy: exports are cached
// under .cache/scalewise/models. SCALEWISE_BENCH_QUICK=1 runs a short version (pp 64, tg 16 / 64 side by side, 2-3 reps).
//   SCALEWISE_BENCH_PRESETS   presets of the isolated llama-bench runs (default mobilellm-125m,mobilellm-350m)
//   SCALEWISE_BENCH_DTYPES    fp32,int8 (default both)
//   SCALEWISE_BENCH_THREADS   thread counts of the side-by-side runs (default 1,2); the isolated runs use the last
//   SCALEWISE_BENCH_SIDE      preset of the side-by-side runs (default mobilellm-125m; 'none' skips them)
import { mkdirSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { join } from 'node:path';
import {
  benchReport,
  benchSideBySide,
  formatBenchReport,
  measureBandwidth,
  randomPresetFolder,
  runBenchIsolated,
  type BandwidthResult,
  type BenchReport,
  type BenchResult,
  type SideBySideResult,
} from '../src/index.js';

const quick = process.env.SCALEWISE_BENCH_QUICK === '1';
const threadCounts = (process.env.SCALEWISE_BENCH_THREADS ?? '1,2').split(',').map(Number);
const threads = threadCounts.at(-1) as number;
const presets = (process.env.SCALEWISE_BENCH_PRESETS ?? 'mobilellm-125m,mobilellm-350m').split(',').filter((p) => p !== '');
const dtypes = (process.env.SCALEWISE_BENCH_DTYPES ?? 'fp32,int8').split(',') as Array<'fp32' | 'int8'>;
const sidePreset = process.env.SCALEWISE_BENCH_SIDE ?? 'mobilellm-125m';
const protocol = quick ? { pp: 64, tg: 16, reps: 2 } : { pp: 512, tg: 128, reps: 5 };
const sideProtocol = quick ? { tg: 64, reps: 3 } : { tg: 128, reps: 5 };

// Bandwidth is measured at every thread count before each run and at the end; other processes depress it, so the
// bound uses the best measurement of the session (the least pessimistic bound, so the strictest fraction).
const bandwidths: BandwidthResult[] = [];
const measureAll = async () => {
  for (const t of threadCounts) bandwidths.push(await measureBandwidth({ threads: t }));
};
const sideBySide: SideBySideResult[] = [];
if (sidePreset !== 'none') {
  const fp32 = await randomPresetFolder(sidePreset, { dtype: 'fp32' });
  const int8 = await randomPresetFolder(sidePreset, { dtype: 'int8' });
  for (const t of threadCounts) {
    await measureAll();
    console.log(
      `== side by side, ${sidePreset}, ${t} thread(s): onnxruntime fp32, int8, transformers.js fp32, wasm fp32, int8 (same files)`,
    );
    sideBySide.push(
      await benchSideBySide(
        [
          { label: 'onnxruntime fp32', model: fp32.dir },
          { label: 'onnxruntime int8', model: int8.dir },
          { label: 'transformers.js fp32', model: fp32.dir, backend: 'transformers' },
          { label: 'wasm fp32', model: fp32.dir, backend: 'wasm' },
          { label: 'wasm int8', model: int8.dir, backend: 'wasm' },
        ],
        { threads: t, bandwidth: true, ...sideProtocol },
      ),
    );
  }
}
const results: Array<{ preset: string; result: BenchResult }> = [];
for (const preset of presets) {
  for (const dtype of dtypes) {
    await measureAll();
    const { dir, reused } = await randomPresetFolder(preset, { dtype });
    console.log(`== ${preset} ${dtype} (${reused ? 'cached' : 'exported'} ${dir})`);
    results.push({ preset, result: await runBenchIsolated({ model: dir, threads, spinning: false, ...protocol }) });
  }
}
await measureAll();
// The reads timed inside the side-by-side repetitions count too: the bound is the best read of the whole session.
for (const s of sideBySide) bandwidths.push(...s.interleaved_bandwidth);
const best = bandwidths.reduce((a, b) => (b.bytes_per_second > a.bytes_per_second ? b : a));
console.log(
  `memory bandwidth: best ${(best.bytes_per_second / 1e9).toFixed(1)} GB/s (${best.method}, ${best.threads} thread(s)); all: ` +
    `${bandwidths.map((b) => (b.bytes_per_second / 1e9).toFixed(1)).join(', ')} GB/s\n`,
);
const side = sideBySide.map((s) => {
  const entries = s.entries.map((e) => {
    const bound = best.bytes_per_second / e.bytes_per_token;
    return { ...e, bandwidth_bound_tg_ts: bound, tg_fraction_of_bound: e.tg.avg_ts / bound };
  });
  const ts = (label: string) => entries.find((e) => e.label === label)?.tg.avg_ts ?? NaN;
  const ratio = ts('onnxruntime fp32') / ts('transformers.js fp32');
  const wasmOverTransformers = ts('wasm fp32') / ts('transformers.js fp32');
  const wasmOverOrt = ts('wasm fp32') / ts('onnxruntime fp32');
  const wasmInt8OverOrtInt8 = ts('wasm int8') / ts('onnxruntime int8');
  const bws = s.interleaved_bandwidth.map((b) => (b.bytes_per_second / 1e9).toFixed(1)).join(', ');
  console.log(
    `side by side, ${s.threads} thread(s), load ${s.loadavg_1m_before.toFixed(1)} → ${s.loadavg_1m_after.toFixed(1)}, ` +
      `bandwidth per repetition ${bws} GB/s:`,
  );
  for (const e of entries) {
    console.log(
      `  ${e.label.padEnd(22)} tg${s.n_gen} ${e.tg.avg_ts.toFixed(1)} ± ${e.tg.stddev_ts.toFixed(1)} tokens/s, ` +
        `${e.tg.cpu_ms_per_token.toFixed(1)} CPU ms/token; session-best bound ${e.bandwidth_bound_tg_ts.toFixed(1)} tokens/s → ` +
        `${(e.tg_fraction_of_bound * 100).toFixed(0)}%; ` +
        `same-repetition bound → ${((e.tg_fraction_of_interleaved_bound ?? NaN) * 100).toFixed(0)}%`,
    );
  }
  console.log(`  onnxruntime fp32 ÷ transformers.js: ${ratio.toFixed(2)}×`);
  console.log(
    `  wasm fp32 ÷ transformers.js: ${wasmOverTransformers.toFixed(2)}×; wasm fp32 ÷ onnxruntime fp32: ${wasmOverOrt.toFixed(2)}×; ` +
      `wasm int8 ÷ onnxruntime int8: ${wasmInt8OverOrtInt8.toFixed(2)}×`,
  );
  return {
    ...s,
    entries,
    onnxruntime_over_transformers_fp32: ratio,
    wasm_over_transformers_fp32: wasmOverTransformers,
    wasm_over_onnxruntime_fp32: wasmOverOrt,
    wasm_int8_over_onnxruntime_int8: wasmInt8OverOrtInt8,
  };
});
const runs: BenchReport[] = results.map(({ preset, result }) => benchReport(result, { bandwidth: best, preset }));
for (const report of runs) console.log(formatBenchReport(report));
const out = {
  generated_at: new Date().toISOString(),
  protocol: { ...protocol, threads, warmup: 'one untimed pp run and one 1-token tg run', ids: 'random (seeded)' },
  side_by_side_protocol: {
    ...sideProtocol,
    preset: sidePreset,
    order:
      'repetitions interleaved across the models, one process, each repetition starting with a bandwidth measurement ' +
      '(tg_fraction_of_interleaved_bound divides each repetition by its own); onnxruntime threads do not spin',
  },
  bandwidth_best: best,
  bandwidth_all_bytes_per_second: bandwidths.map((b) => b.bytes_per_second),
  note: "Timings are noisy: the 2-CPU machine is shared with other processes (see each run's load average).",
  side_by_side: side,
  runs,
};
const dirOut = join(import.meta.dirname, '..', 'bench-results');
mkdirSync(dirOut, { recursive: true });
const file = join(dirOut, 'eval.json');
writeJsonAtomicSync(file, out);
console.log(`\nwrote ${file}`);
