import type { TopLevelSpec } from 'vega-lite';
import { ReportInputError } from '../errors.js';
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, PALETTE, SI_LABEL_EXPR, baseConfig } from '../theme.js';

/** A Vega-Lite specification as plain JSON (no functions): serialisable, reusable in any Vega-Lite host. */
export type VegaLiteSpec = TopLevelSpec;

/** Options every spec builder accepts. */
export interface FigureOptions {
  /** Figure title (bold, top left). */
  title?: string;
  /** Smaller line under the title (e.g. the fitted law). */
  subtitle?: string;
  /** Plot width in pixels (default 460). */
  width?: number;
  /** Plot height in pixels (default 300). */
  height?: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A top-level spec: schema, size, title and theme config around the figure's `body` (data, marks). */
export function spec(options: FigureOptions, body: Record<string, unknown>): VegaLiteSpec {
  return { ...frame(options), ...body } as unknown as VegaLiteSpec;
}

function frame(options: FigureOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    $schema: SCHEMA,
    width: options.width ?? DEFAULT_WIDTH,
    height: options.height ?? DEFAULT_HEIGHT,
    config: baseConfig(),
  };
  if (options.title !== undefined) {
    out.title = options.subtitle !== undefined ? { text: options.title, subtitle: options.subtitle } : { text: options.title };
  }
  return out;
}

/** A quantitative position channel; log scales get SI labels (125M, 1B) unless `si` is false. */
export function quantAxis(field: string, title: string, log: boolean, si = log): Record<string, unknown> {
  return {
    field,
    type: 'quantitative',
    title,
    scale: log ? { type: 'log', nice: false, padding: 14 } : { zero: false, nice: true },
    axis: si ? { labelExpr: SI_LABEL_EXPR, labelOverlap: 'greedy' } : { labelOverlap: 'greedy' },
  };
}

/** Colour scale with a fixed domain order so the same series keeps its colour across figures. */
export function colorScale(domain: string[], range: readonly string[] = PALETTE): { domain: string[]; range: string[] } {
  const colors = domain.map((_, i) => range[i % range.length] as string);
  return { domain, range: colors };
}

/** Throws when a required numeric field is missing or not finite, naming the figure, row and field. */
export function requireFinite(figure: string, row: number, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ReportInputError(`${figure}: row ${row} field '${field}' must be a finite number, found ${String(value)}`);
  }
  return value;
}

/** Throws when a value on a log axis is not strictly positive. */
export function requirePositive(figure: string, row: number, field: string, value: unknown): number {
  const v = requireFinite(figure, row, field, value);
  if (v <= 0) throw new ReportInputError(`${figure}: row ${row} field '${field}' is on a log axis and must be > 0, found ${v}`);
  return v;
}

/** Throws when a figure has nothing to draw. */
export function requireRows(figure: string, rows: readonly unknown[]): void {
  if (rows.length === 0) throw new ReportInputError(`${figure}: expected at least one row, found none`);
}
