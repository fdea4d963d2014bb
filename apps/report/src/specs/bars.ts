import { spec, requireFinite, requireRows, type FigureOptions, type VegaLiteSpec } from './common.js';

/** One bar: a category (e.g. "125M → 350M") and its value with an optional interval. */
export interface BarRow {
  label: string;
  value: number;
  lower?: number;
  upper?: number;
}

/** Input of {@link diminishingReturnsSpec}. */
export interface DiminishingReturnsInput extends FigureOptions {
  bars: BarRow[];
  /** e.g. "loss reduction per doubling (nats/token)". */
  yTitle: string;
  /** e.g. "model step". */
  xTitle?: string;
}

/**
 * Diminishing returns: one bar per step up the ladder (in the given order) with error bars
 * from `lower` to `upper` where given (e.g. a 95% bootstrap CI).
 */
export function diminishingReturnsSpec(input: DiminishingReturnsInput): VegaLiteSpec {
  const fig = 'diminishingReturnsSpec';
  requireRows(fig, input.bars);
  const values = input.bars.map((b, i) => {
    const row: Record<string, unknown> = { label: b.label, value: requireFinite(fig, i, 'value', b.value) };
    if (b.lower !== undefined || b.upper !== undefined) {
      row.lower = requireFinite(fig, i, 'lower', b.lower);
      row.upper = requireFinite(fig, i, 'upper', b.upper);
    }
    return row;
  });
  const x = { field: 'label', type: 'nominal', title: input.xTitle ?? null, sort: null, axis: { labelAngle: 0, labelLimit: 160 } };
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', color: '#56B4E9', width: { band: 0.6 } },
      encoding: { x, y: { field: 'value', type: 'quantitative', title: input.yTitle } },
    },
  ];
  if (values.some((v) => v.lower !== undefined)) {
    layer.push({
      transform: [{ filter: 'isValid(datum.lower)' }],
      mark: { type: 'errorbar', ticks: { size: 12 }, color: '#222222', thickness: 1.5 },
      encoding: { x, y: { field: 'lower', type: 'quantitative', title: input.yTitle }, y2: { field: 'upper' } },
    });
  }
  return spec(input, { data: { values }, layer });
}
