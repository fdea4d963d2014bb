import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasets } from '@scalewise/laws';
import { ReportInputError } from '../errors.js';
import { resultsReportInput } from './build.js';
import { figuresForTable } from './figures.js';
import { loadResultsDir, tablesFromJson, type ResultsTable } from './load.js';

// The original study's table from @scalewise/laws (its only copy), written as the study's results.csv.
const MOBILELLM_CSV =
  [
    'model_name,num_params,perplexity,tokens_per_second,peak_memory_mb',
    ...datasets.mobilellm.map((r) => [r.model_name, r.num_params, r.perplexity, r.tokens_per_second, r.peak_memory_mb].join(',')),
  ].join('\n') + '\n';

const sweepRow = (model: string, n: number, tokens: number, flops: number, loss: number) =>
  JSON.stringify({
    model,
    params_total: n * 1.2,
    params_non_embedding: n,
    tokens,
    flops,
    final_train_loss: loss - 0.1,
    val_loss: loss,
    val_bpb: loss / Math.LN2 / 4,
    wall_s: 10,
  });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalewise-results-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (spec: unknown) => (spec as { data: { values: Array<Record<string, unknown>> } }).data.values;

describe('loadResultsDir', () => {
  it('reads CSV, JSONL and JSON (nested too), skips unparsable files, takes config.json as config', async () => {
    await writeFile(join(dir, 'models.csv'), MOBILELLM_CSV);
    await mkdir(join(dir, 'results'));
    await writeFile(
      join(dir, 'results', 'results.jsonl'),
      [sweepRow('a', 1e5, 1e6, 6e11, 4), sweepRow('b', 2e5, 1e6, 1.2e12, 3.7)].join('\n'),
    );
    await writeFile(
      join(dir, 'results', 'bench.json'),
      JSON.stringify({ threads: 2, results: [{ params: 1e5, pp: { mean: 900, sd: 30 } }] }),
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ steps: 100 }));
    await writeFile(join(dir, 'broken.json'), '{nope');
    await mkdir(join(dir, 'figures'));
    await writeFile(join(dir, 'figures', 'ignored.csv'), 'a\n1\n');
    const r = await loadResultsDir(dir);
    expect(r.tables.map((t) => t.source)).toEqual([
      'models.csv',
      'results/bench.json',
      'results/bench.json#results',
      'results/results.jsonl',
    ]);
    expect(r.tables[2]?.columns).toEqual(['params', 'pp.mean', 'pp.sd']);
    expect(r.config).toEqual({ steps: 100 });
    expect(r.skipped.map((s) => s.file)).toEqual(['broken.json']);
    expect(r.skipped[0]?.reason).toMatch(/not valid JSON/);
  });

  it('fails with a ReportInputError for a missing, non-directory or empty directory', async () => {
    await expect(loadResultsDir(join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    await writeFile(join(dir, 'f.csv'), 'a\n');
    await expect(loadResultsDir(join(dir, 'f.csv'))).rejects.toThrow(/not a directory/);
    await expect(loadResultsDir(dir)).rejects.toThrow(ReportInputError); // header-only CSV: nothing usable
    await expect(loadResultsDir(dir)).rejects.toThrow(/f\.csv \(.*no data rows\)/);
  });

  it('tablesFromJson rejects scalars and arrays of scalars', () => {
    expect(() => tablesFromJson('x.json', 3)).toThrow(ReportInputError);
    expect(() => tablesFromJson('x.json', [1, 2])).toThrow(/array of objects/);
  });
});

describe('figuresForTable', () => {
  it('MobileLLM CSV: perplexity vs params (log-log), throughput and memory, labelled by model', async () => {
    await writeFile(join(dir, 'results.csv'), MOBILELLM_CSV);
    const [table] = (await loadResultsDir(dir)).tables as [ResultsTable];
    const { figures: figs, fits } = figuresForTable(table, 'm');
    expect(figs.map((f) => f.name)).toEqual(['m-perplexity-vs-params', 'm-throughput', 'm-memory']);
    const pts = values(figs[0]?.spec).filter((v) => v.kind === 'point');
    expect(pts.map((p) => [p.x, p.y, p.label])).toEqual(datasets.mobilellm.map((r) => [r.num_params, r.perplexity, r.model_name]));
    expect(values(figs[2]?.spec).map((v) => v.memory)).toEqual(datasets.mobilellm.map((r) => r.peak_memory_mb));
    // The original study's published log-log OLS: PPL = 1151.6 · N^−0.24571, R² = 0.99350.
    expect(fits).toHaveLength(1);
    expect(fits[0]?.b).toBeCloseTo(-0.24571, 4);
    expect(fits[0]?.a).toBeCloseTo(1151.6, 0);
    expect(fits[0]?.['R² (log-log)']).toBeCloseTo(0.9935, 4);
    const fit = values(figs[0]?.spec).filter((v) => v.kind === 'fit');
    expect(fit.length).toBeGreaterThan(10);
    for (const p of fit) expect((p.lower as number) < (p.y as number) && (p.y as number) < (p.upper as number)).toBe(true);
    const at = fit[20] as { x: number; y: number };
    expect(at.y).toBeCloseTo(1151.6 * at.x ** -0.24571, 1);
  });

  it('sweep JSONL: uses non-embedding params, one figure per metric, IsoFLOP when budgets have ≥ 3 sizes', () => {
    const rows = [1e12, 1e13].flatMap((c) =>
      [1e5, 3e5, 1e6].map((n, i) => JSON.parse(sweepRow(`m${i}`, n, c / (6 * n), c * (1 + 1e-9), 4 - i * 0.1 - Math.log10(c) / 10))),
    );
    const table: ResultsTable = { source: 'results.jsonl', columns: Object.keys(rows[0]), rows };
    const { figures: figs, notes } = figuresForTable(table, 'r');
    expect(notes.some((n) => /several rows share a model size/.test(n))).toBe(true);
    expect(figs.map((f) => f.name)).toEqual(['r-val-loss-vs-params', 'r-val-bpb-vs-params', 'r-final-train-loss-vs-params', 'r-isoflop']);
    expect(JSON.stringify(figs[0]?.spec)).toContain('parameters (non-embedding)');
    expect(JSON.stringify(figs[0]?.spec)).toContain('held-out loss (nats/token)');
    const iso = values(figs[3]?.spec);
    expect(new Set(iso.filter((v) => v.kind === 'run').map((v) => v.flops))).toEqual(new Set([1e12, 1e13]));
    expect(iso.filter((v) => v.kind === 'opt')).toHaveLength(2);
  });

  it('loss-curve table: one loss-curves figure grouped by model, nothing else', () => {
    const rows = ['a', 'b'].flatMap((model) => [0, 10, 20].map((step) => ({ model, step, loss: 5 - step / 10, params: 1e6 })));
    const { figures: figs } = figuresForTable({ source: 'curves.jsonl', columns: ['model', 'step', 'loss', 'params'], rows }, 'c');
    expect(figs.map((f) => f.name)).toEqual(['c-loss-curves']);
    expect(new Set(values(figs[0]?.spec).map((v) => v.model))).toEqual(new Set(['a', 'b']));
  });

  it('bench JSON: throughput with sd from the paired column', () => {
    const table: ResultsTable = {
      source: 'bench.json',
      columns: ['params', 'tg.tokens_per_s.mean', 'tg.tokens_per_s.sd'],
      rows: [{ params: 1e6, 'tg.tokens_per_s.mean': 50, 'tg.tokens_per_s.sd': 2 }],
    };
    const [fig] = figuresForTable(table, 'b').figures;
    expect(values(fig?.spec)[0]).toMatchObject({ mean: 50, sd: 2, lower: 48, upper: 52 });
  });
});

describe('resultsReportInput', () => {
  it('one section per table, a summary that counts files and lists skipped ones', async () => {
    await writeFile(join(dir, 'a.csv'), MOBILELLM_CSV);
    await writeFile(join(dir, 'notes.json'), '"just text"');
    const input = resultsReportInput(await loadResultsDir(dir), { title: 'Mine' });
    expect(input.title).toBe('Mine');
    expect(input.sections.map((s) => s.title)).toEqual(['a.csv']);
    expect(input.summary?.[0]).toBe('Read 1 file (1 table, 4 rows); made 3 figures.');
    expect(input.summary?.[1]).toMatch(/Skipped `notes.json`/);
  });
});
