// Times figure rendering: Vega-Lite → SVG, SVG → PNG, and a whole report written to disk.
// Usage: pnpm bench [-- --n 28]   (writes bench-results/report.json)
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { writeJsonAtomic } from '@scalewise/core/node';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exampleReportInput, renderSvg, svgToPng, writeReport, type ReportFigure } from '../src/index.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '28' } } });
const n = Number(values.n);
if (!Number.isInteger(n) || n < 1) throw new Error(`--n expects a positive integer, found '${values.n}'`);

const example = exampleReportInput();
const base: ReportFigure[] = example.sections.flatMap((s) => s.figures ?? []);
const figures = Array.from({ length: n }, (_, i) => base[i % base.length] as ReportFigure);

const summarise = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = ms.reduce((s, v) => s + v, 0) / ms.length;
  return { mean_ms: mean, median_ms: sorted[Math.floor(sorted.length / 2)] as number, max_ms: sorted.at(-1) as number };
};

await renderSvg(base[0]?.spec as ReportFigure['spec']); // warm-up: module loading, JIT
const svgMs: number[] = [];
const pngMs: number[] = [];
const perKind: Record<string, number[]> = {};
for (const fig of figures) {
  let t = performance.now();
  const svg = await renderSvg(fig.spec);
  const dt = performance.now() - t;
  svgMs.push(dt);
  (perKind[fig.name] ??= []).push(dt);
  t = performance.now();
  svgToPng(svg, { scale: 2 });
  pngMs.push(performance.now() - t);
}
const dir = await mkdtemp(join(tmpdir(), 'scalewise-report-bench-'));
const t0 = performance.now();
await writeReport(dir, example);
const reportMs = performance.now() - t0;
await rm(dir, { recursive: true, force: true });

const result = {
  bench: 'report',
  note: 'wall-clock on a shared machine; other processes add noise',
  figures: n,
  svg: summarise(svgMs),
  png_2x: summarise(pngMs),
  svg_by_figure_mean_ms: Object.fromEntries(Object.entries(perKind).map(([k, v]) => [k, v.reduce((s, x) => s + x, 0) / v.length])),
  full_example_report_ms: reportMs,
  full_example_report_figures: base.length,
  node: process.version,
  cpus: cpus().length,
};
const outDir = join(import.meta.dirname, '..', 'bench-results');
await mkdir(outDir, { recursive: true });
const out = join(outDir, 'report.json');
await writeJsonAtomic(out, result);
console.log(
  `${n} figures: SVG ${result.svg.mean_ms.toFixed(1)} ms mean (median ${result.svg.median_ms.toFixed(1)}), PNG@2x ` +
    `${result.png_2x.mean_ms.toFixed(1)} ms mean; whole example report (${base.length} figures, SVG+PNG+HTML) ${reportMs.toFixed(0)} ` +
    `ms → ${out}`,
);
