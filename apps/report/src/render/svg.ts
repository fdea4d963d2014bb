import * as vega from 'vega';
import { compile } from 'vega-lite';
import { ReportError } from '../errors.js';
import type { VegaLiteSpec } from '../specs/common.js';

// Vega-Lite's compile warnings (dropped scale properties and the like) are not actionable for readers.
const SILENT = vega.logger(vega.None);

/**
 * Render a Vega-Lite spec to an SVG string, headless (no canvas, no DOM). Text is measured by
 * Vega's character-count estimate when the `canvas` package is absent, so the same spec gives the
 * same bytes on every machine.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  let view: vega.View | undefined;
  try {
    const compiled = compile(spec, { logger: SILENT }).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
    return await view.toSVG();
  } catch (error) {
    throw new ReportError(`could not render figure: ${(error as Error).message}`, { cause: error });
  } finally {
    view?.finalize();
  }
}

/**
 * Prefix every id in an SVG (and the `url(#…)`/`href="#…"` references to it) so several SVGs can be
 * inlined in one HTML page: Vega numbers clip paths clip1, clip2… in every figure, which would collide.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1] as string);
  if (ids.size === 0) return svg;
  return svg
    .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : whole))
    .replace(/href="#([^"]+)"/g, (whole, id: string) => (ids.has(id) ? `href="#${prefix}${id}"` : whole));
}

/** Width and height in pixels declared on an SVG's root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!Number.isFinite(width) || !Number.isFinite(height))
    throw new ReportError(`SVG root has no numeric width/height: ${root.slice(0, 120)}`);
  return { width, height };
}
