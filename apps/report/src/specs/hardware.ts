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

/** A throughput measurement: mean ± sample sd over repetitions, for one model and one test (e.g. pp512, tg128). */
export interface ThroughputRow {
  params: number;
  /** Mean tokens/s over repetitions. */
  mean: number;
  /** Sample standard deviation over repetitions (error bar ± sd). */
  sd?: number;
  /** Test name, one colour each (e.g. "pp512", "tg128"); default "throughput". */
  series?: string;
  label?: string;
}

/** Input of {@link throughputSpec}. */
export interface ThroughputInput extends FigureOptions {
  rows: ThroughputRow[];
  xTitle?: string;
  yTitle?: string;
  /** Log y axis (default true). */
  yLog?: boolean;
}

function seriesOrder(rows: readonly { series?: string }[], fallback: string): string[] {
  const out: string[] = [];
  for (const r of rows) if (!out.includes(r.series ?? fallback)) out.push(r.series ?? fallback);
  return out;
}

/** Throughput (tokens/s) against model size on log axes, mean ± sd error bars, one colour per test. */
export function throughputSpec(input: ThroughputInput): VegaLiteSpec {
  const fig = 'throughputSpec';
  requireRows(fig, input.rows);
  const yLog = input.yLog ?? true;
  const values = input.rows.map((r, i) => {
    const mean = yLog ? requirePositive(fig, i, 'mean', r.mean) : requireFinite(fig, i, 'mean', r.mean);
    const sd = r.sd === undefined ? 0 : requireFinite(fig, i, 'sd', r.sd);
    // A log axis cannot show a bar reaching zero: clip the lower end at a tenth of the mean.
    const lower = yLog ? Math.max(mean - sd, mean / 10) : mean - sd;
    return {
      params: requirePositive(fig, i, 'params', r.params),
      mean,
      sd,
      lower,
      upper: mean + sd,
      series: r.series ?? 'throughput',
      label: r.label ?? '',
    };
  });
  const series = seriesOrder(input.rows, 'throughput');
  const yTitle = input.yTitle ?? 'throughput (tokens/s)';
  const x = quantAxis('params', input.xTitle ?? 'parameters', true);
  const y = quantAxis('mean', yTitle, yLog, false);
  const color = { field: 'series', type: 'nominal', title: 'test', scale: colorScale(series), sort: series };
  const layer: Record<string, unknown>[] = [
    { mark: { type: 'line', strokeWidth: 1.2, opacity: 0.6 }, encoding: { x, y, color, order: { field: 'params', type: 'quantitative' } } },
    {
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: { ...quantAxis('lower', yTitle, yLog, false) }, y2: { field: 'upper' }, color },
    },
    { mark: { type: 'point', filled: true, opacity: 1, size: 60 }, encoding: { x, y, color } },
  ];
  if (values.some((v) => v.label)) {
    layer.push({
      mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10, color: '#333333' },
      encoding: { x, y, text: { field: 'label' } },
    });
  }
  return spec(input, { data: { values }, layer });
}

/** A memory measurement or estimate for one model. */
export interface MemoryRow {
  params: number;
  /** Memory in the unit named by `yTitle` (default MB). */
  memory: number;
  /** e.g. "peak RSS (measured)", "weights fp32 (exact)". */
  series?: string;
  label?: string;
}

/** Input of {@link memorySpec}. */
export interface MemoryInput extends FigureOptions {
  rows: MemoryRow[];
  xTitle?: string;
  yTitle?: string;
}

/** Memory against model size on log-log axes, one colour per series (measured vs accounted). */
export function memorySpec(input: MemoryInput): VegaLiteSpec {
  const fig = 'memorySpec';
  requireRows(fig, input.rows);
  const values = input.rows.map((r, i) => ({
    params: requirePositive(fig, i, 'params', r.params),
    memory: requirePositive(fig, i, 'memory', r.memory),
    series: r.series ?? 'memory',
    label: r.label ?? '',
  }));
  const series = seriesOrder(input.rows, 'memory');
  const x = quantAxis('params', input.xTitle ?? 'parameters', true);
  const y = quantAxis('memory', input.yTitle ?? 'peak memory (MB)', true, false);
  const color = { field: 'series', type: 'nominal', title: null, scale: colorScale(series), sort: series };
  const layer: Record<string, unknown>[] = [
    { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, order: { field: 'params', type: 'quantitative' } } },
    { mark: { type: 'point', filled: true, opacity: 1, size: 60 }, encoding: { x, y, color } },
  ];
  if (values.some((v) => v.label)) {
    layer.push({
      mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10, color: '#333333' },
      encoding: { x, y, text: { field: 'label' } },
    });
  }
  return spec(input, { data: { values }, layer });
}
