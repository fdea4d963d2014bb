import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleReportInput } from './example.js';
import { svgToPng } from './render/png.js';
import { writeReport } from './write.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes report.html and an SVG and PNG per figure, with no temp files left', async () => {
    dir = await mkdtemp(join(tmpdir(), 'scalewise-report-'));
    const input = exampleReportInput();
    const out = await writeReport(dir, input);
    const names = input.sections.flatMap((s) => s.figures ?? []).map((f) => f.name);
    expect(out.figures.map((f) => f.name)).toEqual(names);
    expect((await readdir(join(dir, 'figures'))).sort()).toEqual(names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['report.html', 'figures']));
    const html = await readFile(out.html, 'utf8');
    for (const n of names) expect(html).toContain(`data-figure="${n}"`);
    const svg = await readFile(join(dir, 'figures', `${names[0]}.svg`), 'utf8');
    expect(Buffer.from(await readFile(join(dir, 'figures', `${names[0]}.png`))).equals(Buffer.from(svgToPng(svg)))).toBe(true);
    // A second write gives the same bytes (deterministic output).
    const before = await readFile(out.html);
    await writeReport(dir, input);
    expect((await readFile(out.html)).equals(before)).toBe(true);
    expect((await readdir(join(dir, 'figures'))).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});
