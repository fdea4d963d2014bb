import { availableParallelism, loadavg } from 'node:os';
import { configFromModelFolder, paramCounts, parseConfigJson } from '@scalewise/models';
import { loadModel, type LoadOptions } from '../backends/load.js';
import { resolveModelFiles } from '../backends/folder.js';
import { benchThroughput, type ThroughputOptions, type ThroughputResult } from './throughput.js';
import { benchOriginal, type OriginalSpeedResult } from './original.js';
import { currentRssBytes, peakRssBytes, resetPeakRss } from './memory.js';

/** `llama-bench`: pp/tg with a KV cache on random ids; `original`: the original study's 50 greedy tokens without a cache. */
export type BenchProtocol = 'llama-bench' | 'original';

export interface BenchSpec extends ThroughputOptions, LoadOptions {
  /** Model folder or .onnx file (absolute, when run in a child process). */
  model: string;
  /** Which protocol to time (default `llama-bench`). */
  protocol?: BenchProtocol;
  /** `original` protocol: greedy tokens per repetition (default 50) and prompt length (default 8). */
  newTokens?: number;
  promptTokens?: number;
  onProgress?: (test: 'pp' | 'tg' | 'original', rep: number, reps: number) => void;
}

/** `scalewise bench --json`: llama-bench numbers plus memory and model facts. */
export interface BenchResult extends ThroughputResult {
  protocol: BenchProtocol;
  /** The `original` protocol's tokens/s (null under llama-bench, whose pp/tg are then null). */
  original: OriginalSpeedResult | null;
  /** Peak RSS of the process that loaded and ran the model (load included), bytes. */
  peak_rss_bytes: number;
  /** Peak RSS during the pp/tg runs only (high-water mark reset after loading), bytes; null where unsupported. */
  peak_rss_run_bytes: number | null;
  /** RSS right after loading the model, bytes. */
  rss_after_load_bytes: number;
  /** Bytes of the ONNX graph plus external data on disk. */
  model_bytes: number;
  /** Weight bytes streamed per decoded token (config.json `scalewise_bytes_per_token`, else model_bytes). */
  bytes_per_token: number;
  /** Parameters, embeddings included (tied head counted once); null without config.json. */
  params: number | null;
  params_non_embedding: number | null;
  threads: number;
  backend: string;
  dtype: string;
  execution_provider: string;
  /** Whether onnxruntime's idle intra-op threads spin (null: not onnxruntime, or its default). */
  spinning: boolean | null;
  model: string;
  load_seconds: number;
  /** Machine load while measuring (other processes share the CPU): 1-minute load average before and after, and CPU count. */
  system: { cpus: number; loadavg_1m_before: number; loadavg_1m_after: number };
}

/** Load a model and run the llama-bench protocol in this process. */
export async function runBench(spec: BenchSpec): Promise<BenchResult> {
  const files = resolveModelFiles(spec.model);
  let params: { total: number; nonEmbedding: number } | null = null;
  if (files.config) {
    try {
      params = paramCounts(parseConfigJson(configFromModelFolder(files.config), `${spec.model}/config.json`));
    } catch {
      params = null; // not a llama-style config: the count is unknown, not fatal
    }
  }
  const loadBefore = loadavg()[0] ?? 0;
  const t0 = performance.now();
  const lm = await loadModel(spec.model, spec);
  const loadSeconds = (performance.now() - t0) / 1000;
  const rssAfterLoad = currentRssBytes();
  const peakLoad = peakRssBytes();
  const reset = resetPeakRss();
  const protocol = spec.protocol ?? 'llama-bench';
  const original =
    protocol === 'original'
      ? await benchOriginal(lm, {
          ...(spec.newTokens !== undefined ? { newTokens: spec.newTokens } : {}),
          ...(spec.promptTokens !== undefined ? { promptTokens: spec.promptTokens } : {}),
          ...(spec.reps !== undefined ? { reps: spec.reps } : {}),
          ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
          ...(spec.onProgress ? { onProgress: spec.onProgress } : {}),
        })
      : null;
  const result: ThroughputResult = original ? { pp: null, tg: null, reps: original.reps } : await benchThroughput(lm, spec);
  const peakRun = peakRssBytes();
  await lm.dispose();
  return {
    protocol,
    original,
    ...result,
    peak_rss_bytes: Math.max(peakLoad, peakRun),
    peak_rss_run_bytes: reset ? peakRun : null,
    rss_after_load_bytes: rssAfterLoad,
    model_bytes: files.modelBytes,
    bytes_per_token:
      typeof files.config?.scalewise_bytes_per_token === 'number' ? files.config.scalewise_bytes_per_token : files.modelBytes,
    params: params?.total ?? null,
    params_non_embedding: params?.nonEmbedding ?? null,
    threads: spec.threads ?? lm.info.threads ?? availableParallelism(),
    backend: lm.info.backend,
    dtype: lm.info.dtype,
    execution_provider: lm.info.executionProvider,
    // Only our onnxruntime backend takes the setting (transformers.js keeps its default; wasm workers spin briefly, always).
    spinning: lm.info.backend === 'onnxruntime-node' ? (spec.spinning ?? null) : null,
    model: spec.model,
    load_seconds: loadSeconds,
    system: { cpus: availableParallelism(), loadavg_1m_before: loadBefore, loadavg_1m_after: loadavg()[0] ?? 0 },
  };
}
