import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { ReportError } from '../errors.js';

/** Where DejaVu Sans lives on Debian/Ubuntu (fonts-dejavu-core) and Fedora/Arch. */
const FONT_DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/dejavu-sans-fonts',
];
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'];

/** DejaVu Sans font files found on this machine (empty when not installed). */
export function dejaVuFontFiles(): string[] {
  for (const dir of FONT_DIRS) {
    const files = FONT_FILES.map((f) => `${dir}/${f}`).filter((f) => existsSync(f));
    if (files.length > 0) return files;
  }
  return [];
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixel scale (default 2: sharp on high-DPI screens and in documents). */
  scale?: number;
}

/**
 * Rasterise an SVG to PNG bytes with resvg (no canvas, no browser). Uses DejaVu Sans by file path
 * and no system fonts when it is installed, so the bytes depend only on the SVG; otherwise falls
 * back to system fonts (output then depends on what is installed).
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new ReportError(`svgToPng: scale must be a finite number > 0, found ${scale}`);
  const fontFiles = dejaVuFontFiles();
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: 'white',
      font:
        fontFiles.length > 0
          ? { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' }
          : { loadSystemFonts: true, defaultFontFamily: 'sans-serif' },
    });
    return new Uint8Array(resvg.render().asPng());
  } catch (error) {
    throw new ReportError(`svgToPng: resvg could not render the SVG: ${(error as Error).message}`, { cause: error });
  }
}
