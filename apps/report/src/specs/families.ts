import { colorScale, quantAxis, requirePositive, requireRows, spec, type FigureOptions, type VegaLiteSpec } from './common.js';
import type { CurvePoint } from './curves.js';

/** A run of one family: size, value and its interval (e.g. bits/byte with a 95% document-bootstrap interval). */
export interface FamilyPoint {
  family: string;
  x: number;
  y: number;
  lower: number;
  upper: number;
}

/** Input of {@link familyComparisonSpec}. */
export interface FamilyComparisonInput extends FigureOptions {
  points: FamilyPoint[];
  /** Fitted curves per family; `dashed` for a second form. */
  fits: { family: string; name: string; curve: CurvePoint[]; dashed?: boolean }[];
  /** Shaded bands per family around a fit (e.g. the power law's 95% prediction band): x with lower and upper y. */
  bands?: { family: string; points: { x: number; lower: number; upper: number }[] }[];
  /** Horizontal reference lines (e.g. n-gram baselines). */
  baselines: { name: string; y: number }[];
  xTitle: string;
  yTitle: string;
}

const FIG = 'familyComparisonSpec';

/**
 * Several families on log-log axes: each run as a point with its interval, each family's fits as lines in the
 * family's colour, and baselines as grey dotted horizontal rules labelled at the right edge.
 */
export function familyComparisonSpec(input: FamilyComparisonInput): VegaLiteSpec {
  requireRows(FIG, input.points);
  const families = [...new Set([...input.points.map((p) => p.family), ...input.fits.map((f) => f.family)])];
  const values: Record<string, unknown>[] = [];
  input.points.forEach((p, i) => {
    values.push({
      kind: 'point',
      family: p.family,
      x: requirePositive(FIG, i, 'x', p.x),
      y: requirePositive(FIG, i, 'y', p.y),
      lower: requirePositive(FIG, i, 'lower', p.lower),
      upper: requirePositive(FIG, i, 'upper', p.upper),
    });
  });
  input.fits.forEach((f) =>
    f.curve.forEach((p, i) =>
      values.push({
        kind: f.dashed ? 'fit2' : 'fit',
        family: f.family,
        series: `${f.family} ${f.name}`,
        x: requirePositive(FIG, i, `${f.name}.x`, p.x),
        y: requirePositive(FIG, i, `${f.name}.y`, p.y),
      }),
    ),
  );
  (input.bands ?? []).forEach((b) =>
    b.points.forEach((p, i) =>
      values.push({
        kind: 'band',
        family: b.family,
        x: requirePositive(FIG, i, `${b.family} band x`, p.x),
        lower: requirePositive(FIG, i, `${b.family} band lower`, p.lower),
        upper: requirePositive(FIG, i, `${b.family} band upper`, p.upper),
      }),
    ),
  );
  const xs = input.points.map((p) => p.x);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  input.baselines.forEach((b, i) => {
    const y = requirePositive(FIG, i, `${b.name}.y`, b.y);
    values.push({ kind: 'base', name: b.name, x: xMin, y }, { kind: 'base', name: b.name, x: xMax, y });
  });
  const x = quantAxis('x', input.xTitle, true);
  const y = quantAxis('y', input.yTitle, true, false);
  const color = { field: 'family', type: 'nominal', title: null, scale: colorScale(families) };
  const layer: Record<string, unknown>[] = [];
  if (input.baselines.length > 0) {
    layer.push({
      transform: [{ filter: "datum.kind === 'base'" }],
      mark: { type: 'line', strokeDash: [2, 3], color: '#888888', strokeWidth: 1 },
      encoding: { x, y, detail: { field: 'name' } },
    });
    layer.push({
      transform: [{ filter: "datum.kind === 'base'" }, { filter: `datum.x === ${xMax}` }],
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 9, color: '#555555' },
      encoding: { x, y, text: { field: 'name' } },
    });
  }
  if (values.some((v) => v.kind === 'band'))
    layer.push({
      transform: [{ filter: "datum.kind === 'band'" }],
      mark: { type: 'area', opacity: 0.15 },
      encoding: { x, y: { ...quantAxis('lower', input.yTitle, true, false) }, y2: { field: 'upper' }, color, detail: { field: 'family' } },
    });
  if (values.some((v) => v.kind === 'fit'))
    layer.push({
      transform: [{ filter: "datum.kind === 'fit'" }],
      mark: { type: 'line' },
      encoding: { x, y, color, detail: { field: 'series' } },
    });
  if (values.some((v) => v.kind === 'fit2'))
    layer.push({
      transform: [{ filter: "datum.kind === 'fit2'" }],
      mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.2 },
      encoding: { x, y, color, detail: { field: 'series' } },
    });
  layer.push({
    transform: [{ filter: "datum.kind === 'point'" }],
    mark: { type: 'rule' },
    encoding: { x, y: { ...quantAxis('lower', input.yTitle, true, false) }, y2: { field: 'upper' }, color },
  });
  layer.push({
    transform: [{ filter: "datum.kind === 'point'" }],
    mark: { type: 'point', filled: true, opacity: 0.9, size: 45 },
    encoding: { x, y, color },
  });
  return spec(input, { data: { values }, layer });
}
