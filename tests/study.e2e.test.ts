import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

type Pair = [number, number];
interface Run {
  id: string;
  seed: number;
  params_non_embedding: number;
  params_total: number;
  tokens: number;
  steps: number;
  val_loss_nats: number;
  val_loss_ci: Pair;
  val_bpb: number;
  val_tokens: number;
}
interface Fit {
  params: Record<string, number>;
  ci: Record<string, Pair>;
  aicc: number | null;
}
interface FamiliesJson {
  families: {
    name: string;
    lr: number;
    lr_sweep: { lr: number; val_loss_nats: number; val_loss_ci: Pair }[];
    lr_edge: 'high' | 'low' | null;
    runs: Run[];
    fits: { power: Fit; saturating: Fit };
    preferred: 'power' | 'saturating' | null;
  }[];
  warnings: string[];
  comparisons: { a: string; b: string; exponent_diff: number; ci: Pair; p: number }[];
  baselines: { unigram_bpb: number; ngram_bpb: Record<'2' | '3' | '4' | '5', number> };
  seed_sd_nats: number;
  wall_s: number;
}

const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const pair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(finite) && (v as Pair)[0] <= (v as Pair)[1];

/** Every field and type of the results contract of issue #13 (other tools read it). */
function checkContract(r: FamiliesJson): void {
  expect(r.families.length).toBeGreaterThanOrEqual(2);
  for (const f of r.families) {
    expect(typeof f.name).toBe('string');
    expect(finite(f.lr) && f.lr > 0).toBe(true);
    // The LR sweep: ascending, the chosen LR is its lowest loss, and a chosen LR at an end of the sweep is said.
    const lrs = f.lr_sweep.map((l) => l.lr);
    expect(lrs).toEqual([...lrs].sort((a, b) => a - b));
    const bestSwept = f.lr_sweep.reduce((a, b) => (b.val_loss_nats < a.val_loss_nats ? b : a));
    expect(bestSwept.lr).toBe(f.lr);
    const atEnd = f.lr === lrs[0] ? 'low' : f.lr === lrs.at(-1) ? 'high' : null;
    expect(f.lr_edge, `${f.name} sweep ${lrs.join(', ')}`).toBe(atEnd);
    expect(r.warnings.some((w) => w.startsWith(`${f.name}: the best LR, ${f.lr}, is the`))).toBe(atEnd !== null);
    for (const run of f.runs) {
      expect(typeof run.id).toBe('string');
      for (const key of ['seed', 'params_non_embedding', 'params_total', 'tokens', 'steps', 'val_tokens'] as const)
        expect(Number.isInteger(run[key]), `${run.id}.${key}`).toBe(true);
      expect(finite(run.val_loss_nats) && finite(run.val_bpb)).toBe(true);
      expect(pair(run.val_loss_ci), run.id).toBe(true);
      // Intervals contain their point estimates.
      expect(run.val_loss_ci[0]).toBeLessThanOrEqual(run.val_loss_nats);
      expect(run.val_loss_ci[1]).toBeGreaterThanOrEqual(run.val_loss_nats);
      // --quick: the steps floor of 150 optimizer steps; validation on ≥ 100k tokens of whole documents.
      expect(run.steps).toBeGreaterThanOrEqual(150);
      expect(run.val_tokens).toBeGreaterThanOrEqual(100_000);
    }
    // ≥ 4 sizes per family.
    expect(new Set(f.runs.map((x) => x.params_non_embedding)).size).toBeGreaterThanOrEqual(4);
    for (const form of ['power', 'saturating'] as const) {
      const fit = f.fits[form];
      expect(Object.keys(fit.params).length).toBeGreaterThanOrEqual(2);
      for (const [k, v] of Object.entries(fit.params)) {
        expect(finite(v)).toBe(true);
        expect(pair(fit.ci[k]), `${f.name} ${form} ${k}`).toBe(true);
      }
      expect(fit.aicc === null || finite(fit.aicc)).toBe(true);
    }
    expect(Object.keys(f.fits.power.params).sort()).toEqual(['a', 'b']);
    expect(f.fits.power.ci.b![0]).toBeLessThanOrEqual(f.fits.power.params.b!);
    expect(f.fits.power.ci.b![1]).toBeGreaterThanOrEqual(f.fits.power.params.b!);
    expect([null, 'power', 'saturating']).toContain(f.preferred);
  }
  expect(r.comparisons.length).toBe((r.families.length * (r.families.length - 1)) / 2);
  for (const c of r.comparisons) {
    expect(r.families.map((f) => f.name)).toContain(c.a);
    expect(r.families.map((f) => f.name)).toContain(c.b);
    expect(pair(c.ci)).toBe(true);
    expect(c.ci[0]).toBeLessThanOrEqual(c.exponent_diff);
    expect(c.ci[1]).toBeGreaterThanOrEqual(c.exponent_diff);
    expect(c.p).toBeGreaterThanOrEqual(0);
    expect(c.p).toBeLessThanOrEqual(1);
  }
  // Baselines present and ordered: each higher n-gram order does better on bytes.
  const b = r.baselines;
  const chain = [b.unigram_bpb, b.ngram_bpb['2'], b.ngram_bpb['3'], b.ngram_bpb['4'], b.ngram_bpb['5']];
  expect(chain.every((v) => finite(v) && v > 0)).toBe(true);
  for (let i = 1; i < chain.length; i++) expect(chain[i]).toBeLessThan(chain[i - 1]!);
  expect(finite(r.seed_sd_nats) && r.seed_sd_nats >= 0).toBe(true);
  expect(finite(r.wall_s) && r.wall_s > 0).toBe(true);
}

// The README's main job, end to end, as CI runs it: `scalewise study --quick`.
describe('scalewise study --quick', () => {
  it('compares architecture families, writes families.json per the contract and a report, and resumes', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'scalewise-study-'));
    const { code, stdout, stderr } = runCli(['study', '--quick', '--out', out, '--json'], { timeoutMs: 600_000 });
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as {
      report: string;
      figures: { name: string; svg: string; png?: string }[];
      results: string[];
      mobilellm: { a: number; b: number; r2: number; b_ci_t: Pair; loss_b: number };
      answers: string[];
      throughput: { model: string; tg_avg_ts: number | null; peak_rss_bytes: number }[];
      families: { name: string; lr: number; lr_edge: 'high' | 'low' | null }[];
    };
    // The plan is printed before training: runs, FLOPs and a time estimate from measured throughput.
    expect(stderr).toMatch(
      /\[families\] plan: \d+ runs .* FLOP .* estimated [\d.]+ min at an effective [\d.]+ GFLOP\/s \(3 timed training steps/,
    );
    // The original study's fit, reproduced, with an interval that contains it.
    expect(summary.mobilellm.a).toBeCloseTo(1151.6, 0);
    expect(summary.mobilellm.b).toBeCloseTo(-0.24571, 4);
    expect(summary.mobilellm.b_ci_t[0]).toBeLessThan(summary.mobilellm.b);
    expect(summary.mobilellm.b_ci_t[1]).toBeGreaterThan(summary.mobilellm.b);
    // The family comparison: the contract, and the one-sentence answer with intervals.
    const families = JSON.parse(fs.readFileSync(path.join(out, 'results', 'families.json'), 'utf8')) as FamiliesJson;
    checkContract(families);
    // Two runs at a time on worker threads (runs awaited together on one thread would take turns in onnxruntime).
    const machine = (families as unknown as { machine: { runs_on: string; parallel_runs: number } }).machine;
    expect(machine).toMatchObject(
      os.cpus().length >= 2 ? { runs_on: 'worker threads', parallel_runs: 2 } : { runs_on: 'this thread', parallel_runs: 1 },
    );
    expect(summary.answers.length).toBe(families.comparisons.length);
    expect(summary.families.map((f) => [f.name, f.lr, f.lr_edge])).toEqual(families.families.map((f) => [f.name, f.lr, f.lr_edge]));
    expect(summary.answers[0]).toMatch(
      /α = [\d.-]+ \[.+\] vs .+ α = [\d.-]+ \[.+\]: difference [\d.-]+ \[.+\], p = .+: the data (can|cannot) tell them apart/,
    );
    // ≥ 3 seeds at the smallest and the largest size of the first family.
    const first = families.families[0]!.runs;
    const sizes = [...new Set(first.map((r) => r.params_non_embedding))].sort((a, b) => a - b);
    for (const size of [sizes[0], sizes.at(-1)])
      expect(new Set(first.filter((r) => r.params_non_embedding === size).map((r) => r.seed)).size).toBeGreaterThanOrEqual(3);
    // Throughput of each family's largest model.
    expect(summary.throughput.length).toBe(families.families.length);
    for (const t of summary.throughput) expect(t.tg_avg_ts).toBeGreaterThan(0);
    // The report holds the family figures and every figure exists; results files parse.
    const html = fs.readFileSync(summary.report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Architecture families at controlled compute');
    expect(summary.figures.map((f) => f.name)).toEqual(expect.arrayContaining(['family-comparison', 'family-exponents']));
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
    expect(again.stderr).toContain('[families] reusing finished stage');
    expect(JSON.parse(again.stdout).answers).toEqual(summary.answers);
    // The printed summary says, from the reused stage too, which family's LR is an end of its sweep.
    const printed = runCli(['study', '--quick', '--out', out], { timeoutMs: 300_000 });
    expect(printed.code, printed.stderr).toBe(0);
    for (const f of families.families) {
      const end = f.lr_edge === 'high' ? " (the sweep's largest)" : f.lr_edge === 'low' ? " (the sweep's smallest)" : '';
      expect(printed.stdout).toContain(`${f.name}: ${f.runs.length} runs, lr ${f.lr}${end}`);
      expect(printed.stdout.includes(`  warning: ${f.name}: the best LR`)).toBe(f.lr_edge !== null);
    }
  }, 900_000);
});
