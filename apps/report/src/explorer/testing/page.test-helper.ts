/** Opening the explorer page in a test: every console error, page error and request is recorded. */
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export interface OpenedPage {
  page: Page;
  /** Console errors, uncaught page errors, failed requests. */
  problems: string[];
  /** Every request's URL (the page itself is file:, its worker blob:; anything else is network). */
  requests: string[];
}

export async function openExplorer(browser: Browser, htmlPath: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  return { page, problems, requests };
}

/** Wait until a status element reaches 'ok' or 'error'; an error fails with the page's message. */
export async function waitForStatus(page: Page, testid: string, timeout = 30_000): Promise<void> {
  const sel = `[data-testid=${testid}]`;
  await page.waitForSelector(`${sel}[data-state=ok], ${sel}[data-state=error]`, { timeout });
  if ((await page.getAttribute(sel, 'data-state')) === 'error') throw new Error(`${testid}: ${await page.textContent(sel)}`);
}

/** Click Fit in the page and wait for the result; returns the page's own click-to-drawn time (ms). */
export async function fitInPage(page: Page): Promise<number> {
  // Clicked from inside the page so the time is the page's, not the test driver's polling.
  await page.evaluate(() => (document.querySelector('[data-testid=fit-button]') as HTMLButtonElement).click());
  await waitForStatus(page, 'fit-status');
  return Number(await page.getAttribute('[data-testid=fit-status]', 'data-wall-ms'));
}

/** The displayed parameter values (text of each value cell), parsed. */
export async function displayedParams(page: Page, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) out[name] = Number(await page.textContent(`[data-testid=param-value-${name}]`));
  return out;
}
