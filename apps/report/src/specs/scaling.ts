import type { CurvePoint } from './curves.js';
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

/** A measured model: x (e.g. non-embedding params), y (e.g. loss in nats/token), optional text label. */
export interface MeasuredPoint {
  x: number;
  y: number;
  label?: string;
}

/** A point of the fitted curve, with the confidence band's bounds where known. */
export interface FitCurvePoint extends CurvePoint {
  lower?: number;
  upper?: number;
}

/** A published law drawn as a dashed line for comparison (sample it with `sampleCurve`). */
export interface ReferenceCurve {
  name: string;
  points: CurvePoint[];
}

/** Input of {@link scalingFitSpec}. */
export interface ScalingFitInput extends FigureOptions {
  points: MeasuredPoint[];
  /** Fitted curve; `lower`/`upper` draw the band (e.g. 95% CI of the mean). */
  fit?: { name: string; curve: FitCurvePoint[]; bandName?: string };
  references?: ReferenceCurve[];
  /** Axis titles with units, e.g. "parameters (non-embedding)", "loss (nats/token)". */
  xTitle: string;
  yTitle: string;
  /** Name of the measured series in the legend (default "measured"). */
  pointsName?: string;
  /** Log axes (default true for both). */
  xLog?: boolean;
  yLog?: boolean;
}

const FIG = 'scalingFitSpec';

/**
 * Scaling fit on log-log axes: measured points, the fitted curve with its CI band, and reference laws
 * (dashed) overlaid, one legend for all series.
 */
export function scalingFitSpec(input: ScalingFitInput): VegaLiteSpec {
  requireRows(FIG, input.points);
  const xLog = input.xLog ?? true;
  const yLog = input.yLog ?? true;
  const check = (row: number, field: string, v: unknown, log: boolean) =>
    log ? requirePositive(FIG, row, field, v) : requireFinite(FIG, row, field, v);
  const measured = input.pointsName ?? 'measured';
  const values: Record<string, unknown>[] = [];
  input.points.forEach((p, i) => {
    values.push({ kind: 'point', series: measured, x: check(i, 'x', p.x, xLog), y: check(i, 'y', p.y, yLog), label: p.label ?? '' });
  });
  const series = [measured];
  const hasBand = input.fit?.curve.some((p) => p.lower !== undefined && p.upper !== undefined) ?? false;
  if (input.fit) {
    series.push(input.fit.name);
    input.fit.curve.forEach((p, i) => {
      const row: Record<string, unknown> = {
        kind: 'fit',
        series: input.fit?.name,
        x: check(i, 'fit.x', p.x, xLog),
        y: check(i, 'fit.y', p.y, yLog),
      };
      if (p.lower !== undefined && p.upper !== undefined) {
        row.lower = check(i, 'fit.lower', p.lower, yLog);
        row.upper = check(i, 'fit.upper', p.upper, yLog);
      }
      values.push(row);
    });
  }
  for (const ref of input.references ?? []) {
    series.push(ref.name);
    ref.points.forEach((p, i) =>
      values.push({ kind: 'ref', series: ref.name, x: check(i, `${ref.name}.x`, p.x, xLog), y: check(i, `${ref.name}.y`, p.y, yLog) }),
    );
  }
  const x = quantAxis('x', input.xTitle, xLog);
  const y = quantAxis('y', input.yTitle, yLog, false);
  const color = { field: 'series', type: 'nominal', title: null, scale: colorScale(series) };
  const layer: Record<string, unknown>[] = [];
  if (hasBand) {
    layer.push({
      transform: [{ filter: "datum.kind === 'fit' && isValid(datum.lower)" }],
      mark: { type: 'area', opacity: 0.18 },
      encoding: { x, y: { ...quantAxis('lower', input.yTitle, yLog, false) }, y2: { field: 'upper' }, color },
    });
  }
  // Empty layers would give Vega infinite extents: add only what has data.
  if ((input.references ?? []).some((r) => r.points.length > 0)) {
    layer.push({
      transform: [{ filter: "datum.kind === 'ref'" }],
      mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { x, y, color, detail: { field: 'series' } },
    });
  }
  if ((input.fit?.curve.length ?? 0) > 0) {
    layer.push({ transform: [{ filter: "datum.kind === 'fit'" }], mark: { type: 'line' }, encoding: { x, y, color } });
  }
  layer.push({
    transform: [{ filter: "datum.kind === 'point'" }],
    mark: { type: 'point', filled: true, opacity: 1, size: 70 },
    encoding: { x, y, color },
  });
  if (input.points.some((p) => p.label)) {
    layer.push({
      transform: [{ filter: "datum.kind === 'point'" }],
      mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10, color: '#333333' },
      encoding: { x, y, text: { field: 'label' } },
    });
  }
  return spec(input, { data: { values }, layer });
}

/** A fit residual at x (y − ŷ, or log y − log ŷ: say which in `yTitle`). */
export interface ResidualPoint {
  x: number;
  residual: number;
  label?: string;
}

/** Input of {@link residualsSpec}. */
export interface ResidualsInput extends FigureOptions {
  points: ResidualPoint[];
  xTitle: string;
  /** e.g. "residual (log loss − log fit)". */
  yTitle: string;
  xLog?: boolean;
}

/** Residuals of a fit against x, with the zero line: structure here means the functional form is off. */
export function residualsSpec(input: ResidualsInput): VegaLiteSpec {
  const fig = 'residualsSpec';
  requireRows(fig, input.points);
  const xLog = input.xLog ?? true;
  const values = input.points.map((p, i) => ({
    x: xLog ? requirePositive(fig, i, 'x', p.x) : requireFinite(fig, i, 'x', p.x),
    residual: requireFinite(fig, i, 'residual', p.residual),
    label: p.label ?? '',
  }));
  const x = quantAxis('x', input.xTitle, xLog);
  const y = { ...quantAxis('residual', input.yTitle, false), scale: { zero: true, nice: true } };
  return spec(input, {
    data: { values },
    layer: [
      { mark: { type: 'rule', color: '#888888', strokeDash: [4, 3] }, encoding: { y: { datum: 0, type: 'quantitative' } } },
      { mark: { type: 'rule', color: '#0072B2', opacity: 0.5 }, encoding: { x, y, y2: { datum: 0 } } },
      { mark: { type: 'point', filled: true, opacity: 1, color: '#0072B2', size: 60 }, encoding: { x, y } },
    ],
  });
}
