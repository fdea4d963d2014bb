import { loadavg } from 'node:os';
import { createRng } from '@scalewise/core';
import { EvalInputError } from '../errors.js';
import type { CausalLM } from '../lm.js';
import { loadModel, type LoadOptions } from '../backends/load.js';
import { resolveModelFiles } from '../backends/folder.js';
import { stats, timeGen, type Run, type SpeedStats } from './throughput.js';
import { createBandwidthProbe, type BandwidthProbe, type BandwidthResult } from './bandwidth.js';

/** One contender of a side-by-side tg run: a model folder on a backend. */
export interface SideBySideEntry {
  /** Short name in the report, e.g. `ort fp32`. */
  label: string;
  model: string;
  backend?: LoadOptions['backend'];
}

export interface SideBySideResult {
  /** Intra-op threads (null: the runtime's default). */
  threads: number | null;
  /** Whether onnxruntime's idle threads spin (transformers.js keeps its own default). */
  spinning: boolean;
  n_gen: number;
  reps: number;
  entries: Array<{
    label: string;
    backend: string;
    dtype: string;
    model: string;
    /** Weight bytes streamed per token (config.json `scalewise_bytes_per_token`, else the model's bytes). */
    bytes_per_token: number;
    tg: SpeedStats & { n_gen: number };
    /**
     * With `bandwidth`: mean over repetitions of tokens/s ÷ (bandwidth measured in the same repetition ÷
     * bytes_per_token), a fraction of the bound that other processes' load affects on both sides alike; else null.
     */
    tg_fraction_of_interleaved_bound: number | null;
  }>;
  /** With `bandwidth`: the read bandwidth measured at the start of each repetition (same threads), else []. */
  interleaved_bandwidth: BandwidthResult[];
  /** 1-minute load average before and after (other processes share the CPUs). */
  loadavg_1m_before: number;
  loadavg_1m_after: number;
}

/**
 * Decode speed of several models measured in one process with their repetitions interleaved (A, B, C, A, B, C, …),
 * so that load from other processes falls on every contender alike and their ratio is fair. Each repetition
 * generates `tg` tokens from an empty cache, one forward pass each (llama-bench's tg); one untimed warm-up first.
 * With `bandwidth`, each repetition starts with a bandwidth measurement, so every fraction of the bound is a same-run ratio.
 */
export async function benchSideBySide(
  entries: SideBySideEntry[],
  options: {
    tg?: number;
    reps?: number;
    threads?: number;
    spinning?: boolean;
    seed?: number;
    /** Measure memory bandwidth (best of 3 passes per method) at the start of every repetition. */
    bandwidth?: boolean;
    /** Buffer the bandwidth is measured over (default 256 MiB: far beyond the caches). */
    bandwidthBytes?: number;
  } = {},
): Promise<SideBySideResult> {
  const tg = options.tg ?? 128;
  const reps = options.reps ?? 5;
  if (entries.length === 0) throw new EvalInputError('side-by-side bench: no models given');
  if (!Number.isInteger(tg) || tg < 1) throw new EvalInputError(`tg must be a positive integer, found ${tg}`);
  if (!Number.isInteger(reps) || reps < 1) throw new EvalInputError(`repetitions must be a positive integer, found ${reps}`);
  const spinning = options.spinning ?? false;
  const models: CausalLM[] = [];
  let probe: BandwidthProbe | undefined;
  try {
    if (options.bandwidth) {
      probe = await createBandwidthProbe({
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        ...(options.bandwidthBytes !== undefined ? { bytes: options.bandwidthBytes } : {}),
      });
    }
    for (const e of entries) {
      models.push(
        await loadModel(e.model, {
          backend: e.backend ?? 'ort',
          spinning,
          ...(options.threads !== undefined ? { threads: options.threads } : {}),
        }),
      );
    }
    const rand = createRng(options.seed ?? 42);
    for (const lm of models) await timeGen(lm, 1, rand);
    const before = loadavg()[0] ?? 0;
    const runs: Run[][] = models.map(() => []);
    const bandwidths: BandwidthResult[] = [];
    for (let r = 0; r < reps; r++) {
      if (probe) bandwidths.push(await probe.measure(3));
      for (const [i, lm] of models.entries()) runs[i]?.push(await timeGen(lm, tg, rand));
    }
    return {
      threads: options.threads ?? null,
      spinning,
      n_gen: tg,
      reps,
      entries: entries.map((e, i) => {
        const files = resolveModelFiles(e.model);
        const perToken = files.config?.scalewise_bytes_per_token;
        const lm = models[i] as CausalLM;
        const bytes = typeof perToken === 'number' ? perToken : files.modelBytes;
        const own = runs[i] as Run[];
        const fractions = bandwidths.map((bw, r) => ((tg * 1e9) / (own[r] as Run).ns) * (bytes / bw.bytes_per_second));
        return {
          label: e.label,
          backend: lm.info.backend,
          dtype: lm.info.dtype,
          model: e.model,
          bytes_per_token: bytes,
          tg: { n_gen: tg, ...stats(own, tg) },
          tg_fraction_of_interleaved_bound: fractions.length > 0 ? fractions.reduce((a, b) => a + b, 0) / fractions.length : null,
        };
      }),
      interleaved_bandwidth: bandwidths,
      loadavg_1m_before: before,
      loadavg_1m_after: loadavg()[0] ?? 0,
    };
  } finally {
    for (const lm of models) await lm.dispose();
    await probe?.release();
  }
}
