import { loadavg } from 'node:os';
import { createRng } from '@scalewise/core';
import { EvalInputError } from '../errors.js';
import type { CausalLM } from '../lm.js';
import { loadModel, type LoadOptions } from '../backends/load.js';
import { resolveModelFiles } from '../backends/folder.js';
import { stats, timeGen, type Run, type SpeedStats } from './throughput.js';

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
  }>;
  /** 1-minute load average before and after (other processes share the CPUs). */
  loadavg_1m_before: number;
  loadavg_1m_after: number;
}

/**
 * Decode speed of several models measured in one process with their repetitions interleaved (A, B, C, A, B, C, …),
 * so that load from other processes falls on every contender alike and their ratio is fair. Each repetition
 * generates `tg` tokens from an empty cache, one forward pass each (llama-bench's tg); one untimed warm-up first.
 */
export async function benchSideBySide(
  entries: SideBySideEntry[],
  options: { tg?: number; reps?: number; threads?: number; spinning?: boolean; seed?: number } = {},
): Promise<SideBySideResult> {
  const tg = options.tg ?? 128;
  const reps = options.reps ?? 5;
  if (entries.length === 0) throw new EvalInputError('side-by-side bench: no models given');
  if (!Number.isInteger(tg) || tg < 1) throw new EvalInputError(`tg must be a positive integer, found ${tg}`);
  if (!Number.isInteger(reps) || reps < 1) throw new EvalInputError(`repetitions must be a positive integer, found ${reps}`);
  const spinning = options.spinning ?? false;
  const models: CausalLM[] = [];
  try {
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
    for (let r = 0; r < reps; r++) for (const [i, lm] of models.entries()) runs[i]?.push(await timeGen(lm, tg, rand));
    return {
      threads: options.threads ?? null,
      spinning,
      n_gen: tg,
      reps,
      entries: entries.map((e, i) => {
        const files = resolveModelFiles(e.model);
        const perToken = files.config?.scalewise_bytes_per_token;
        const lm = models[i] as CausalLM;
        return {
          label: e.label,
          backend: lm.info.backend,
          dtype: lm.info.dtype,
          model: e.model,
          bytes_per_token: typeof perToken === 'number' ? perToken : files.modelBytes,
          tg: { n_gen: tg, ...stats(runs[i] as Run[], tg) },
        };
      }),
      loadavg_1m_before: before,
      loadavg_1m_after: loadavg()[0] ?? 0,
    };
  } finally {
    for (const lm of models) await lm.dispose();
  }
}
