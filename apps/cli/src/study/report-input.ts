import {
  describeMeasurement,
  describeObjective,
  isoflopSpec,
  measurementFromRows,
  memorySpec,
  throughputSpec,
  type ReportInput,
  type ReportSection,
} from '@scalewise/report';
import type { StudyBaselines } from './baselines.js';
import type { FamiliesStudy } from './families.js';
import { familiesSection } from './families-report.js';
import { originalSection } from './report-original.js';
import { originalSummarySentence } from './report-measured.js';
import { ci, fmt } from './report-text.js';
import type { IsoflopStudy } from './isoflop.js';
import type { OriginalStudy } from './original.js';
import type { StudyPlan } from './plan.js';
import type { ThroughputRow } from './throughput.js';

export interface StudyResults {
  runId: string;
  plan: StudyPlan;
  original: OriginalStudy;
  baselines: StudyBaselines;
  families: FamiliesStudy;
  throughput: ThroughputRow[];
  isoflop: IsoflopStudy | null;
  versions: Record<string, string>;
  /** Seconds this invocation took up to writing the results (a resume reuses cached stages). */
  studyWallS: number;
}

function throughputSection(rows: ThroughputRow[], plan: StudyPlan): ReportSection {
  const valid = rows.filter((r) => Number.isFinite(r.params_total) && r.params_total > 0);
  const series = valid.flatMap((r) => [
    ...(r.pp_avg_ts
      ? [{ params: r.params_total, mean: r.pp_avg_ts, sd: r.pp_stddev_ts ?? 0, series: `pp${r.n_prompt}`, label: r.model }]
      : []),
    ...(r.tg_avg_ts
      ? [{ params: r.params_total, mean: r.tg_avg_ts, sd: r.tg_stddev_ts ?? 0, series: `tg${r.n_gen}`, label: r.model }]
      : []),
  ]);
  return {
    title: '3. Throughput and memory',
    text:
      `llama-bench protocol on this machine (` +
      `${describeMeasurement(measurementFromRows(rows as unknown as Record<string, unknown>[]))}` +
      `; 1-minute load average ${loadText(rows)} while measuring): one untimed ` +
      `warm-up, then ${plan.bench.reps} repetitions of pp (prompt of ${plan.bench.pp} ` +
      `random tokens) and tg (${plan.bench.tg} tokens generated one at a time with a ` +
      `KV cache); mean ± sample sd of tokens/s. Peak RSS is measured in a fresh ` +
      `process per model. MobileLLM shapes use random weights: speed and memory do not ` +
      `depend on weight values. The original study measured 23.7 tokens/s (125M) and ` +
      `21.7 tokens/s (350M) on a T4 GPU without a KV cache.`,
    tables: [
      {
        title: 'Throughput and memory',
        columns: [
          'model',
          'kind',
          'params_total',
          'pp_avg_ts',
          'pp_stddev_ts',
          'tg_avg_ts',
          'tg_stddev_ts',
          'peak_rss_mb',
          'model_mb',
          'threads',
          'backend',
          'dtype',
        ],
        units: {
          params_total: 'params',
          pp_avg_ts: 'tokens/s',
          pp_stddev_ts: 'tokens/s',
          tg_avg_ts: 'tokens/s',
          tg_stddev_ts: 'tokens/s',
          peak_rss_mb: 'MB',
          model_mb: 'MB',
        },
        rows: rows.map((r) => ({ ...r, peak_rss_mb: r.peak_rss_bytes / 1e6, model_mb: r.model_bytes / 1e6 })),
      },
    ],
    figures:
      series.length === 0
        ? []
        : [
            {
              name: 'throughput',
              caption: 'Tokens per second against parameters, prompt processing (pp) and generation (tg), ± sd.',
              spec: throughputSpec({
                title: `Throughput (${describeMeasurement(measurementFromRows(rows as unknown as Record<string, unknown>[]))})`,
                rows: series,
                xTitle: 'parameters (total)',
                yTitle: 'tokens/s',
              }),
            },
            {
              name: 'memory',
              caption: 'Peak resident memory and model file size against parameters.',
              spec: memorySpec({
                title: 'Memory',
                xTitle: 'parameters (total)',
                yTitle: 'MB',
                rows: valid.flatMap((r) => [
                  { params: r.params_total, memory: r.peak_rss_bytes / 1e6, series: 'peak RSS (measured)', label: r.model },
                  { params: r.params_total, memory: r.model_bytes / 1e6, series: `model file (${r.dtype})`, label: r.model },
                ]),
              }),
            },
          ],
  };
}

function isoflopSection(s: IsoflopStudy): ReportSection {
  const c = s.chinchilla?.params;
  return {
    title: '4. IsoFLOP grid and compute-optimal allocation',
    text: [
      `A deep-and-thin ladder trained at fixed compute budgets C (tokens D = C / 6N). ` +
        `Approach 3 fits L(N, D) = E + A/N^α + B/D^β to every run (` +
        `${describeObjective(s.chinchilla)}); approach 2 fits a parabola in ln N per ` +
        `budget and a power law to the minima.`,
      c
        ? `Approach 3: E = ${fmt(c.E!)}, A = ${fmt(c.A!)}, B = ${fmt(c.B!)}, α = ` +
          `${fmt(c.alpha!)}, β = ${fmt(c.beta!)} (loss in nats/token, N = total ` +
          `parameters).`
        : '',
      s.approach2
        ? `Approach 2: N_opt ∝ C^${fmt(s.approach2.a, 3)}, 95% interval ` +
          `${ci(s.approach2.ciA)}. Known biases: too narrow a grid, off-centre sampling ` +
          `and α ≠ β shift this exponent (see @scalewise/laws approach2Bias).`
        : '',
      ...s.warnings.map((w) => `- ${w}`),
    ]
      .filter(Boolean)
      .join('\n\n'),
    tables: [
      {
        title: 'Compute-optimal allocation (approach 3)',
        columns: ['C', 'N_opt', 'D_opt', 'tokensPerParam'],
        units: { C: 'FLOP', N_opt: 'params', D_opt: 'tokens', tokensPerParam: 'tokens/param' },
        rows: s.optimal,
      },
    ],
    figures: [
      {
        name: 'isoflop',
        caption: 'Validation loss against parameters at each compute budget; diamonds mark the measured optimum.',
        spec: isoflopSpec({
          title: 'IsoFLOP curves',
          rows: s.runs.map((r) => ({ flops: r.flops, params: r.params_total, loss: r.val_loss })),
          xTitle: 'parameters (total)',
          yTitle: 'validation loss (nats/token)',
        }),
      },
    ],
  };
}

function loadText(rows: ThroughputRow[]): string {
  const loads = rows.map((r) => r.loadavg_1m).filter((v): v is number => typeof v === 'number');
  return loads.length === 0 ? 'not recorded' : `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`;
}

/** Everything the study found, as the report's input (plain data, rendered by @scalewise/report). */
export function studyReportInput(r: StudyResults): ReportInput {
  const tg125 = r.throughput.find((t) => t.model === 'mobilellm-125m');
  return {
    title: 'scalewise study: scaling laws of small language models',
    subtitle: `run ${r.runId}${r.plan.options.quick ? ' (quick)' : ''}`,
    summary: [
      originalSummarySentence(r.original),
      ...r.families.answers,
      tg125
        ? `MobileLLM-125M shape on this machine (` +
          `${describeMeasurement(measurementFromRows([tg125 as unknown as Record<string, unknown>]))}` +
          `): tg ${fmt(tg125.tg_avg_ts ?? Number.NaN, 3)} ± ` +
          `${fmt(tg125.tg_stddev_ts ?? Number.NaN, 2)} tokens/s, peak RSS ` +
          `${fmt(tg125.peak_rss_bytes / 1e6, 4)} MB.`
        : '',
    ].filter(Boolean),
    sections: [
      originalSection(r.original),
      familiesSection(r.families, r.baselines, r.plan.options.quick),
      throughputSection(r.throughput, r.plan),
      ...(r.isoflop ? [isoflopSection(r.isoflop)] : []),
    ],
    config: r.plan as unknown as Record<string, unknown>,
    versions: r.versions,
    measurement: measurementFromRows(r.throughput as unknown as Record<string, unknown>[]),
  };
}
