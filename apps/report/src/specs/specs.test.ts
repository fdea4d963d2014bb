import { describe, expect, it } from 'vitest';
import { ReportInputError } from '../errors.js';
import { renderSvg } from '../render/svg.js';
import { diminishingReturnsSpec } from './bars.js';
import { logSpace, sampleCurve } from './curves.js';
import { memorySpec, throughputSpec } from './hardware.js';
import { residualsSpec, scalingFitSpec } from './scaling.js';
import { isoflopOptima, isoflopSpec, lossCurvesSpec } from './training.js';

/** Centres of the data points (symbol marks) drawn in an SVG, with Vega's aria label of each. */
function points(svg: string): Array<{ label: string; x: number; y: number }> {
  const re =
    /<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="point" transform="translate\(([-\d.e]+),([-\d.e]+)\)"/g;
  return [...svg.matchAll(re)].map((m) => ({ label: m[1] as string, x: Number(m[2]), y: Number(m[3]) }));
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('curves', () => {
  it('logSpace is geometric and inclusive', () => {
    const xs = logSpace(1e3, 1e6, 4);
    expect(xs.map((x) => Math.log10(x))).toEqual([3, 4, 5, 6].map((v) => expect.closeTo(v, 12)));
    expect(() => logSpace(0, 10)).toThrow(ReportInputError);
  });
  it('sampleCurve drops non-finite values', () => {
    const pts = sampleCurve((x) => (x < 10 ? Number.NaN : 1 / x), 1, 100, 3);
    expect(pts).toEqual(
      [
        { x: 10, y: 0.1 },
        { x: 100, y: 0.01 },
      ].map((p) => ({ x: expect.closeTo(p.x, 9), y: expect.closeTo(p.y, 9) })),
    );
  });
});

describe('scalingFitSpec', () => {
  const input = {
    points: [
      { x: 1e6, y: 4, label: 'a' },
      { x: 1e7, y: 2, label: 'b' },
      { x: 1e8, y: 1, label: 'c' },
    ],
    fit: {
      name: 'fit',
      curve: sampleCurve((n) => 4 * (n / 1e6) ** -0.301, 1e6, 1e8, 10).map((p) => ({ ...p, lower: p.y * 0.9, upper: p.y * 1.1 })),
    },
    references: [{ name: 'Kaplan 2020', points: sampleCurve((n) => (8.8e13 / n) ** 0.076, 1e6, 1e8, 10) }],
    xTitle: 'parameters (non-embedding)',
    yTitle: 'loss (nats/token)',
    title: 'Fit',
  };

  it('is plain JSON', () => {
    const spec = scalingFitSpec(input);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('places points on log-log axes: equal ratios give equal pixel steps', async () => {
    const pts = points(await renderSvg(scalingFitSpec(input)));
    expect(pts).toHaveLength(3);
    const [a, b, c] = pts as [(typeof pts)[0], (typeof pts)[0], (typeof pts)[0]];
    expect(b.x - a.x).toBeCloseTo(c.x - b.x, 6);
    expect(b.y - a.y).toBeCloseTo(c.y - b.y, 6);
    expect(b.x).toBeGreaterThan(a.x);
    expect(b.y).toBeGreaterThan(a.y); // loss falls, so the point moves down (SVG y grows downwards)
  });

  it('draws the legend, axis titles with units and point labels', async () => {
    const t = texts(await renderSvg(scalingFitSpec(input)));
    for (const s of ['measured', 'fit', 'Kaplan 2020', 'parameters (non-embedding)', 'loss (nats/token)', 'a', 'b', 'c', 'Fit'])
      expect(t).toContain(s);
    expect(t).toContain('1M'); // SI tick labels on the log x axis
  });

  it('rejects non-positive values on a log axis, naming row and field', () => {
    expect(() =>
      scalingFitSpec({
        ...input,
        points: [
          { x: 1e6, y: 1 },
          { x: -5, y: 1 },
        ],
      }),
    ).toThrow(/row 1 field 'x'.*> 0/);
    expect(() => scalingFitSpec({ ...input, points: [] })).toThrow(ReportInputError);
    expect(() => scalingFitSpec({ ...input, points: [{ x: 1, y: Number.NaN }] })).toThrow(/finite/);
  });
});

describe('other figures', () => {
  it('residuals: zero line and one point per residual, sign preserved', async () => {
    const svg = await renderSvg(
      residualsSpec({
        points: [
          { x: 1e6, residual: 0.1 },
          { x: 1e7, residual: -0.1 },
        ],
        xTitle: 'N',
        yTitle: 'residual',
      }),
    );
    const pts = points(svg);
    expect(pts).toHaveLength(2);
    expect(pts[0]?.y).toBeLessThan(pts[1]?.y as number);
  });

  it('diminishing returns: bar heights proportional to values, error bars present', async () => {
    const spec = diminishingReturnsSpec({
      bars: [
        { label: 'A', value: 2, lower: 1, upper: 3 },
        { label: 'B', value: 1, lower: 0.5, upper: 1.5 },
      ],
      yTitle: 'Δ loss (nats/token)',
    });
    const svg = await renderSvg(spec);
    const heights = [...svg.matchAll(/aria-roledescription="bar"[^>]*d="M[-\d.]+,[-\d.]+h[-\d.]+v([-\d.]+)/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect((heights[0] as number) / (heights[1] as number)).toBeCloseTo(2, 6);
    expect(svg).toContain('errorbar');
  });

  it('loss curves: one line per model in order of appearance', async () => {
    const rows = ['m1', 'm2'].flatMap((model, i) => [0, 1, 2].map((x) => ({ model, x, loss: 3 - x - i })));
    const t = texts(await renderSvg(lossCurvesSpec({ rows, xTitle: 'step', yTitle: 'loss (nats/token)' })));
    expect(t.indexOf('m1')).toBeLessThan(t.indexOf('m2'));
  });

  it('isoflopOptima matches a brute-force argmin per budget', () => {
    const rows = [1e15, 1e16].flatMap((flops) =>
      [1e6, 3e6, 1e7, 3e7].map((params) => ({ flops, params, loss: (Math.log10(params) - Math.log10(flops) / 2.2) ** 2 + 1 })),
    );
    const opt = isoflopOptima(rows);
    for (const flops of [1e15, 1e16]) {
      const brute = rows.filter((r) => r.flops === flops).sort((a, b) => a.loss - b.loss)[0];
      expect(opt.find((o) => o.flops === flops)).toEqual(brute);
    }
  });

  it('isoflop: marks one diamond per budget at the optimum', async () => {
    const rows = [1e15, 1e16].flatMap((flops) => [1e6, 3e6, 1e7].map((params, i) => ({ flops, params, loss: [3, 2, 2.5][i] as number })));
    const svg = await renderSvg(isoflopSpec({ rows }));
    const diamonds = [...svg.matchAll(/<path aria-label="([^"]*)"[^>]*d="M-[\d.]+,0L0,-[\d.]+L[\d.]+,0L0,[\d.]+Z"/g)].map((m) => m[1]);
    expect(diamonds).toHaveLength(2);
    for (const d of diamonds) expect(d).toMatch(/: 3000000; loss \(nats\/token\): 2;/);
    expect(texts(svg)).toEqual(expect.arrayContaining(['1.0e15 FLOPs', '1.0e16 FLOPs']));
  });

  it('throughput: error bar spans mean ± sd on a linear axis', async () => {
    const svg = await renderSvg(
      throughputSpec({
        rows: [
          { params: 1e6, mean: 100, sd: 10 },
          { params: 1e7, mean: 50, sd: 5 },
        ],
        yLog: false,
        height: 300,
      }),
    );
    const rules = [...svg.matchAll(/aria-roledescription="rule mark"[^>]*y2="([-\d.e]+)"/g)].map((m) => Math.abs(Number(m[1])));
    const centres = points(svg);
    expect(rules).toHaveLength(2);
    // Pixels per token/s from the two centres, then each bar must be 2·sd long.
    const pxPerUnit = Math.abs((centres[1]?.y as number) - (centres[0]?.y as number)) / 50;
    expect(rules[0]).toBeCloseTo(20 * pxPerUnit, 3);
    expect(rules[1]).toBeCloseTo(10 * pxPerUnit, 3);
  });

  it('memory: log-log, one colour per series', async () => {
    const t = texts(
      await renderSvg(
        memorySpec({
          rows: [
            { params: 1e6, memory: 10, series: 'measured' },
            { params: 1e7, memory: 80, series: 'weights (exact)' },
          ],
        }),
      ),
    );
    expect(t).toEqual(expect.arrayContaining(['measured', 'weights (exact)', 'peak memory (MB)']));
  });
});
