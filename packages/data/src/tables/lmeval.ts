import { DataInputError } from '../errors.js';

/** Unit of an lm-evaluation-harness metric, by name. */
export function lmEvalMetricUnit(metric: string): string {
  if (metric === 'bits_per_byte') return 'bits/byte';
  if (metric.endsWith('perplexity')) return 'perplexity';
  if (/^(acc|acc_norm|exact_match|f1|mcc|brier_score)$/.test(metric)) return 'fraction';
  return '';
}

export interface LmEvalRow {
  model: string;
  task: string;
  metric: string;
  filter: string;
  value: number;
  /** Standard error; null when the harness wrote "N/A". */
  stderr: number | null;
  unit: string;
}

/** Whether a parsed JSON value looks like an lm-evaluation-harness results file. */
export function isLmEvalResults(json: unknown): json is { results: Record<string, Record<string, unknown>> } {
  return (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    typeof (json as { results?: unknown }).results === 'object' &&
    (json as { results?: unknown }).results !== null
  );
}

/**
 * Flatten lm-evaluation-harness results (`{"results": {task: {"acc,none": 0.5, "acc_stderr,none": ...}}}`)
 * into one row per task, metric and filter.
 */
export function lmEvalRows(json: unknown, file: string): LmEvalRow[] {
  if (!isLmEvalResults(json)) throw new DataInputError(`${file}: expected an lm-evaluation-harness results object with a "results" field`);
  const config = (json as { config?: { model?: unknown; model_args?: unknown } }).config;
  const modelName = (json as { model_name?: unknown }).model_name;
  const model =
    typeof modelName === 'string' ? modelName : typeof config?.model_args === 'string' ? config.model_args : String(config?.model ?? '');
  const rows: LmEvalRow[] = [];
  for (const [task, metrics] of Object.entries(json.results)) {
    if (metrics === null || typeof metrics !== 'object')
      throw new DataInputError(`${file}: results.${task}: expected an object of metrics, found ${typeof metrics}`);
    for (const [key, value] of Object.entries(metrics)) {
      if (key === 'alias' || key === 'name' || key === 'sample_len' || key === 'samples') continue;
      const [metricName, filter = 'none'] = key.split(',');
      if (!metricName || metricName.endsWith('_stderr')) continue;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new DataInputError(`${file}: results.${task}["${key}"]: expected a finite number, found ${JSON.stringify(value)}`);
      }
      const se = (metrics as Record<string, unknown>)[`${metricName}_stderr,${filter}`];
      rows.push({
        model,
        task,
        metric: metricName,
        filter,
        value,
        stderr: typeof se === 'number' && Number.isFinite(se) ? se : null,
        unit: lmEvalMetricUnit(metricName),
      });
    }
  }
  return rows;
}
