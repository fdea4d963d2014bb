import { memorySpec, throughputSpec } from '../specs/hardware.js';
import { scalingFitSpec } from '../specs/scaling.js';
import { isoflopSpec, lossCurvesSpec, type IsoflopRow, type LossCurveRow } from '../specs/training.js';
import type { Cell, ReportFigure } from '../types.js';
import { METRICS, ROLES, findColumn, isNumericColumn, memoryColumns, normalizeName, sdColumnFor, throughputColumns } from './columns.js';
import { describeMeasurement, measurementFromRows } from './describe.js';
import { powerFit } from './fit.js';
import type { ResultsTable } from './load.js';

type Row = Record<string, Cell>;

const num = (v: Cell): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const pos = (v: Cell): number | undefined => {
  const n = num(v);
  return n !== undefined && n > 0 ? n : undefined;
};
const text = (v: Cell): string => (v === null || v === undefined ? '' : String(v));

/** Quality metric columns present in a table (numeric), in METRICS order. */
export function metricColumns(table: ResultsTable): Array<{ column: string; title: string }> {
  const out: Array<{ column: string; title: string }> = [];
  for (const m of METRICS) {
    const c = findColumn(table.columns, m.aliases);
    if (c !== undefined && isNumericColumn(table.rows, c)) out.push({ column: c, title: m.title });
  }
  return out;
}

function numericRole(table: ResultsTable, aliases: readonly string[]): string | undefined {
  const c = findColumn(table.columns, aliases);
  return c !== undefined && isNumericColumn(table.rows, c) ? c : undefined;
}

/** Round to 2 significant digits so nominally equal budgets (1e18 vs 1.0000001e18) group together. */
const budgetKey = (flops: number) => Number(flops.toPrecision(2));

/** What a results table yields: figures, descriptive power-law fits, and notes (fits skipped, warnings). */
export interface TableAnalysis {
  figures: ReportFigure[];
  fits: Array<Record<string, Cell>>;
  notes: string[];
}

/**
 * Figures that a results table supports, named with `stem` as prefix; each metric-vs-size figure gets
 * a log-log OLS power law with its prediction band when the data allow one.
 */
export function figuresForTable(table: ResultsTable, stem: string): TableAnalysis {
  const figures: ReportFigure[] = [];
  const fits: Array<Record<string, Cell>> = [];
  const notes: string[] = [];
  const params = numericRole(table, ROLES.params.aliases);
  const step = numericRole(table, ROLES.step.aliases);
  const flops = numericRole(table, ROLES.flops.aliases);
  const model = findColumn(table.columns, ROLES.model.aliases);
  const metrics = metricColumns(table);
  const labelOf = (r: Row) => (model !== undefined ? text(r[model]) : '');

  if (step !== undefined && metrics[0]) {
    const m = metrics[0];
    const rows: LossCurveRow[] = [];
    for (const r of table.rows) {
      const x = num(r[step]);
      const loss = num(r[m.column]);
      if (x !== undefined && loss !== undefined) rows.push({ model: labelOf(r) || table.source, x, loss });
    }
    if (rows.length >= 2) {
      figures.push({
        name: `${stem}-loss-curves`,
        caption: `${m.column} against ${step}, one line per ${model ?? 'file'} (${table.source}).`,
        spec: lossCurvesSpec({ title: `Loss curves: ${table.source}`, rows, xTitle: step, yTitle: m.title }),
      });
    }
    return { figures, fits, notes };
  }

  if (params !== undefined) {
    for (const m of metrics.slice(0, 3)) {
      const points = table.rows.flatMap((r) => {
        const x = pos(r[params]);
        const y = pos(r[m.column]);
        return x !== undefined && y !== undefined ? [{ x, y, label: table.rows.length <= 12 ? labelOf(r) : '' }] : [];
      });
      if (new Set(points.map((p) => p.x)).size < 2) continue;
      const fit = powerFit(points, m.column);
      const fitted = 'curve' in fit;
      if (fitted) {
        fits.push(fit.row);
        notes.push(...fit.warnings);
      } else notes.push(fit.skipped);
      figures.push({
        name: `${stem}-${normalizeName(m.column).replace(/_/g, '-')}-vs-params`,
        caption:
          `${m.column} against ${params} on log-log axes (${table.source})` +
          `${fitted ? ', with a descriptive log-log OLS power law and its 95% prediction band' : ''}` +
          `; a straight line here is a power law.`,
        spec: scalingFitSpec({
          title: `${m.title} vs ${ROLES.params.title(params)}`,
          ...(fitted ? { subtitle: fit.subtitle, fit: { name: 'power law, 95% PI band', curve: fit.curve } } : {}),
          points,
          xTitle: ROLES.params.title(params),
          yTitle: m.title,
        }),
      });
    }
    if (flops !== undefined && metrics[0]) {
      const m = metrics[0];
      const rows: IsoflopRow[] = table.rows.flatMap((r) => {
        const c = pos(r[flops]);
        const n = pos(r[params]);
        const l = num(r[m.column]);
        return c !== undefined && n !== undefined && l !== undefined ? [{ flops: budgetKey(c), params: n, loss: l }] : [];
      });
      const perBudget = new Map<number, Set<number>>();
      for (const r of rows) perBudget.set(r.flops, (perBudget.get(r.flops) ?? new Set()).add(r.params));
      const budgets = [...perBudget].filter(([, sizes]) => sizes.size >= 3).map(([c]) => c);
      if (budgets.length >= 1 && budgets.length <= 12) {
        figures.push({
          name: `${stem}-isoflop`,
          caption:
            `IsoFLOP view: ${m.column} against ${params} at each compute budget (${flops}, ` +
            `rounded to 2 significant digits); diamonds mark the measured optimum of each ` +
            `budget.`,
          spec: isoflopSpec({
            title: `IsoFLOP: ${table.source}`,
            rows: rows.filter((r) => budgets.includes(r.flops)),
            xTitle: ROLES.params.title(params),
            yTitle: m.title,
          }),
        });
      }
    }
    const tput = throughputColumns(table.columns).filter((c) => isNumericColumn(table.rows, c));
    const tputRows = tput.flatMap((c) => {
      const sd = sdColumnFor(table.columns, c);
      return table.rows.flatMap((r) => {
        const n = pos(r[params]);
        const mean = pos(r[c]);
        if (n === undefined || mean === undefined) return [];
        const s = sd !== undefined ? num(r[sd]) : undefined;
        return [{ params: n, mean, series: c, label: table.rows.length <= 12 ? labelOf(r) : '', ...(s !== undefined ? { sd: s } : {}) }];
      });
    });
    if (tputRows.length > 0) {
      figures.push({
        name: `${stem}-throughput`,
        caption:
          `Throughput against ${params} (${table.source}), measured on: ` +
          `${describeMeasurement(measurementFromRows(table.rows))}; error bars are ± one ` +
          `sample sd where the file has an sd column.`,
        spec: throughputSpec({ title: `Throughput: ${table.source}`, rows: tputRows, xTitle: ROLES.params.title(params) }),
      });
    }
    const memRows = memoryColumns(table.columns)
      .filter((m) => isNumericColumn(table.rows, m.column))
      .flatMap((m) =>
        table.rows.flatMap((r) => {
          const n = pos(r[params]);
          const v = pos(r[m.column]);
          return n !== undefined && v !== undefined
            ? [{ params: n, memory: v * m.toMB, series: m.column, label: table.rows.length <= 12 ? labelOf(r) : '' }]
            : [];
        }),
      );
    if (memRows.length > 0) {
      figures.push({
        name: `${stem}-memory`,
        caption:
          `Memory against ${params} (${table.source}), converted to MB (10^6 bytes), ` +
          `measured on: ${describeMeasurement(measurementFromRows(table.rows))}.`,
        spec: memorySpec({ title: `Memory: ${table.source}`, rows: memRows, xTitle: ROLES.params.title(params), yTitle: 'memory (MB)' }),
      });
    }
  }
  return { figures, fits, notes };
}
