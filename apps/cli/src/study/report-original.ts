// The report's first section: the original MobileLLM study refitted (split from report-input.ts to keep files short).
import { basename } from 'node:path';
import { datasets, powerPredictionInterval, referenceLaws } from '@scalewise/laws';
import { describeMeasurement, diminishingReturnsSpec, sampleCurve, scalingFitSpec, type ReportSection } from '@scalewise/report';
import { ORIGINAL_MAX_LENGTH, ORIGINAL_STRIDE, type OriginalStudy } from './original.js';
import { ci, fmt } from './report-text.js';
import { measuredTable, unfittedSection } from './report-measured.js';

export function originalSection(o: OriginalStudy): ReportSection {
  const a = o.analysis;
  if (!a) return unfittedSection(o);
  const measured = o.table === 'measured';
  const corpusName = measured ? basename(o.measurements?.[0]?.ppl.corpus ?? 'the measured corpus') : 'WikiText-2';
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
    title: measured
      ? '1. The original MobileLLM study, measured again from your checkpoints'
      : '1. The original MobileLLM study, done right',
    text: [
      `**Table:** ${o.provenance}.`,
      `The original study fitted PPL = a·N^b to its models by log-log least squares ` +
        `and reported R² alone. ${measured ? 'Fitted here to the measured table' : 'Refitted here'}: ` +
        `**PPL = ${fmt(e.a, 5)} · N^${fmt(e.b, 5)}` +
        `**, R² = ${fmt(e.r2 ?? Number.NaN, 5)} (N = total parameters, tied embeddings ` +
        `counted once; ${a.n} models).`,
      `With ${a.n} points the exponent rests on ${e.dof} degrees of freedom: its 95% t ` +
        `interval is ${ci(e.ci.t)}; the (expanded) percentile bootstrap gives ${ci(e.ci.bootstrap)} ` +
        `(too narrow at n = ${a.n}: resampling ${a.n} rows mostly repeats sizes).`,
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
          `the same spread. The data sets differ (${corpusName} vs WebText2, different ` +
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
      measured
        ? measuredTable(o)
        : {
            title:
              `MobileLLM measurements (${datasets.mobilellmConditions.perplexity}; throughput ` +
              `on ` +
              `${describeMeasurement({ device: datasets.mobilellmConditions.device, dtype: datasets.mobilellmConditions.dtype })}` +
              `, ${datasets.mobilellmConditions.throughput})`,
            columns: [
              'model',
              'params_total',
              'params_non_embedding',
              'perplexity',
              'loss_nats',
              'tokens_per_second_t4',
              'peak_memory_mb_t4',
            ],
            units: {
              params_total: 'params',
              params_non_embedding: 'params',
              loss_nats: 'nats/token',
              tokens_per_second_t4: 'tokens/s',
              peak_memory_mb_t4: 'MB',
            },
            rows: o.rows as unknown as ReturnType<typeof measuredTable>['rows'],
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
          observed_dy: r.observedDy,
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
          yTitle: measured ? `perplexity (HF strided, ${ORIGINAL_MAX_LENGTH}/${ORIGINAL_STRIDE})` : 'WikiText-2 perplexity',
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
