import { datasets, powerPredictionInterval, referenceLaws } from '@scalewise/laws';
import {
  describeFitSize,
  describeMeasurement,
  describeObjective,
  diminishingReturnsSpec,
  isoflopSpec,
  measurementFromRows,
  memorySpec,
  sampleCurve,
  scalingFitSpec,
  throughputSpec,
  type ReportInput,
  type ReportSection,
} from '@scalewise/report';
import type { StudyBaselines } from './baselines.js';
import type { FamiliesStudy } from './families.js';
import { familiesSection } from './families-report.js';
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

// An unbounded interval end (a profile that never crossed its limit) prints as ±∞, not as a number.
const fmt = (v: number, digits = 4) =>
  Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : v === Infinity ? '∞' : v === -Infinity ? '−∞' : 'n/a';
const ci = (pair: readonly [number, number] | null | undefined, digits = 3) =>
  pair ? `[${fmt(pair[0], digits)}, ${fmt(pair[1], digits)}]` : 'n/a';

function originalSection(o: OriginalStudy): ReportSection {
  const a = o.analysis;
  const e = a.exponent;
  const l = a.lossExponent!;
  const t = a.referenceTest;
  const xs = o.rows.map((r) => r.params_total);
  const [min, max] = [Math.min(...xs) / 1.5, 2.2e9];
  const curve = sampleCurve((x) => e.a * x ** e.b, min, max).map((p) => {
    const pi = powerPredictionInterval(a.fit, p.x, a.level);
    return { ...p, lower: pi.lo, upper: pi.hi };
  });
  const kaplan = referenceLaws.kaplanN;
  const ne = o.rows.map((r) => r.params_non_embedding);
  return {
    title: '1. The original MobileLLM study, done right',
    text: [
      `The original study fitted PPL = a·N^b to ${a.n} models by log-log least squares ` +
        `and reported R² alone. Refitted here: **PPL = ${fmt(e.a, 5)} · N^${fmt(e.b, 5)}` +
        `**, R² = ${fmt(e.r2 ?? Number.NaN, 5)} (N = total parameters, tied embeddings ` +
        `counted once).`,
      `With ${a.n} points the exponent rests on ${e.dof} degrees of freedom: its 95% t ` +
        `interval is ${ci(e.ci.t)}; the percentile bootstrap gives ${ci(e.ci.bootstrap)} ` +
        `(too narrow at n = ${a.n}: resampling 4 rows mostly repeats sizes).`,
      `**Units.** A perplexity-space exponent is not a loss-space one. In loss units ` +
        `(ln PPL = nats/token) the same data give b = ${fmt(l.b, 4)} ${ci(l.ci.t)}.`,
      t
        ? `**Against Kaplan et al.** In matching units (loss in nats vs non-embedding ` +
          `parameters) the MobileLLM exponent is ${fmt(t.estimate, 4)} against ` +
          `${fmt(t.referenceExponent, 3)} (${t.reference}): difference ` +
          `${fmt(t.difference, 3)}, two-sided p = ${fmt(t.pValue, 3)} on ${t.dof} dof. ` +
          `*Post-hoc power calculation* (it plugs in the observed difference, so it ` +
          `describes this data set, not a planned study): telling them apart with 80% ` +
          `power would take about ` +
          `${Number.isFinite(t.modelsNeeded) ? t.modelsNeeded : 'more than 10⁶'} models of ` +
          `the same spread. The data sets differ (WikiText-2 vs WebText2, different ` +
          `tokenizers), so only the slopes are comparable, not the constants.`
        : '',
      ...a.extrapolations.map(
        (x) =>
          `**Extrapolation.** At ${fmt(x.x / 1e9, 3)}B parameters the law predicts PPL ` +
          `${fmt(x.estimate, 4)}, 95% prediction interval [${fmt(x.lo, 4)}, ${fmt(x.hi, 4)}` +
          `].`,
      ),
    ]
      .filter(Boolean)
      .join('\n\n'),
    tables: [
      {
        title:
          `MobileLLM measurements (${datasets.mobilellmConditions.perplexity}; throughput ` +
          `on ` +
          `${describeMeasurement({ device: datasets.mobilellmConditions.device, dtype: datasets.mobilellmConditions.dtype })}` +
          `, ${datasets.mobilellmConditions.throughput})`,
        columns: ['model', 'params_total', 'params_non_embedding', 'perplexity', 'loss_nats', 'tokens_per_second_t4', 'peak_memory_mb_t4'],
        units: {
          params_total: 'params',
          params_non_embedding: 'params',
          loss_nats: 'nats/token',
          tokens_per_second_t4: 'tokens/s',
          peak_memory_mb_t4: 'MB',
        },
        rows: o.rows,
      },
      {
        title: 'Fitted exponents (95% intervals)',
        columns: ['space', 'x', 'a', 'b', 't_interval', 'profile_interval', 'bootstrap_interval', 'r2'],
        rows: [e, l].map((s) => ({
          space: s.yUnit,
          x: s.xUnit,
          a: s.a,
          b: s.b,
          t_interval: ci(s.ci.t),
          profile_interval: ci(s.ci.profile),
          bootstrap_interval: ci(s.ci.bootstrap),
          r2: s.r2,
        })),
      },
      {
        title:
          'Diminishing returns between consecutive sizes: observed in the original table, ' +
          'and from the fitted law (delta-method 95% intervals)',
        columns: ['from', 'to', 'observed_dy', 'dy', 'dy_ci', 'dy_per_100M', 'dy_per_100M_ci', 'ratio', 'ratio_ci'],
        units: { observed_dy: 'PPL', dy: 'PPL', dy_per_100M: 'PPL per 100M params' },
        rows: a.diminishingReturns.map((r) => ({
          from: r.from,
          to: r.to,
          observed_dy: observedDelta(o, r.from, r.to),
          dy: r.dy,
          dy_ci: ci(r.dyCi),
          dy_per_100M: r.dyPer100M,
          dy_per_100M_ci: ci(r.dyPer100MCi),
          ratio: r.ratio,
          ratio_ci: ci(r.ratioCi),
        })),
      },
    ],
    figures: [
      {
        name: 'mobilellm-ppl-fit',
        caption:
          'Perplexity against total parameters (log-log): measured points, the OLS power ' +
          'law and its 95% prediction band, extrapolated to 2B.',
        spec: scalingFitSpec({
          title: 'MobileLLM: perplexity vs parameters',
          subtitle: `PPL = ${fmt(e.a, 5)}·N^${fmt(e.b, 4)}`,
          points: o.rows.map((r) => ({ x: r.params_total, y: r.perplexity, label: r.model.replace('MobileLLM-', '') })),
          fit: { name: 'power law (OLS)', curve, bandName: '95% prediction interval' },
          xTitle: 'parameters (total, tied embeddings)',
          yTitle: 'WikiText-2 perplexity',
        }),
      },
      {
        name: 'mobilellm-loss-vs-kaplan',
        caption:
          "Loss (ln PPL, nats/token) against non-embedding parameters, with Kaplan's L(N) " +
          'slope for comparison (different data and tokenizer: compare slopes, not levels).',
        spec: scalingFitSpec({
          title: 'Loss units: MobileLLM vs Kaplan L(N)',
          points: o.rows.map((r) => ({ x: r.params_non_embedding, y: r.loss_nats, label: r.model.replace('MobileLLM-', '') })),
          fit: {
            name: `MobileLLM fit (b = ${fmt(t?.estimate ?? Number.NaN, 3)})`,
            curve: sampleCurve((x) => (t ? t.estimateA * x ** t.estimate : Number.NaN), Math.min(...ne) / 1.5, Math.max(...ne) * 1.5),
          },
          references: [
            {
              name: `Kaplan L(N), α_N = ${kaplan.params.alpha_N}`,
              points: sampleCurve((x) => kaplan.form.predict(kaplan.values, [x]), Math.min(...ne) / 1.5, Math.max(...ne) * 1.5),
            },
          ],
          xTitle: 'parameters (non-embedding)',
          yTitle: 'loss (nats/token)',
        }),
      },
      {
        name: 'mobilellm-diminishing-returns',
        caption: 'Perplexity reduction per 100M added parameters between consecutive sizes, with 95% intervals.',
        spec: diminishingReturnsSpec({
          title: 'Diminishing returns',
          bars: a.diminishingReturns.map((r) => ({
            label: `${r.from.replace('MobileLLM-', '')}→${r.to.replace('MobileLLM-', '')}`,
            value: -r.dyPer100M,
            lower: -r.dyPer100MCi[1],
            upper: -r.dyPer100MCi[0],
          })),
          yTitle: 'PPL reduction per 100M params',
          xTitle: 'step up the ladder',
        }),
      },
    ],
  };
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

/** Perplexity change between two models of the original table, as the original study reported it (e.g. −2.98). */
function observedDelta(o: OriginalStudy, from: string, to: string): number | null {
  const a = o.rows.find((r) => r.model === from)?.perplexity;
  const b = o.rows.find((r) => r.model === to)?.perplexity;
  return a === undefined || b === undefined ? null : b - a;
}

function loadText(rows: ThroughputRow[]): string {
  const loads = rows.map((r) => r.loadavg_1m).filter((v): v is number => typeof v === 'number');
  return loads.length === 0 ? 'not recorded' : `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`;
}

/** Everything the study found, as the report's input (plain data, rendered by @scalewise/report). */
export function studyReportInput(r: StudyResults): ReportInput {
  const e = r.original.analysis.exponent;
  const l = r.original.analysis.lossExponent;
  const tg125 = r.throughput.find((t) => t.model === 'mobilellm-125m');
  return {
    title: 'scalewise study: scaling laws of small language models',
    subtitle: `run ${r.runId}${r.plan.options.quick ? ' (quick)' : ''}`,
    summary: [
      `MobileLLM PPL exponent b = ${fmt(e.b, 4)}, 95% t interval ${ci(e.ci.t)} (` +
        `${describeFitSize(r.original.analysis.n, e.dof)}); in loss units b = ` +
        `${fmt(l?.b ?? Number.NaN, 4)}.`,
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
