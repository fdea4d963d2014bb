import type { Config } from 'vega-lite';

/**
 * Font family of every figure. DejaVu Sans ships with Debian/Ubuntu (fonts-dejavu-core) and is what the
 * PNG renderer loads by file path, so SVG text metrics and PNG glyphs are the same on every such machine.
 * Browsers without it fall back to the next families.
 */
export const FONT_FAMILY = 'DejaVu Sans, Verdana, Arial, sans-serif';

/** Colour-blind-safe categorical palette (Okabe–Ito, black dropped). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'] as const;

/** Default figure size in pixels (the plotting area; axes and legends add to it). */
export const DEFAULT_WIDTH = 460;
export const DEFAULT_HEIGHT = 300;

/** Shared Vega-Lite config: fixed fonts and sizes so output is deterministic and readable at 1x. */
export function baseConfig(): Config {
  return {
    font: FONT_FAMILY,
    background: 'white',
    padding: 10,
    view: { stroke: '#cfcfcf' },
    axis: {
      labelFontSize: 11,
      titleFontSize: 12,
      titleFontWeight: 'normal',
      titleColor: '#222222',
      labelColor: '#333333',
      gridColor: '#ebebeb',
      domainColor: '#888888',
      tickColor: '#888888',
      titlePadding: 8,
    },
    legend: {
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 'normal',
      orient: 'right',
      symbolSize: 80,
      symbolOpacity: 1,
      labelLimit: 280,
    },
    title: {
      fontSize: 14,
      fontWeight: 'bold',
      anchor: 'start',
      color: '#111111',
      subtitleFontSize: 11,
      subtitleColor: '#555555',
      offset: 10,
    },
    range: { category: [...PALETTE] },
    point: { size: 60 },
    line: { strokeWidth: 2 },
  };
}

/**
 * Axis label expression for counts on log axes: SI prefixes with B for billions (125M, 1B, 3e12 → 3T).
 * Vega's `~s` format writes G for 1e9, which readers of parameter counts do not expect.
 */
export const SI_LABEL_EXPR = "replace(format(datum.value, '~s'), 'G', 'B')";
