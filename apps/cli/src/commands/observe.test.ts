import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasets } from '@scalewise/laws';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'scalewise-observe-'));
// The built-in 148-model table written back as the CSV a user would pass (NaN → empty cell).
const table = datasets.obsScaling;
const csv =
  [
    table.header.map((h) => (h.includes(',') ? `"${h}"` : h)).join(','),
    ...table.model.map((m, i) =>
      [
        m,
        table.family[i],
        ...table.header.slice(2).map((h) => (Number.isNaN(table.columns[h]![i]!) ? '' : String(table.columns[h]![i]))),
      ].join(','),
    ),
  ].join('\n') + '\n';
const file = join(dir, 'base_llm_benchmark_eval.csv');
writeFileSync(file, csv);
const ALL = 'MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,GSM8K,XWinograd,HumanEval';
const NO_GSM = 'MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval';

describe('scalewise observe', () => {
  it('--json prints the PCA of the 148-model table: PC-1..3 explain 97.36% (paper: ~97%)', async () => {
    const io = captureIO(dir);
    expect(await main(['observe', 'base_llm_benchmark_eval.csv', '--benchmarks', ALL, '--json'], io)).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.file).toBe('base_llm_benchmark_eval.csv');
    expect(out.n_models).toBe(148);
    expect(out.imputed_cells).toBe(40);
    expect(out.cumulative_ratio[2]).toBeCloseTo(0.97359, 4);
    expect(out.explained_variance_ratio[0]).toBeCloseTo(0.85284, 4);
    expect(out.loadings).toHaveLength(8);
    expect(out.scores).toHaveLength(148);
    expect(out.target).toBeUndefined();
  });

  it('fits the target against PCs and log-compute with intervals and a held-out check', async () => {
    const io = captureIO(dir);
    const argv = ['observe', file, '--benchmarks', NO_GSM, '--target', 'GSM8K', '--compute', 'FLOPs (1E21)', '--bootstrap', '100'];
    expect(await main([...argv, '--json'], io)).toBe(0);
    const out = JSON.parse(io.out);
    const pc = out.target.pc;
    expect(pc.predictors).toEqual(['PC-1', 'PC-2', 'PC-3']);
    expect(pc.ci['PC-1'][0]).toBeLessThan(pc.params['PC-1']);
    expect(pc.ci['PC-1'][1]).toBeGreaterThan(pc.params['PC-1']);
    expect(out.target.compute.n_models).toBe(123);
    expect(out.target.holdout.n_test).toBe(25);
    // The paper's finding on this table: capability predicts the strongest models far better than compute does.
    expect(out.target.holdout.pc.mse_test).toBeLessThan(out.target.holdout.compute.mse_test);
    const text = captureIO(dir);
    expect(await main(argv, text)).toBe(0);
    expect(text.out).toMatch(/PC-1 +84\.38% +cumulative +84\.38%/);
    expect(text.out).toMatch(/PC-1 +\S+ +95% CI \[/);
    expect(text.out).toMatch(/held-out check: the 25 models above 336\.00 FLOPs \(1E21\)/);
    expect(text.out).toMatch(/warning: 25 models with a target have no 'FLOPs \(1E21\)'/);
  });
});
