import { diminishingReturnsSpec } from './specs/bars.js';
import { sampleCurve } from './specs/curves.js';
import { memorySpec, throughputSpec } from './specs/hardware.js';
import { residualsSpec, scalingFitSpec } from './specs/scaling.js';
import { isoflopSpec, lossCurvesSpec, type IsoflopRow, type LossCurveRow } from './specs/training.js';
import type { ReportInput } from './types.js';

/** MobileLLM results of the original study (WikiText-2 PPL, T4 fp16 tokens/s, peak GPU MB). */
const MOBILELLM = [
  { model: 'MobileLLM-125M', params: 124_635_456, ppl: 11.961319, tps: 23.715576, mem: 701.737984 },
  { model: 'MobileLLM-350M', params: 345_355_200, ppl: 8.976614, tps: 21.692929, mem: 1181.82144 },
  { model: 'MobileLLM-600M', params: 603_188_352, ppl: 7.984185, tps: 17.527269, mem: 1739.324416 },
  { model: 'MobileLLM-1B', params: 1_005_461_760, ppl: 7.171037, tps: 13.30935, mem: 2559.193088 },
];

/** Illustrative power law in PPL units (the original study's log-log OLS: PPL = 1151.6·N^−0.24571). */
const ppl = (n: number) => 1151.6 * n ** -0.24571;

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
    summary: ['PPL ∝ N^−0.246 over 125M–1B parameters (**illustrative band**, not a fitted CI).', 'Synthetic panels are labelled *synthetic*.'],
    sections: [
      {
        title: 'Scaling fit',
        text: 'Perplexity on WikiText-2 (window 1024, stride 512) against total parameters (tied embeddings).\n\n- Points: measured.\n- Line: log-log OLS fit; band: ±4% for illustration.\n- Dashed: Kaplan et al. (2020) L(N) mapped to PPL = exp(L).',
        tables: [{
          title: 'MobileLLM results',
          columns: ['model', 'params', 'perplexity', 'tokens/s', 'peak memory'],
          units: { params: 'total, tied embeddings', 'tokens/s': 'T4 fp16', 'peak memory': 'MB' },
          rows: MOBILELLM.map((m) => ({ model: m.model, params: m.params, perplexity: m.ppl, 'tokens/s': m.tps, 'peak memory': m.mem })),
        }],
        figures: [
          {
            name: 'scaling-fit',
            caption: 'Perplexity against parameters on log-log axes with the fitted power law and Kaplan et al. (2020) for reference.',
            spec: scalingFitSpec({
              title: 'Perplexity vs parameters', subtitle: 'PPL = 1151.6 · N^−0.2457',
              points, fit: { name: 'power-law fit', curve }, references: [{ name: 'Kaplan 2020 (exp L)', points: kaplan }],
              xTitle: 'parameters (total, tied embeddings)', yTitle: 'perplexity (WikiText-2)',
            }),
          },
          {
            name: 'residuals',
            caption: 'Residuals of the fit in log10 PPL.',
            spec: residualsSpec({ title: 'Residuals', points: MOBILELLM.map((m) => ({ x: m.params, residual: Math.log10(m.ppl) - Math.log10(ppl(m.params)) })), xTitle: 'parameters (total)', yTitle: 'log10 PPL − log10 fit' }),
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
          { name: 'loss-curves', caption: 'Synthetic loss curves.', spec: lossCurvesSpec({ title: 'Loss curves (synthetic)', rows: syntheticLossCurves(), xTitle: 'step', yTitle: 'train loss (nats/token)' }) },
          { name: 'isoflop', caption: 'Chinchilla law at three budgets; diamonds mark each budget’s optimum.', spec: isoflopSpec({ title: 'IsoFLOP curves (Chinchilla law)', rows: syntheticIsoflop() }) },
        ],
      },
      {
        title: 'Throughput and memory',
        figures: [
          { name: 'throughput', spec: throughputSpec({ title: 'Throughput', rows: MOBILELLM.map((m) => ({ params: m.params, mean: m.tps, sd: m.tps * 0.05, series: 'tg50 (T4 fp16)' })), xTitle: 'parameters (total)' }) },
          { name: 'memory', spec: memorySpec({ title: 'Peak memory', rows: MOBILELLM.map((m) => ({ params: m.params, memory: m.mem, series: 'peak GPU memory' })), xTitle: 'parameters (total)' }) },
        ],
      },
    ],
    config: { source: 'shared/data/mobilellm/results.csv', window: 1024, stride: 512 },
    versions: { '@scalewise/report': '0.1.0' },
  };
}
