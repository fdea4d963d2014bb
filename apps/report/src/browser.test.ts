import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { exampleReportInput } from './example.js';
import { findChromium, HOW_TO_INSTALL, launchChromium } from './explorer/testing/chromium.test-helper.js';
import { loadResultsDir } from './results/load.js';
import { resultsReportInput } from './results/build.js';
import { writeReport } from './write.js';

const CHROMIUM = findChromium();
const IN_CI = process.env.CI === 'true';
// Screenshots go to an ignored folder of this package so a person can look at them after a run.
const SHOT_DIR = join(import.meta.dirname, '..', 'tmp', 'browser');

if (!CHROMIUM) {
  if (IN_CI) {
    // Under CI a missing browser is a failure, not a skip: the check must run where it is claimed to run.
    describe('report.html in headless Chromium', () => {
      it('needs a Chromium binary (CI=true)', () => {
        throw new Error(`no Chromium found, so the report's browser check cannot run: ${HOW_TO_INSTALL}`);
      });
    });
  } else {
    console.warn(`\n*** The report's browser check DID NOT RUN: no Chromium found. To run it, ${HOW_TO_INSTALL}. ***\n`);
  }
}

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium(CHROMIUM!);
    dir = await mkdtemp(join(tmpdir(), 'scalewise-report-browser-'));
    await mkdir(SHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function check(htmlPath: string, expectedFigures: string[], shot: string): Promise<void> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const boxes = await page.$$eval('figure.figure', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const r = svg?.getBoundingClientRect();
        // Drawn marks inside the SVG, not just an empty frame.
        const marks = svg ? svg.querySelectorAll('path, circle, line, rect, text').length : 0;
        return { name: f.getAttribute('data-figure'), width: r?.width ?? 0, height: r?.height ?? 0, marks };
      }),
    );
    expect(boxes.map((b) => b.name)).toEqual(expectedFigures);
    for (const b of boxes) {
      expect(b.width, `${b.name} width`).toBeGreaterThan(100);
      expect(b.height, `${b.name} height`).toBeGreaterThan(100);
      expect(b.marks, `${b.name} marks`).toBeGreaterThan(10);
    }
    await page.screenshot({ path: join(SHOT_DIR, shot), fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
  }

  it('renders every figure of the example report with non-zero size and no console errors', async () => {
    const input = exampleReportInput();
    const written = await writeReport(join(dir, 'example'), input, { png: false });
    await check(
      written.html,
      written.figures.map((f) => f.name),
      'example-report.png',
    );
  });

  it('renders a report made from a results directory (CSV + JSONL)', async () => {
    const results = join(dir, 'results');
    await mkdir(results);
    await writeFile(
      join(results, 'models.csv'),
      'model,params,loss,tokens_per_second,peak_memory_mb\na,1e6,4.1,900,120\nb,4e6,3.6,400,300\nc,1.6e7,3.2,150,900\n',
    );
    await writeFile(
      join(results, 'curves.jsonl'),
      [0, 10, 20, 30].map((s) => JSON.stringify({ model: 'a', step: s, loss: 5 - s / 10 })).join('\n'),
    );
    const written = await writeReport(join(dir, 'results-out'), resultsReportInput(await loadResultsDir(results)), { png: false });
    expect(written.figures.length).toBe(4);
    await check(
      written.html,
      written.figures.map((f) => f.name),
      'results-report.png',
    );
  });
});
