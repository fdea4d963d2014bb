import { analyzePowerLaw, convertY, datasets, referenceLaws, type PowerAnalysis } from '@scalewise/laws';
import { getPreset, paramCounts } from '@scalewise/models';

/** MobileLLM model names in the built-in table → the presets that give their exact architecture. */
const PRESET_OF: Record<string, string> = {
  'MobileLLM-125M': 'mobilellm-125m',
  'MobileLLM-350M': 'mobilellm-350m',
  'MobileLLM-600M': 'mobilellm-600m',
  'MobileLLM-1B': 'mobilellm-1b',
};

export interface OriginalStudy {
  rows: {
    model: string;
    params_total: number;
    params_non_embedding: number;
    perplexity: number;
    loss_nats: number;
    tokens_per_second_t4: number;
    peak_memory_mb_t4: number;
  }[];
  analysis: PowerAnalysis;
}

/**
 * Stage 1: the original study's table, refitted with intervals, converted to loss units, compared with
 * Kaplan's α_N in matching units (non-embedding parameters from the presets' exact accounting).
 */
export function runOriginalStudy(options: { seed: number; bootstrap: number }): OriginalStudy {
  const table = datasets.mobilellm;
  const rows = table.map((r) => {
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
  const kaplan = referenceLaws.kaplanN;
  const analysis = analyzePowerLaw({
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
  return { rows, analysis };
}
