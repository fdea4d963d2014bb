import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

const CSV =
  'model,params,loss,tokens_per_second,peak_memory_mb\nsmall,1000000,4.1,900,120\nmid,4000000,3.6,400,300\nbig,16000000,3.2,150,900\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalewise-cli-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scalewise report', () => {
  it('renders a directory with a user CSV into report.html and figures, --json prints one object', async () => {
    await writeFile(join(dir, 'mine.csv'), CSV);
    const io = captureIO(dir);
    expect(await main(['report', '.', '--out', 'out', '--json'], io)).toBe(0);
    const result = JSON.parse(io.out) as {
      report: string;
      figures: Array<{ name: string; svg: string; png: string }>;
      tables: Array<{ source: string; rows: number }>;
    };
    expect(result.report).toBe(join(dir, 'out', 'report.html'));
    expect(result.tables).toEqual([
      { source: 'mine.csv', rows: 3, columns: ['model', 'params', 'loss', 'tokens_per_second', 'peak_memory_mb'] },
    ]);
    expect(result.figures.map((f) => f.name)).toEqual(['mine-csv-loss-vs-params', 'mine-csv-throughput', 'mine-csv-memory']);
    const html = await readFile(result.report, 'utf8');
    expect(html).toContain('data-figure="mine-csv-loss-vs-params"');
    expect(html).toContain('>small<');
    expect((await readdir(join(dir, 'out', 'figures'))).sort()).toEqual(
      result.figures.flatMap((f) => [`${f.name}.png`, `${f.name}.svg`]).sort(),
    );
    expect(io.err).toMatch(/\[report\] reading/);
  });

  it('writes into RESULTS_DIR by default and prints the report path', async () => {
    await writeFile(join(dir, 'mine.csv'), CSV);
    const io = captureIO(dir);
    expect(await main(['report', dir, '--no-png'], io)).toBe(0);
    expect(io.out).toContain(`Report: ${join(dir, 'report.html')}`);
    expect((await readdir(join(dir, 'figures'))).every((f) => f.endsWith('.svg'))).toBe(true);
  });

  it('exits 2 with one line for a missing or empty directory, or bad usage', async () => {
    const missing = captureIO(dir);
    expect(await main(['report', 'nope'], missing)).toBe(2);
    expect(missing.err).toMatch(/scalewise report: results directory '.*nope' does not exist\n$/);
    const empty = captureIO(dir);
    expect(await main(['report', '.'], empty)).toBe(2);
    expect(empty.err.trim().split('\n').at(-1)).toMatch(/no results found in/);
    const usage = captureIO(dir);
    expect(await main(['report'], usage)).toBe(2);
    expect(usage.err).toMatch(/expected exactly one RESULTS_DIR/);
    expect(usage.out).toBe('');
  });

  it('--help shows usage and examples', async () => {
    const io = captureIO(dir);
    expect(await main(['report', '--help'], io)).toBe(0);
    expect(io.out).toMatch(/Usage: scalewise report RESULTS_DIR/);
    expect(io.out).toMatch(/Examples:/);
  });
});
