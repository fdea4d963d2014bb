import {
  colorScale,
  spec,
  quantAxis,
  requireFinite,
  requirePositive,
  requireRows,
  type FigureOptions,
  type VegaLiteSpec,
} from './common.js';

/** One logged point of a training run: which model, where in training, what loss. */
export interface LossCurveRow {
  model: string;
  /** Optimizer step or tokens seen (say which in `xTitle`). */
  x: number;
  loss: number;
}

/** Input of {@link lossCurvesSpec}. */
export interface LossCurvesInput extends FigureOptions {
  rows: LossCurveRow[];
  /** e.g. "step" or "tokens seen". */
  xTitle: string;
  /** e.g. "train loss (nats/token)". */
  yTitle: string;
  /** Log x axis (default false; use true for tokens). */
  xLog?: boolean;
  /** Log y axis (default false). */
  yLog?: boolean;
}

/** Loss curves, one coloured line per model in order of first appearance. */
export function lossCurvesSpec(input: LossCurvesInput): VegaLiteSpec {
  const fig = 'lossCurvesSpec';
  requireRows(fig, input.rows);
  const xLog = input.xLog ?? false;
  const yLog = input.yLog ?? false;
  const models: string[] = [];
  const values = input.rows.map((r, i) => {
    if (!models.includes(r.model)) models.push(r.model);
    return {
      model: r.model,
      x: xLog ? requirePositive(fig, i, 'x', r.x) : requireFinite(fig, i, 'x', r.x),
      loss: yLog ? requirePositive(fig, i, 'loss', r.loss) : requireFinite(fig, i, 'loss', r.loss),
    };
  });
  return spec(input, {
    data: { values },
    mark: { type: 'line', strokeWidth: 1.6 },
    encoding: {
      x: quantAxis('x', input.xTitle, xLog, true),
      y: quantAxis('loss', input.yTitle, yLog, false),
      color: { field: 'model', type: 'nominal', title: 'model', scale: colorScale(models), sort: models },
      order: { field: 'x', type: 'quantitative' },
    },
  });
}

/** One run of an IsoFLOP grid: its compute budget (FLOPs), model size and final loss. */
export interface IsoflopRow {
  flops: number;
  params: number;
  loss: number;
}

/** Input of {@link isoflopSpec}. */
export interface IsoflopInput extends FigureOptions {
  rows: IsoflopRow[];
  /** Fitted per-budget curves (e.g. a parabola in log N, or a Chinchilla law at fixed C). */
  fits?: IsoflopRow[];
  /** Optimum per budget; defaults to the measured argmin of loss within each budget. */
  optima?: IsoflopRow[];
  xTitle?: string;
  yTitle?: string;
}

function budgetLabel(flops: number): string {
  return `${flops.toExponential(1).replace('e+', 'e')} FLOPs`;
}

/** The measured minimum-loss run of each compute budget (ties: the smaller model). */
export function isoflopOptima(rows: readonly IsoflopRow[]): IsoflopRow[] {
  const best = new Map<number, IsoflopRow>();
  for (const r of rows) {
    const cur = best.get(r.flops);
    if (!cur || r.loss < cur.loss || (r.loss === cur.loss && r.params < cur.params)) best.set(r.flops, r);
  }
  return [...best.values()].sort((a, b) => a.flops - b.flops);
}

/**
 * IsoFLOP curves: loss against model size at each fixed compute budget (one colour per budget),
 * with each budget's optimum marked by a diamond.
 */
export function isoflopSpec(input: IsoflopInput): VegaLiteSpec {
  const fig = 'isoflopSpec';
  requireRows(fig, input.rows);
  const row = (kind: string) => (r: IsoflopRow, i: number) => ({
    kind,
    budget: budgetLabel(requirePositive(fig, i, `${kind}.flops`, r.flops)),
    flops: r.flops,
    params: requirePositive(fig, i, `${kind}.params`, r.params),
    loss: requireFinite(fig, i, `${kind}.loss`, r.loss),
  });
  const optima = input.optima ?? isoflopOptima(input.rows);
  const values = [...input.rows.map(row('run')), ...(input.fits ?? []).map(row('fit')), ...optima.map(row('opt'))];
  const budgets = [...new Set(input.rows.map((r) => r.flops))].sort((a, b) => a - b).map(budgetLabel);
  const x = quantAxis('params', input.xTitle ?? 'parameters (non-embedding)', true);
  const y = quantAxis('loss', input.yTitle ?? 'loss (nats/token)', false, false);
  const color = { field: 'budget', type: 'nominal', title: 'compute', scale: colorScale(budgets), sort: budgets };
  const hasFits = (input.fits?.length ?? 0) > 0;
  return spec(input, {
    data: { values },
    layer: [
      {
        transform: [{ filter: hasFits ? "datum.kind === 'fit'" : "datum.kind === 'run'" }],
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.85 },
        encoding: { x, y, color, order: { field: 'params', type: 'quantitative' } },
      },
      { transform: [{ filter: "datum.kind === 'run'" }], mark: { type: 'point', filled: true, size: 45 }, encoding: { x, y, color } },
      {
        transform: [{ filter: "datum.kind === 'opt'" }],
        mark: { type: 'point', shape: 'diamond', filled: true, opacity: 1, size: 180, stroke: '#000000', strokeWidth: 1 },
        encoding: { x, y, color },
      },
    ],
  });
}
