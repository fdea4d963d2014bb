import { describe, expect, it } from 'vitest';
import { exampleReportInput } from '../example.js';
import { FONT_FAMILY } from '../theme.js';
import { dejaVuFontFiles, svgToPng } from './png.js';
import { prefixSvgIds, renderSvg, svgSize } from './svg.js';

const spec = exampleReportInput().sections[0]?.figures?.[0]?.spec;

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('rendering', () => {
  it('is deterministic: same spec, same SVG and PNG bytes', async () => {
    if (!spec) throw new Error('example has no figure');
    const a = await renderSvg(spec);
    const b = await renderSvg(structuredClone(spec));
    expect(b).toBe(a);
    expect(Buffer.from(svgToPng(a)).equals(Buffer.from(svgToPng(b)))).toBe(true);
  });

  it('uses the fixed font family for every text element', async () => {
    if (!spec) throw new Error('example has no figure');
    const svg = await renderSvg(spec);
    const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
    expect([...families]).toEqual([FONT_FAMILY]);
  });

  it('PNG is a PNG at the requested scale of the SVG size', async () => {
    if (!spec) throw new Error('example has no figure');
    const svg = await renderSvg(spec);
    const png = svgToPng(svg, { scale: 2 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { width, height } = svgSize(svg);
    expect(pngSize(png)).toEqual({ width: Math.round(width * 2), height: Math.round(height * 2) });
    expect(pngSize(svgToPng(svg, { scale: 1 })).width).toBe(Math.round(width));
  });

  it('PNG text is drawn: a figure with text differs from the same figure without it', () => {
    const base = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="30"><rect width="80" height="30" fill="white"/>';
    const withText = svgToPng(`${base}<text x="5" y="20" font-family="${FONT_FAMILY}" font-size="14">Loss</text></svg>`);
    const without = svgToPng(`${base}</svg>`);
    if (dejaVuFontFiles().length > 0) expect(Buffer.from(withText).equals(Buffer.from(without))).toBe(false);
  });

  it('prefixSvgIds renames ids and their references only', () => {
    const svg =
      '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><use href="#clip1"/><use ' +
      'href="#other"/></g></svg>';
    const out = prefixSvgIds(svg, 'f-');
    expect(out).toBe(
      '<svg><defs><clipPath id="f-clip1"><rect/></clipPath></defs><g clip-path="url(#f-clip1)"><use href="#f-clip1"/><use ' +
        'href="#other"/></g></svg>',
    );
  });
});
