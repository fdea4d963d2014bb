import { datasets, fitPowerOls } from '@scalewise/laws';
import { diminishingReturnsSpec } from './specs/bars.js';
import { sampleCurve } from './specs/curves.js';
import { memorySpec, throughputSpec } from './specs/hardware.js';
import { residualsSpec, scalingFitSpec } from './specs/scaling.js';
import { isoflopSpec, lossCurvesSpec, type IsoflopRow, type LossCurveRow } from './specs/training.js';
import type { ReportInput } from './types.js';
import { describeFitSize, describeMeasurement } from './results/describe.js';

/** MobileLLM results of the original study, from @scalewise/laws (the table's only copy). */
const MOBILELLM = datasets.mobilellm.map((r) => ({
  model: r.model_name,
  params: r.num_params,
  ppl: r.perplexity,
  tps: r.tokens_per_second,
  mem: r.peak_memory_mb,
}));
const CONDITIONS = datasets.mobilellmConditions;
/** The original study's log-log OLS of PPL on params, refitted here so no fitted number is retyped. */
const FIT = fitPowerOls(
  MOBILELLM.map((m) => m.params),
  MOBILELLM.map((m) => m.ppl),
);
const A = FIT.params.a as number;
const B = FIT.params.b as number;
const ppl = (n: number) => A * n ** B;
const sig = (v: number, d: number) => Number(v.toPrecision(d)).toString();

function syntheticLossCurves(): LossCurveRow[] {
  const rows: LossCurveRow[] = [];
  for (const [i, model] of ['ladder-0.3M', 'ladder-0.6M', 'ladder-1.2M'].entries()) {
    for (let step = 0; step <= 400; step += 20) rows.push({ model, x: step, loss: 2.2 - 0.15 * i + 3.4 * Math.exp(-step / (60 + 20 * i)) });
  }
  return rows;
}

function syntheticIsoflop(): IsoflopRow[] {
  // Chinchilla's published law (Hoffmann et al. 2022) evaluated at D = C / (6N).
  const loss = (n: number, d: number) => 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28;
  const rows: IsoflopRow[] = [];
  for (const flops of [1e18, 1e19, 1e20]) {
    for (const n of [2e7, 5e7, 1e8, 2e8, 5e8, 1e9, 2e9]) rows.push({ flops, params: n, loss: loss(n, flops / (6 * n)) });
  }
  return rows;
}

/**
 * A small report exercising every figure builder and table feature (MobileLLM's published table plus
 * clearly labelled synthetic curves). Used by the tests, the benchmark and the README.
 */
export function exampleReportInput(): ReportInput {
  const points = MOBILELLM.map((m) => ({ x: m.params, y: m.ppl, label: m.model.replace('MobileLLM-', '') }));
  const curve = sampleCurve(ppl, 1e8, 2e9, 40).map((p) => ({ ...p, lower: p.y * 0.96, upper: p.y * 1.04 }));
  const kaplan = sampleCurve((n) => Math.exp((8.8e13 / n) ** 0.076), 1e8, 2e9, 40);
  return {
    title: 'Example scaling report',
    subtitle: 'MobileLLM results of the original study, plus synthetic curves showing every figure type',
    summary: [
      `PPL ∝ N^${sig(B, 3)} over ` +
        `${MOBILELLM[0]!.model.replace('MobileLLM-', '')}–${MOBILELLM.at(-1)!.model.replace('MobileLLM-', '')} parameters ` +
        `(${describeFitSize(FIT.n_points, FIT.stats.dof)}; **illustrative band**, not a fitted CI).`,
      'Synthetic panels are labelled *synthetic*.',
    ],
    sections: [
      {
        title: 'Scaling fit',
        text:
          `Perplexity on ${CONDITIONS.perplexity} against total parameters (tied embeddings).\n\n- Points: measured.\n- Line: ` +
          `log-log OLS fit (${describeFitSize(FIT.n_points, FIT.stats.dof)}); band: ±4% for illustration.\n- Dashed: Kaplan et al. ` +
          `(2020) L(N) mapped to PPL = exp(L).`,
        tables: [
          {
            title: 'MobileLLM results',
            columns: ['model', 'params', 'perplexity', 'tokens/s', 'peak memory'],
            units: { params: 'total, tied embeddings', 'tokens/s': describeMeasurement(CONDITIONS), 'peak memory': 'MB' },
            rows: MOBILELLM.map((m) => ({ model: m.model, params: m.params, perplexity: m.ppl, 'tokens/s': m.tps, 'peak memory': m.mem })),
          },
        ],
        figures: [
          {
            name: 'scaling-fit',
            caption: 'Perplexity against parameters on log-log axes with the fitted power law and Kaplan et al. (2020) for reference.',
            spec: scalingFitSpec({
              title: 'Perplexity vs parameters',
              subtitle: `PPL = ${sig(A, 5)} · N^${sig(B, 4)}`,
              points,
              fit: { name: 'power-law fit', curve },
              references: [{ name: 'Kaplan 2020 (exp L)', points: kaplan }],
              xTitle: 'parameters (total, tied embeddings)',
              yTitle: 'perplexity (WikiText-2)',
            }),
          },
          {
            name: 'residuals',
            caption: 'Residuals of the fit in log10 PPL.',
            spec: residualsSpec({
              title: 'Residuals',
              points: MOBILELLM.map((m) => ({ x: m.params, residual: Math.log10(m.ppl) - Math.log10(ppl(m.params)) })),
              xTitle: 'parameters (total)',
              yTitle: 'log10 PPL − log10 fit',
            }),
          },
          {
            name: 'diminishing-returns',
            caption: 'Perplexity reduction per step up the ladder.',
            spec: diminishingReturnsSpec({
              title: 'Diminishing returns',
              bars: MOBILELLM.slice(1).map((m, i) => {
                const prev = MOBILELLM[i] as (typeof MOBILELLM)[number];
                const d = prev.ppl - m.ppl;
                return { label: `${prev.model.slice(10)} → ${m.model.slice(10)}`, value: d, lower: d * 0.85, upper: d * 1.15 };
              }),
              yTitle: 'PPL reduction',
            }),
          },
        ],
      },
      {
        title: 'Training (synthetic)',
        figures: [
          {
            name: 'loss-curves',
            caption: 'Synthetic loss curves.',
            spec: lossCurvesSpec({
              title: 'Loss curves (synthetic)',
              rows: syntheticLossCurves(),
              xTitle: 'step',
              yTitle: 'train loss (nats/token)',
            }),
          },
          {
            name: 'isoflop',
            caption: 'Chinchilla law at three budgets; diamonds mark each budget’s optimum.',
            spec: isoflopSpec({ title: 'IsoFLOP curves (Chinchilla law)', rows: syntheticIsoflop() }),
          },
        ],
      },
      {
        title: 'Throughput and memory',
        figures: [
          {
            name: 'throughput',
            spec: throughputSpec({
              title: 'Throughput',
              rows: MOBILELLM.map((m) => ({
                params: m.params,
                mean: m.tps,
                sd: m.tps * 0.05,
                series: `decode (${describeMeasurement(CONDITIONS)})`,
              })),
              xTitle: 'parameters (total)',
            }),
          },
          {
            name: 'memory',
            spec: memorySpec({
              title: 'Peak memory',
              rows: MOBILELLM.map((m) => ({ params: m.params, memory: m.mem, series: CONDITIONS.memory })),
              xTitle: 'parameters (total)',
            }),
          },
        ],
      },
    ],
    config: {
      source: "@scalewise/laws datasets.mobilellm (the original study's results.csv)",
      perplexity: CONDITIONS.perplexity,
      throughput: CONDITIONS.throughput,
    },
    measurement: { device: CONDITIONS.device, dtype: CONDITIONS.dtype },
    versions: { '@scalewise/report': '0.1.0' },
  };
}
