import type { BandwidthResult } from './bandwidth.js';
import { ORIGINAL_STUDY_T4_TOKENS_PER_SECOND } from './reference.js';
import type { BenchResult } from './run-bench.js';

/** A bench result with the memory-bandwidth bound and the original study's figure beside it. */
export interface BenchReport extends BenchResult {
  /** Measured read bandwidth, bytes/s (null when not measured). */
  memory_bandwidth_bytes_per_second: number | null;
  bandwidth: BandwidthResult | null;
  /** Upper bound on tg tokens/s if every token streams its weights once: bandwidth ÷ bytes_per_token. */
  bandwidth_bound_tg_ts: number | null;
  /** tg avg_ts ÷ bandwidth_bound_tg_ts. */
  tg_fraction_of_bound: number | null;
  /** The original study's T4 tokens/s (fp16, no KV cache) for this preset, when known. */
  reference_t4_no_kv_cache_ts: number | null;
  preset: string | null;
  units: Record<string, string>;
}

const UNITS = {
  avg_ts: 'tokens/s',
  stddev_ts: 'tokens/s (sample sd over repetitions)',
  avg_ms_per_token: 'ms/token',
  cpu_ms_per_token: 'process CPU ms (all threads) per token',
  peak_rss_bytes: 'bytes',
  model_bytes: 'bytes',
  bytes_per_token: 'bytes read per generated token',
  kv_cache_bytes: 'bytes',
  memory_bandwidth_bytes_per_second: 'bytes/s',
  params: 'parameters incl. embeddings (tied head once)',
  params_non_embedding: 'parameters excl. embeddings',
};

export function benchReport(
  result: BenchResult,
  options: { bandwidth?: BandwidthResult | null; preset?: string | null } = {},
): BenchReport {
  const bw = options.bandwidth ?? null;
  const bound = bw ? bw.bytes_per_second / result.bytes_per_token : null;
  const preset = options.preset ?? null;
  return {
    ...result,
    memory_bandwidth_bytes_per_second: bw?.bytes_per_second ?? null,
    bandwidth: bw,
    bandwidth_bound_tg_ts: bound,
    tg_fraction_of_bound: bound && result.tg ? result.tg.avg_ts / bound : null,
    reference_t4_no_kv_cache_ts: preset ? (ORIGINAL_STUDY_T4_TOKENS_PER_SECOND[preset] ?? null) : null,
    preset,
    units: UNITS,
  };
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** A llama-bench style table plus memory lines, for humans. */
export function formatBenchReport(r: BenchReport): string {
  const lines = [
    `model: ${r.model} (${mib(r.model_bytes)}, ${r.params?.toLocaleString('en-US') ?? '?'} params, ${r.dtype})`,
    `backend: ${r.backend} (${r.execution_provider}), threads: ${r.threads}${r.spinning === false ? ' (no spinning)' : ''}, ` +
      `repetitions: ${r.reps}`,
    '',
    ...(r.pp || r.tg
      ? [
          '| test   |            t/s |   ms/token | CPU ms/token | KV cache  |',
          '| ------ | -------------: | ---------: | -----------: | --------: |',
        ]
      : []),
  ];
  const row = (
    name: string,
    s: { avg_ts: number; stddev_ts: number; avg_ms_per_token: number; cpu_ms_per_token: number; kv_cache_bytes: number },
  ) =>
    `| ${name.padEnd(6)} | ${`${s.avg_ts.toFixed(2)} ± ${s.stddev_ts.toFixed(2)}`.padStart(14)} | ` +
    `${s.avg_ms_per_token.toFixed(2).padStart(10)} | ${s.cpu_ms_per_token.toFixed(2).padStart(12)} | ` +
    `${mib(s.kv_cache_bytes).padStart(9)} |`;
  if (r.pp) lines.push(row(`pp${r.pp.n_prompt}`, r.pp));
  if (r.tg) lines.push(row(`tg${r.tg.n_gen}`, r.tg));
  if (r.original) {
    const o = r.original;
    lines.push(
      `original protocol (batch 1, ${o.new_tokens} greedy tokens from a ${o.prompt_tokens}-token prompt, no KV cache): ` +
        `${o.avg_ts.toFixed(2)} ± ${o.stddev_ts.toFixed(2)} tokens/s (mean ± sd of ${o.reps} repetitions), ` +
        `${o.avg_ms_per_token.toFixed(2)} ms/token`,
    );
  }
  lines.push(
    '',
    `peak RSS: ${mib(r.peak_rss_bytes)} (load included)` +
      (r.peak_rss_run_bytes !== null ? `, ${mib(r.peak_rss_run_bytes)} during ${r.original ? 'generation' : 'pp/tg'}` : ''),
  );
  if (r.tg && r.bandwidth_bound_tg_ts !== null && r.memory_bandwidth_bytes_per_second !== null) {
    lines.push(
      `memory bandwidth: ${(r.memory_bandwidth_bytes_per_second / 1e9).toFixed(1)} GB/s (${r.bandwidth?.method}) → tg bound ` +
        `${r.bandwidth_bound_tg_ts.toFixed(1)} tokens/s; tg reaches ${((r.tg_fraction_of_bound ?? 0) * 100).toFixed(0)}%`,
    );
  }
  lines.push(
    `machine load (1-min average) ${r.system.loadavg_1m_before.toFixed(1)} → ${r.system.loadavg_1m_after.toFixed(1)} on ` +
      `${r.system.cpus} CPUs`,
  );
  if (r.reference_t4_no_kv_cache_ts !== null)
    lines.push(`original study (T4 GPU, fp16, no KV cache): ${r.reference_t4_no_kv_cache_ts.toFixed(1)} tokens/s`);
  return `${lines.join('\n')}\n`;
}
