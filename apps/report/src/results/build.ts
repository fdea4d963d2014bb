import type { ReportInput, ReportSection, ReportTable } from '../types.js';
import { normalizeName } from './columns.js';
import { figuresForTable } from './figures.js';
import type { LoadedResults, ResultsTable } from './load.js';

/** Rows shown per table in the HTML (the files keep them all). */
export const MAX_TABLE_ROWS = 200;

const UNITS: Record<string, string> = {
  val_loss: 'nats/token',
  loss: 'nats/token',
  final_train_loss: 'nats/token',
  train_loss: 'nats/token',
  eval_loss: 'nats/token',
  val_bpb: 'bits/byte',
  bpb: 'bits/byte',
};

function stemFor(source: string, used: Set<string>): string {
  const base = normalizeName(source).replace(/_/g, '-') || 'table';
  let stem = base;
  for (let i = 2; used.has(stem); i++) stem = `${base}-${i}`;
  used.add(stem);
  return stem;
}

function reportTable(t: ResultsTable): ReportTable {
  const units: Record<string, string> = {};
  for (const c of t.columns) {
    const u = UNITS[normalizeName(c)];
    if (u) units[c] = u;
  }
  const shown = t.rows.slice(0, MAX_TABLE_ROWS);
  const table: ReportTable = { columns: t.columns, rows: shown, units };
  if (shown.length < t.rows.length) table.caption = `First ${shown.length} of ${t.rows.length} rows.`;
  return table;
}

/** Options of {@link resultsReportInput}. */
export interface ResultsReportOptions {
  title?: string;
  versions?: Record<string, string>;
  /** Extra sections appended after the per-file ones (e.g. a fit). */
  extraSections?: ReportSection[];
}

/**
 * A report for any results directory: one section per table (the table, then every figure its
 * columns support: metric vs params on log-log axes, loss curves, IsoFLOP, throughput, memory).
 */
export function resultsReportInput(results: LoadedResults, options: ResultsReportOptions = {}): ReportInput {
  const used = new Set<string>();
  const sections: ReportSection[] = results.tables.map((t) => {
    const { figures, fits, notes } = figuresForTable(t, stemFor(t.source, used));
    const kinds =
      figures.length > 0 ? `${figures.length} figure${figures.length > 1 ? 's' : ''}` : 'no figure (no recognised size/metric columns)';
    const tables = [reportTable(t)];
    if (fits.length > 0) {
      tables.push({
        title: 'Power-law fits y = a·N^b (log-log OLS, descriptive)',
        columns: Object.keys(fits[0] as object),
        rows: fits,
        caption:
          'Fitted by @scalewise/laws fitPowerOls; t-based 95% CI of b on the dof shown (n − 2). ' +
          'A pure power law has no irreducible loss term; fit a saturating form with scalewise fit to compare.',
      });
    }
    const text = [`\`${t.source}\`: ${t.rows.length} row${t.rows.length === 1 ? '' : 's'}, ${t.columns.length} columns; ${kinds}.`];
    if (notes.length > 0) text.push(notes.map((n) => `- ${n}`).join('\n'));
    return { title: t.source, text: text.join('\n\n'), tables, figures };
  });
  sections.push(...(options.extraSections ?? []));
  const nFigures = sections.reduce((s, x) => s + (x.figures?.length ?? 0), 0);
  const files = new Set(results.tables.map((t) => t.source.split('#')[0]));
  const summary = [
    `Read ${files.size} file${files.size === 1 ? '' : 's'} (${results.tables.length} ` +
      `table${results.tables.length === 1 ? '' : 's'}, ` +
      `${results.tables.reduce((s, t) => s + t.rows.length, 0)} rows); made ${nFigures}` +
      ` figure${nFigures === 1 ? '' : 's'}.`,
    ...results.skipped.map((s) => `Skipped \`${s.file}\`: ${s.reason}`),
  ];
  const input: ReportInput = { title: options.title ?? `Results: ${results.dir}`, summary, sections };
  if (results.config) input.config = results.config;
  if (options.versions) input.versions = options.versions;
  return input;
}
