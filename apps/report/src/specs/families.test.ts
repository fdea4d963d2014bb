import { describe, expect, it } from 'vitest';
import { familyComparisonSpec } from './families.js';

const input = {
  points: [
    { family: 'deep-thin', x: 6e3, y: 4.4, lower: 4.3, upper: 4.5 },
    { family: 'wide-shallow', x: 6e3, y: 4.5, lower: 4.4, upper: 4.6 },
    { family: 'deep-thin', x: 1e5, y: 3.2, lower: 3.1, upper: 3.3 },
  ],
  fits: [
    {
      family: 'deep-thin',
      name: 'power',
      curve: [
        { x: 6e3, y: 4.4 },
        { x: 1e5, y: 3.2 },
      ],
    },
    {
      family: 'deep-thin',
      name: 'saturating',
      dashed: true,
      curve: [
        { x: 6e3, y: 4.3 },
        { x: 1e5, y: 3.3 },
      ],
    },
  ],
  baselines: [
    { name: 'unigram', y: 4.47 },
    { name: '5-gram KN', y: 2.14 },
  ],
  xTitle: 'parameters (non-embedding)',
  yTitle: 'validation bits/byte',
};

describe('familyComparisonSpec', () => {
  it('shades a band per family between its lower and upper curves, under the fit lines', () => {
    const bands = [
      {
        family: 'deep-thin',
        points: [
          { x: 6e3, lower: 4.2, upper: 4.6 },
          { x: 1e5, lower: 3.0, upper: 3.4 },
        ],
      },
    ];
    const spec = familyComparisonSpec({ ...input, bands }) as unknown as {
      data: { values: Record<string, unknown>[] };
      layer: { mark: { type: string }; encoding: { y2?: { field: string } } }[];
    };
    const band = spec.data.values.filter((v) => v.kind === 'band');
    expect(band).toEqual([
      { kind: 'band', family: 'deep-thin', x: 6e3, lower: 4.2, upper: 4.6 },
      { kind: 'band', family: 'deep-thin', x: 1e5, lower: 3.0, upper: 3.4 },
    ]);
    const marks = spec.layer.map((l) => l.mark.type);
    expect(marks).toEqual(['line', 'text', 'area', 'line', 'line', 'rule', 'point']);
    expect(spec.layer[2]!.encoding.y2).toEqual({ field: 'upper' });
    expect(() => familyComparisonSpec({ ...input, bands: [{ family: 'x', points: [{ x: 1, lower: 0, upper: 1 }] }] })).toThrow(/lower/);
  });

  it('draws each family in its own colour with intervals, fits and labelled baselines across the measured range', () => {
    const spec = familyComparisonSpec(input) as unknown as {
      data: { values: Record<string, unknown>[] };
      layer: { mark: { type: string; strokeDash?: number[] } }[];
    };
    const values = spec.data.values;
    expect(values.filter((v) => v.kind === 'point')).toHaveLength(3);
    expect(values.filter((v) => v.kind === 'base').map((v) => v.x)).toEqual([6e3, 1e5, 6e3, 1e5]);
    expect(values.filter((v) => v.kind === 'fit2').every((v) => v.family === 'deep-thin')).toBe(true);
    const marks = spec.layer.map((l) => l.mark.type);
    expect(marks).toEqual(['line', 'text', 'line', 'line', 'rule', 'point']);
    expect(JSON.stringify(spec)).toContain('"domain":["deep-thin","wide-shallow"]');
  });

  it('names the row and field of a value a log axis cannot show', () => {
    expect(() => familyComparisonSpec({ ...input, points: [{ ...input.points[0]!, lower: 0 }] })).toThrow(
      /row 0 field 'lower' is on a log axis and must be > 0, found 0/,
    );
    expect(() => familyComparisonSpec({ ...input, points: [] })).toThrow(/at least one row/);
  });
});
