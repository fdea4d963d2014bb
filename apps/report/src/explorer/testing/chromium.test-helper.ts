/**
 * Headless Chromium for every browser test of this package (the report's browser.test.ts and the explorer's): found
 * as CHROMIUM_PATH (tools/run.sh sets it to what it found), else `chromium` or `chromium-browser` on PATH. Under
 * CI=true a missing browser is a failing test, never a skip.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Browser } from 'playwright-core';

export function findChromium(): string | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

export const HOW_TO_INSTALL = process.env.CHROMIUM_PATH
  ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist; point it at a Chromium or Chrome binary`
  : "install Debian's 'chromium' package (apt-get install chromium; Ubuntu: chromium-browser) or set CHROMIUM_PATH; " +
    '`bash tools/run.sh test` installs it when run as root';

/** Launch it headless with everything that would reach the network off. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
