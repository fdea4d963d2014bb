import { basename, join } from 'node:path';
import { safeSlug } from '@scalewise/data';
import { measureCheckpoint, type CheckpointMeasurement } from '@scalewise/eval';
import { analyzePowerLaw, convertY, datasets, referenceLaws, type PowerAnalysis } from '@scalewise/laws';
import { getPreset, paramCounts } from '@scalewise/models';

/** MobileLLM model names in the built-in table → the presets that give their exact architecture. */
const PRESET_OF: Record<string, string> = {
  'MobileLLM-125M': 'mobilellm-125m',
  'MobileLLM-350M': 'mobilellm-350m',
  'MobileLLM-600M': 'mobilellm-600m',
  'MobileLLM-1B': 'mobilellm-1b',
};

/** The original recipe: HF strided perplexity, window 1024, stride 512. */
export const ORIGINAL_MAX_LENGTH = 1024;
export const ORIGINAL_STRIDE = 512;

/** A row of the table the stage fits: the shipped one (T4 columns) or one measured here (this machine's columns). */
// A type alias (not an interface) so rows pass where Record<string, unknown> is expected (CSV writer).
export type OriginalRow = {
  model: string;
  params_total: number;
  params_non_embedding: number;
  perplexity: number;
  loss_nats: number;
  tokens_per_second_t4?: number;
  peak_memory_mb_t4?: number;
  /** Measured here: original protocol tokens/s (mean ± sample sd over repetitions) and peak RSS. */
  tokens_per_second?: number;
  tokens_per_second_sd?: number;
  peak_rss_mb?: number;
  source?: string;
};

export interface OriginalStudy {
  rows: OriginalRow[];
  /** Null when the table has fewer than 3 rows: a power law through 2 points is exact and its interval undefined. */
  analysis: PowerAnalysis | null;
  /** `shipped`: the original study's table; `measured`: checkpoints measured by scalewise on this machine. */
  table: 'shipped' | 'measured';
  /** One sentence saying where the numbers come from. */
  provenance: string;
  /** Why there is no fit, when there is none. */
  fit_note: string | null;
  /** Everything measured per checkpoint (perplexity variants, speed samples, windows), when measured. */
  measurements: CheckpointMeasurement[] | null;
}

export interface MeasureOptions {
  models: string[];
  corpus: string;
  /** Study folder: checkpoints are exported under `<outDir>/models/`. */
  outDir: string;
  threads?: number;
  reps?: number;
  onProgress?: (model: string, stage: string, done: number, total: number) => void;
}

function analyze(rows: OriginalRow[], options: { seed: number; bootstrap: number }): PowerAnalysis {
  const kaplan = referenceLaws.kaplanN;
  return analyzePowerLaw({
    x: rows.map((r) => r.params_total),
    y: rows.map((r) => r.perplexity),
    names: rows.map((r) => r.model),
    xUnit: 'params_total',
    yUnit: 'perplexity',
    xForReference: rows.map((r) => r.params_non_embedding),
    reference: {
      name: `${kaplan.name} (α_N = ${kaplan.params.alpha_N})`,
      exponent: -kaplan.params.alpha_N!,
      xUnit: 'params_non_embedding',
    },
    extrapolateTo: [2e9],
    bootstrapResamples: options.bootstrap,
    seed: options.seed,
  });
}

function shippedRows(): OriginalRow[] {
  return datasets.mobilellm.map((r) => {
    const preset = PRESET_OF[r.model_name];
    const counts = preset ? paramCounts(getPreset(preset)) : undefined;
    if (counts && counts.total !== r.num_params) {
      throw new Error(`the ${r.model_name} preset counts ${counts.total} parameters but the table says ${r.num_params}`);
    }
    return {
      model: r.model_name,
      params_total: r.num_params,
      params_non_embedding: counts?.nonEmbedding ?? Number.NaN,
      perplexity: r.perplexity,
      loss_nats: convertY([r.perplexity], 'perplexity', 'loss_nats')[0]!,
      tokens_per_second_t4: r.tokens_per_second,
      peak_memory_mb_t4: r.peak_memory_mb,
    };
  });
}

/** Measure each checkpoint as the original did (hf-stride 1024/512, original speed protocol, peak memory). */
async function measuredRows(m: MeasureOptions): Promise<{ rows: OriginalRow[]; measurements: CheckpointMeasurement[] }> {
  const measurements: CheckpointMeasurement[] = [];
  for (const [i, dir] of m.models.entries()) {
    measurements.push(
      await measureCheckpoint(dir, {
        corpus: m.corpus,
        maxLength: ORIGINAL_MAX_LENGTH,
        stride: ORIGINAL_STRIDE,
        // Numbered: two folders with one name (…/a/MobileLLM-125M, …/b/MobileLLM-125M) never share an export.
        exportDir: join(m.outDir, 'models', `${i + 1}-${safeSlug(basename(dir))}`),
        ...(m.threads !== undefined ? { threads: m.threads } : {}),
        ...(m.reps !== undefined ? { reps: m.reps } : {}),
        onProgress: (stage, done, total) => m.onProgress?.(dir, stage, done, total),
      }),
    );
  }
  const rows = measurements
    .map((c) => ({
      model: c.name,
      params_total: c.params_total,
      params_non_embedding: c.params_non_embedding,
      perplexity: c.perplexity,
      loss_nats: c.ppl.nll_per_token,
      tokens_per_second: c.tokens_per_second,
      tokens_per_second_sd: c.tokens_per_second_sd,
      peak_rss_mb: c.peak_rss_bytes / 1e6,
      source: c.source,
    }))
    .sort((a, b) => a.params_total - b.params_total);
  return { rows, measurements };
}

/**
 * Stage 1: the original study's table, refitted with intervals, converted to loss units, compared with Kaplan's
 * α_N in matching units. With `measure`, the table is measured from the given checkpoints instead of shipped.
 */
export async function runOriginalStudy(options: { seed: number; bootstrap: number; measure?: MeasureOptions }): Promise<OriginalStudy> {
  if (!options.measure) {
    const rows = shippedRows();
    return {
      rows,
      analysis: analyze(rows, options),
      table: 'shipped',
      provenance: `the original study's table (${datasets.mobilellmConditions.perplexity}; ${datasets.mobilellmConditions.device})`,
      fit_note: null,
      measurements: null,
    };
  }
  const { rows, measurements } = await measuredRows(options.measure);
  const distinct = new Set(rows.map((r) => r.params_total)).size;
  const fitNote =
    distinct >= 3
      ? null
      : `${rows.length} model${rows.length === 1 ? '' : 's'} of ${distinct} distinct size${distinct === 1 ? '' : 's'}: a power law ` +
        `needs 3 sizes for an interval (through 2 points it fits exactly, 0 degrees of freedom: its interval is undefined); ` +
        `no fit is reported`;
  return {
    rows,
    analysis: fitNote === null ? analyze(rows, options) : null,
    table: 'measured',
    provenance:
      `measured by scalewise on this machine from ${rows.map((r) => r.source).join(', ')}: perplexity on ` +
      `${options.measure.corpus} by the HF strided recipe (window ${ORIGINAL_MAX_LENGTH}, stride ${ORIGINAL_STRIDE}, ` +
      `both scaled down for a model with fewer positions), tokens/s by the original protocol (50 greedy tokens, no KV cache, batch 1), ` +
      `peak RSS of the benchmark process`,
    fit_note: fitNote,
    measurements,
  };
}
