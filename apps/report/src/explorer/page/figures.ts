/// <reference lib="dom" />
/** The explorer's figures: the report's own Vega-Lite specs, drawn in the page by Vega (SVG renderer). */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { quantAxis, spec, type VegaLiteSpec } from '../../specs/common.js';
import { residualsSpec, scalingFitSpec } from '../../specs/scaling.js';
import type { FitView } from '../protocol.js';

const SIZE = { width: 420, height: 280 };

function slotLabel(view: FitView, slot: string): string {
  return view.labels[slot] ?? slot;
}

/** One-variable forms: data, the law and its prediction band; joint forms: observed against fitted, with y = fitted. */
export function fitFigure(view: FitView): VegaLiteSpec {
  const yTitle = view.labels.y ?? 'y';
  if (view.inputs.length === 1) {
    const slot = view.inputs[0]!;
    return scalingFitSpec({
      ...SIZE,
      title: `Fit: ${view.form}`,
      subtitle: view.bandNote,
      points: view.points.map((p) => ({ x: p[slot as 'x']!, y: p.y })),
      fit: {
        name: view.form,
        curve: view.curve.map((c) => ({ x: c[slot as 'x']!, y: c.y, ...(c.pi ? { lower: c.pi[0], upper: c.pi[1] } : {}) })),
      },
      xTitle: slotLabel(view, slot),
      yTitle,
    });
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of view.points) {
    lo = Math.min(lo, p.y, p.fitted);
    hi = Math.max(hi, p.y, p.fitted);
  }
  return scalingFitSpec({
    ...SIZE,
    title: `Fit: ${view.form}`,
    subtitle: `observed against fitted, ${view.n} rows`,
    points: view.points.map((p) => ({ x: p.fitted, y: p.y })),
    references: [
      {
        name: 'observed = fitted',
        points: [
          { x: lo, y: lo },
          { x: hi, y: hi },
        ],
      },
    ],
    xTitle: `fitted ${yTitle}`,
    yTitle: `observed ${yTitle}`,
  });
}

/** Residuals in the fit's space against the input (one-variable) or the fitted value (joint). */
export function residualFigure(view: FitView): VegaLiteSpec {
  const one = view.inputs.length === 1;
  const slot = view.inputs[0] as 'x';
  const yTitle = view.labels.y ?? 'y';
  return residualsSpec({
    ...SIZE,
    title: 'Residuals',
    subtitle: view.space === 'log' ? `log ${yTitle} − log fit` : `${yTitle} − fit`,
    points: view.points.map((p) => ({ x: one ? p[slot]! : p.fitted, residual: p.residual })),
    xTitle: one ? slotLabel(view, slot) : `fitted ${yTitle}`,
    yTitle: view.space === 'log' ? 'residual (log)' : 'residual',
  });
}

/** Compute-optimal N and D against the budget C (chinchilla), with their bootstrap band once it has arrived. */
export function frontierFigure(view: FitView): VegaLiteSpec | null {
  if (!view.frontier) return null;
  const values = view.frontier.flatMap((r) => [
    { flops: r.flops, value: r.N, lo: r.N_ci?.[0], hi: r.N_ci?.[1], series: 'N_opt (parameters)' },
    { flops: r.flops, value: r.D, lo: r.D_ci?.[0], hi: r.D_ci?.[1], series: 'D_opt (tokens)' },
  ]);
  const banded = view.frontier.some((r) => r.N_ci);
  const x = quantAxis('flops', 'compute budget C (FLOP)', true);
  const y = quantAxis('value', 'parameters / tokens', true);
  const color = { field: 'series', type: 'nominal', title: null };
  const line = { mark: { type: 'line', point: true }, encoding: { x, y, color } };
  const band = {
    mark: { type: 'area', opacity: 0.2 },
    encoding: { x, y: { ...quantAxis('lo', 'parameters / tokens', true) }, y2: { field: 'hi' }, color },
  };
  const level = `${Math.round(view.ciLevel * 100)}%`;
  return spec(
    {
      ...SIZE,
      title: 'Compute-optimal frontier',
      subtitle: `N_opt, D_opt at budget C = 6·N·D${banded ? ` with ${level} bootstrap band` : ' (point estimate; band coming)'}`,
    },
    { data: { values }, layer: banded ? [band, line] : [line] },
  );
}

const SILENT = vega.logger(vega.None);
const views = new Map<HTMLElement, vega.View>();

/** Draw a spec into `target` as SVG, replacing what was there. */
export async function draw(target: HTMLElement, figure: VegaLiteSpec | null): Promise<void> {
  views.get(target)?.finalize();
  views.delete(target);
  target.replaceChildren();
  target.hidden = figure === null;
  if (!figure) return;
  const compiled = compile(figure, { logger: SILENT }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: target, hover: false, logLevel: vega.Error });
  views.set(target, view);
  await view.runAsync();
}
