import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@scalewise/core/node';
import { ReportError } from './errors.js';
import { reportHtml } from './html/report.js';
import { svgToPng, type PngOptions } from './render/png.js';
import { renderSvg } from './render/svg.js';
import { collectFigures, type ReportInput } from './types.js';

/** Render every figure of a report to SVG, keyed by figure name. */
export async function renderFigures(input: ReportInput): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const fig of collectFigures(input)) {
    try {
      out.set(fig.name, await renderSvg(fig.spec));
    } catch (error) {
      throw new ReportError(`figure '${fig.name}': ${(error as Error).message}`, { cause: error });
    }
  }
  return out;
}

/** Render the whole report to one self-contained HTML string (figures inlined as SVG). */
export async function renderReport(input: ReportInput): Promise<string> {
  return reportHtml(input, await renderFigures(input));
}

/**
 * Write a file atomically (temp file beside it, fsync, rename; see `@scalewise/core/node`), so readers never see
 * half a file. The folder must exist. Failures are ReportErrors.
 */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, data, { mkdir: false });
  } catch (error) {
    throw new ReportError(
      `could not write ${path}: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Also write PNGs (default true). */
  png?: boolean;
  /** PNG pixel scale (default 2). */
  pngScale?: PngOptions['scale'];
}

/** What {@link writeReport} wrote (absolute or `dir`-relative paths, as `dir` was given). */
export interface WrittenReport {
  html: string;
  figures: Array<{ name: string; svg: string; png?: string }>;
}

/**
 * Write `report.html`, `figures/<name>.svg` and `figures/<name>.png` under `dir` (created if missing).
 * Every file is written atomically; the HTML goes last so it never points at missing figures.
 */
export async function writeReport(dir: string, input: ReportInput, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const svgs = await renderFigures(input);
  const figDir = join(dir, 'figures');
  await mkdir(figDir, { recursive: true });
  const figures: WrittenReport['figures'] = [];
  for (const [name, svg] of svgs) {
    const svgPath = join(figDir, `${name}.svg`);
    await atomicWrite(svgPath, svg);
    const entry: WrittenReport['figures'][number] = { name, svg: svgPath };
    if (options.png ?? true) {
      entry.png = join(figDir, `${name}.png`);
      await atomicWrite(entry.png, svgToPng(svg, { scale: options.pngScale ?? 2 }));
    }
    figures.push(entry);
  }
  const html = join(dir, 'report.html');
  await atomicWrite(html, reportHtml(input, svgs));
  return { html, figures };
}
