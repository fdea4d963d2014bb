import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomPresetFolder, runBenchIsolated, type BenchResult } from '@scalewise/eval';
import { exportRunToOnnx } from '@scalewise/train';
import type { ProgressEvent } from '../progress.js';
import type { StudyPlan } from './plan.js';

export interface ThroughputRow {
  model: string;
  kind: 'trained' | 'random';
  params_total: number;
  params_non_embedding: number;
  pp_avg_ts: number | null;
  pp_stddev_ts: number | null;
  tg_avg_ts: number | null;
  tg_stddev_ts: number | null;
  peak_rss_bytes: number;
  model_bytes: number;
  threads: number;
  backend: string;
  dtype: string;
  n_prompt: number;
  n_gen: number;
  /** 1-minute load average when the measurement finished (other work on the machine slows it). */
  loadavg_1m: number;
}

/** A trained run to measure: its folder (result.json and final checkpoint) and its counts. */
export interface BenchTarget {
  model: string;
  out_dir: string;
  params_total: number;
  params_non_embedding: number;
}

/** The final checkpoint of a finished run, exported once as an ONNX model folder beside it. */
async function exportRun(run: BenchTarget): Promise<string> {
  const dir = path.join(run.out_dir, 'onnx-model');
  if (!fs.existsSync(path.join(dir, 'config.json'))) await exportRunToOnnx(run.out_dir, dir);
  return dir;
}

function row(
  model: string,
  kind: ThroughputRow['kind'],
  r: BenchResult,
  fallbackParams: { total: number; nonEmbedding: number },
): ThroughputRow {
  return {
    model,
    kind,
    params_total: r.params ?? fallbackParams.total,
    params_non_embedding: r.params_non_embedding ?? fallbackParams.nonEmbedding,
    pp_avg_ts: r.pp?.avg_ts ?? null,
    pp_stddev_ts: r.pp?.stddev_ts ?? null,
    tg_avg_ts: r.tg?.avg_ts ?? null,
    tg_stddev_ts: r.tg?.stddev_ts ?? null,
    peak_rss_bytes: r.peak_rss_bytes,
    model_bytes: r.model_bytes,
    threads: r.threads,
    backend: r.backend,
    dtype: r.dtype,
    n_prompt: r.pp?.n_prompt ?? 0,
    n_gen: r.tg?.n_gen ?? 0,
    loadavg_1m: os.loadavg()[0]!,
  };
}

/**
 * Stage 3: llama-bench protocol (pp and tg tokens/s, peak RSS in a fresh process) on the largest trained model of
 * each family (exported to ONNX) and on random-weight MobileLLM shapes.
 */
export async function runThroughput(
  plan: StudyPlan,
  runs: BenchTarget[],
  onProgress: (event: ProgressEvent) => void,
): Promise<ThroughputRow[]> {
  const total = runs.length + plan.benchPresets.length;
  const rows: ThroughputRow[] = [];
  const settings = {
    pp: plan.bench.pp,
    tg: plan.bench.tg,
    reps: plan.bench.reps,
    seed: plan.options.seed,
    ...(plan.options.threads ? { threads: plan.options.threads } : {}),
  };
  for (const run of runs) {
    onProgress({ stage: 'throughput', done: rows.length, total, unit: 'models', detail: run.model });
    const dir = await exportRun(run);
    const result = await runBenchIsolated({ model: dir, ...settings });
    rows.push(row(run.model, 'trained', result, { total: run.params_total, nonEmbedding: run.params_non_embedding }));
  }
  for (const preset of plan.benchPresets) {
    onProgress({ stage: 'throughput', done: rows.length, total, unit: 'models', detail: `${preset} (random weights)` });
    const { dir } = await randomPresetFolder(preset, { seed: plan.options.seed });
    const result = await runBenchIsolated({ model: dir, ...settings });
    rows.push(row(preset, 'random', result, { total: Number.NaN, nonEmbedding: Number.NaN }));
  }
  onProgress({ stage: 'throughput', done: total, total, unit: 'models' });
  return rows;
}
