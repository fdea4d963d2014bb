import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadTokenizer, type SplitName } from '@scalewise/data';
import {
  configFromModelFolder,
  isCheckpointFolder,
  loadCheckpoint,
  paramCounts,
  parseConfigJson,
  writeModelFolder,
} from '@scalewise/models';
import { EvalInputError } from '../errors.js';
import { loadModel } from '../backends/load.js';
import { resolveModelFiles } from '../backends/folder.js';
import { runBenchIsolated } from '../bench/isolated.js';
import type { OriginalSpeedResult } from '../bench/original.js';
import { hfStrideSequence, type HfRows } from '../ppl/hf-sequence.js';
import { hfStridePerplexity, type HfStrideResult } from '../ppl/hf-stride.js';

export interface MeasureCheckpointOptions {
  /** `brown` or a corpus path (e.g. `wiki.test.raw`). */
  corpus: string;
  /** Default: `all` for a path (a file given is scored whole), `test` for brown. */
  split?: SplitName | 'all';
  /** HF strided recipe (default 1024 / 512, the original study's; a model with fewer positions gets its positions as
   * the window and the stride scaled with it). */
  maxLength?: number;
  stride?: number;
  /** Original speed protocol: repetitions (default 5) and greedy tokens (default 50). */
  reps?: number;
  newTokens?: number;
  threads?: number;
  /** Where a checkpoint folder is exported to ONNX (the folder is written by scalewise; ONNX folders are used as given). */
  exportDir: string;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** Perplexity, tokens/s and peak memory of one model, measured as the original study did. */
export interface CheckpointMeasurement {
  /** The folder given. */
  source: string;
  name: string;
  /** The ONNX folder measured (the export of a checkpoint folder, or the folder itself). */
  onnx_dir: string;
  /** Elements of the loaded weight tensors (tied head once) for a checkpoint; from config.json for an ONNX folder. */
  params_total: number;
  params_non_embedding: number;
  params_source: 'loaded checkpoint' | 'config.json';
  perplexity: number;
  ppl: Omit<HfStrideResult, 'model'> & { corpus: string; split: string; rows: HfRows; bos: boolean };
  tokens_per_second: number;
  tokens_per_second_sd: number;
  speed: OriginalSpeedResult;
  /** Peak RSS of a fresh process that loaded the model and ran the speed protocol, bytes. */
  peak_rss_bytes: number;
  threads: number;
}

/** Export (when given a checkpoint folder) and measure one model: hf-stride perplexity, original-protocol speed, peak RSS. */
export async function measureCheckpoint(dir: string, options: MeasureCheckpointOptions): Promise<CheckpointMeasurement> {
  const source = resolve(dir);
  if (!existsSync(join(source, 'config.json'))) throw new EvalInputError(`model folder '${source}' has no config.json`);
  const progress = options.onProgress ?? (() => {});
  let onnxDir = source;
  let counts: { total: number; nonEmbedding: number };
  let paramsSource: CheckpointMeasurement['params_source'];
  if (isCheckpointFolder(source)) {
    progress('export', 0, 1);
    const checkpoint = loadCheckpoint(source);
    let total = 0;
    for (const tensor of checkpoint.weights.values()) total += tensor.length;
    counts = { total, nonEmbedding: total - paramCounts(checkpoint.config).embedding };
    paramsSource = 'loaded checkpoint';
    const tokenizer = await loadTokenizer(source);
    onnxDir = resolve(options.exportDir);
    await writeModelFolder(onnxDir, {
      config: checkpoint.config,
      weights: checkpoint.weights,
      tokenizer: tokenizer.huggingFaceFiles(),
      externalData: true,
    });
    progress('export', 1, 1);
  } else {
    const files = resolveModelFiles(source);
    counts = paramCounts(parseConfigJson(configFromModelFolder(files.config ?? {}), join(source, 'config.json')));
    paramsSource = 'config.json';
  }
  const split = options.split ?? (options.corpus === 'brown' ? 'test' : 'all');
  // The checkpoint's own tokenizer (tokenizer.model read as LlamaTokenizer, use_fast=False), else the export's.
  const tokenizer = await loadTokenizer(source);
  const sequence = await hfStrideSequence(options.corpus, tokenizer, { split });
  const lm = await loadModel(onnxDir, options.threads !== undefined ? { threads: options.threads } : {});
  let ppl: HfStrideResult;
  try {
    const wanted = options.maxLength ?? 1024;
    const maxLength = Math.min(wanted, lm.info.maxPositions ?? wanted);
    // A model with fewer positions keeps the recipe's overlap: the stride shrinks with the window.
    const stride = Math.max(1, Math.floor(((options.stride ?? 512) * maxLength) / wanted));
    ppl = await hfStridePerplexity(lm, sequence.ids, { maxLength, stride, onProgress: (d, t) => progress('ppl', d, t) });
  } finally {
    await lm.dispose();
  }
  const bench = await runBenchIsolated(
    {
      model: onnxDir,
      protocol: 'original',
      ...(options.reps !== undefined ? { reps: options.reps } : {}),
      ...(options.newTokens !== undefined ? { newTokens: options.newTokens } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    },
    (_test, done, total) => progress('speed', done, total),
  );
  const speed = bench.original as OriginalSpeedResult;
  const { model: _model, ...pplResult } = ppl;
  return {
    source,
    name: basename(source),
    onnx_dir: onnxDir,
    params_total: counts.total,
    params_non_embedding: counts.nonEmbedding,
    params_source: paramsSource,
    perplexity: ppl.perplexity,
    ppl: { ...pplResult, corpus: options.corpus, split, rows: sequence.rows, bos: sequence.bos },
    tokens_per_second: speed.avg_ts,
    tokens_per_second_sd: speed.stddev_ts,
    speed,
    peak_rss_bytes: bench.peak_rss_bytes,
    threads: bench.threads,
  };
}
