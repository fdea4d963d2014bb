import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

const CSV = 'model,params,loss\nsmall,1000000,4.1\nmid,4000000,3.6\nbig,16000000,3.2\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalewise-cli-explore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scalewise explore', () => {
  it('writes one self-contained page with FILE embedded; --json prints one object', async () => {
    await writeFile(join(dir, 'runs.csv'), CSV);
    const io = captureIO(dir);
    expect(await main(['explore', 'runs.csv', '--out', 'site', '--json'], io)).toBe(0);
    const result = JSON.parse(io.out) as { page: string; bytes: number; data: { file: string; rows: number; columns: string[] } };
    expect(result.page).toBe(join(dir, 'site', 'explorer.html'));
    expect(result.data).toEqual({ file: 'runs.csv', name: 'runs.csv', rows: 3, columns: ['model', 'params', 'loss'] });
    const html = await readFile(result.page, 'utf8');
    expect(Buffer.byteLength(html)).toBe(result.bytes);
    // The table travels inside the page; no script or stylesheet is loaded, and the page's policy forbids any fetch.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
    expect(html).toContain(`content="default-src 'none';`);
  }, 60_000);

  it('writes into the current folder by default and replaces its own page, never a foreign one', async () => {
    const io = captureIO(dir);
    expect(await main(['explore'], io)).toBe(0);
    expect(io.out).toContain(`Explorer: ${join(dir, 'explorer.html')}`);
    expect(await main(['explore'], captureIO(dir))).toBe(0);
    await writeFile(join(dir, 'explorer.html'), '<p>mine</p>');
    const again = captureIO(dir);
    expect(await main(['explore'], again)).toBe(2);
    expect(again.err).toMatch(/explorer\.html exists and was not written by scalewise/);
    expect(await readFile(join(dir, 'explorer.html'), 'utf8')).toBe('<p>mine</p>');
  }, 60_000);

  it('is listed in the help', async () => {
    const io = captureIO(dir);
    expect(await main(['explore', '--help'], io)).toBe(0);
    expect(io.out).toMatch(/Usage: scalewise explore \[FILE\] \[--out DIR\]/);
  });
});
