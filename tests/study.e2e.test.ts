import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

// The README's main job, end to end, as CI runs it: `scalewise study --quick`.
describe('scalewise study --quick', () => {
  it('trains, fits, benchmarks and writes a report whose numbers parse and match the MobileLLM table', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'scalewise-study-'));
    const { code, stdout, stderr } = runCli(['study', '--quick', '--out', out, '--json'], { timeoutMs: 600_000 });
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as {
      report: string; figures: { name: string; svg: string; png?: string }[]; results: string[];
      mobilellm: { a: number; b: number; r2: number; b_ci_t: [number, number]; loss_b: number };
      ladder: { models: number; preferred: string | null };
      throughput: { model: string; tg_avg_ts: number | null; peak_rss_bytes: number }[];
    };
    // The original study's fit, reproduced, with an interval that contains it.
    expect(summary.mobilellm.a).toBeCloseTo(1151.6, 0);
    expect(summary.mobilellm.b).toBeCloseTo(-0.24571, 4);
    expect(summary.mobilellm.r2).toBeCloseTo(0.9935, 4);
    expect(summary.mobilellm.b_ci_t[0]).toBeLessThan(summary.mobilellm.b);
    expect(summary.mobilellm.b_ci_t[1]).toBeGreaterThan(summary.mobilellm.b);
    expect(summary.mobilellm.loss_b).toBeCloseTo(-0.111, 2);
    // The ladder: at least five trained models, each with a finite held-out loss that falls with size overall.
    expect(summary.ladder.models).toBeGreaterThanOrEqual(5);
    const ladder = JSON.parse(fs.readFileSync(path.join(out, 'results', 'ladder.json'), 'utf8')) as { runs: { params_non_embedding: number; val_loss: number; val_bpb: number }[] };
    const runs = [...ladder.runs].sort((a, b) => a.params_non_embedding - b.params_non_embedding);
    for (const run of runs) {
      expect(Number.isFinite(run.val_loss)).toBe(true);
      expect(run.val_bpb).toBeGreaterThan(0);
    }
    expect(runs.at(-1)!.val_loss).toBeLessThan(runs[0]!.val_loss);
    // Throughput of every trained model and the random MobileLLM-125M shape, with memory.
    expect(summary.throughput.length).toBe(runs.length + 1);
    for (const t of summary.throughput) {
      expect(t.tg_avg_ts).toBeGreaterThan(0);
      expect(t.peak_rss_bytes).toBeGreaterThan(0);
    }
    // The report and every figure exist; results files parse.
    const html = fs.readFileSync(summary.report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('MobileLLM');
    expect(summary.figures.length).toBeGreaterThanOrEqual(6);
    for (const figure of summary.figures) {
      expect(fs.statSync(figure.svg).size).toBeGreaterThan(1000);
      if (figure.png) expect(fs.readFileSync(figure.png).subarray(1, 4).toString()).toBe('PNG');
    }
    for (const file of summary.results) {
      const text = fs.readFileSync(file, 'utf8');
      if (file.endsWith('.json')) expect(() => JSON.parse(text)).not.toThrow();
      else expect(text.split('\n')[0]!.split(',').length).toBeGreaterThan(1);
    }

    // Resumable: a second run reuses every finished stage.
    const again = runCli(['study', '--quick', '--out', out, '--json'], { timeoutMs: 300_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('[ladder] reusing finished stage');
    expect(JSON.parse(again.stdout).mobilellm.b).toBe(summary.mobilellm.b);
  }, 900_000);
});
