// The original-study section when the table was measured from checkpoints, or could not be fitted, and the
// one-line summaries of stage 1 (split from report-original.ts to keep files short).
import { describeFitSize, type ReportSection } from '@scalewise/report';
import { ORIGINAL_MAX_LENGTH, ORIGINAL_STRIDE, type OriginalStudy } from './original.js';
import { ci, fmt } from './report-text.js';

type ReportTable = NonNullable<ReportSection['tables']>[number];

/** The measured table: this machine's perplexity, tokens/s (mean ± sd) and peak RSS per checkpoint. */
export function measuredTable(o: OriginalStudy): ReportTable {
  const ppl = o.measurements?.map((m) => m.ppl) ?? [];
  const corpus = ppl[0]?.corpus ?? 'the corpus';
  const windows = [...new Set(ppl.map((p) => `window ${p.max_length}, stride ${p.stride}`))];
  const window =
    windows.length === 1 ? windows[0] : `window ${ORIGINAL_MAX_LENGTH}, stride ${ORIGINAL_STRIDE} or less (per model in original.json)`;
  return {
    title:
      `Measured by scalewise on this machine (perplexity: ${corpus}, HF strided recipe, ` +
      `${window}; ` +
      `tokens/s: 50 greedy tokens without KV cache, batch 1, fp32 on CPU, mean ± sd of ` +
      `repetitions; memory: peak RSS of the benchmark process)`,
    columns: [
      'model',
      'params_total',
      'params_non_embedding',
      'perplexity',
      'loss_nats',
      'tokens_per_second',
      'tokens_per_second_sd',
      'peak_rss_mb',
      'source',
    ],
    units: {
      params_total: 'params (counted from the loaded weights)',
      params_non_embedding: 'params',
      loss_nats: 'nats/token',
      tokens_per_second: 'tokens/s',
      tokens_per_second_sd: 'tokens/s (sample sd)',
      peak_rss_mb: 'MB',
    },
    rows: o.rows as unknown as ReportTable['rows'],
  };
}

/** Stage 1 without a fit (fewer than 3 sizes): the table, and why no law is drawn. */
export function unfittedSection(o: OriginalStudy): ReportSection {
  return {
    title: '1. The original MobileLLM study, measured again from your checkpoints',
    text: [`**Table:** ${o.provenance}.`, `**No fit.** ${o.fit_note ?? 'the table could not be fitted'}.`].join('\n\n'),
    tables: [measuredTable(o)],
    figures: [],
  };
}

/** The report summary's sentence about stage 1. */
export function originalSummarySentence(o: OriginalStudy): string {
  const a = o.analysis;
  const from = o.table === 'measured' ? ' (measured here)' : '';
  if (!a) return `MobileLLM table${from}: ${o.fit_note ?? 'no fit'}.`;
  const e = a.exponent;
  return (
    `MobileLLM PPL exponent${from} b = ${fmt(e.b, 4)}, 95% t interval ${ci(e.ci.t)} (${describeFitSize(a.n, e.dof)}); ` +
    `in loss units b = ${fmt(a.lossExponent?.b ?? null, 4)}.`
  );
}

/** `study --json` summary of stage 1 (fields kept from before checkpoints could be measured; null without a fit). */
export function originalSummaryJson(o: OriginalStudy) {
  const e = o.analysis?.exponent;
  return {
    a: e?.a ?? null,
    b: e?.b ?? null,
    b_ci_t: e?.ci.t ?? null,
    b_ci_bootstrap: e?.ci.bootstrap ?? null,
    r2: e?.r2 ?? null,
    loss_b: o.analysis?.lossExponent?.b ?? null,
    kaplan_test: o.analysis?.referenceTest ?? null,
    table: o.table,
    provenance: o.provenance,
    fit_note: o.fit_note,
    models: o.rows.map((r) => r.model),
  };
}

/** The line `study` prints about stage 1 (the shipped table's line as it was before checkpoints could be measured). */
export function originalSummaryLine(o: OriginalStudy): string {
  const a = o.analysis;
  const label = `MobileLLM (${o.rows.length} models${o.table === 'measured' ? ', measured here' : ''})`;
  if (!a) return `${label}: ${o.fit_note ?? 'no fit'}`;
  const e = a.exponent;
  const fixed = (v: number | null | undefined, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  return (
    `${label}: PPL = ${fixed(e.a, 1)} · N^${fixed(e.b, 5)}, R² = ${fixed(e.r2, 5)}; b 95% CI [${fixed(e.ci.t[0], 3)}, ` +
    `${fixed(e.ci.t[1], 3)}] (t, ${e.dof} dof); loss-unit b = ${fixed(a.lossExponent?.b, 4)}`
  );
}
