import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@scalewise/core';
import { accuracySigmoid, effectiveData, effectiveParams, MUENNIGHOFF_2023 as P } from '@scalewise/laws';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';
import { checkExtraFormOnlyFlags, EXTRA_FORMS } from './fit-extra-forms.js';

const dir = mkdtempSync(join(tmpdir(), 'scalewise-fit-extra-'));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};
const rng = createRng(5);
const dcLoss = (n: number, d: number, u: number) =>
  P.E + P.A / effectiveParams(n, u, P.R_N_star) ** P.alpha + P.B / effectiveData(d, u, P.R_D_star) ** P.beta;
const DC = ['params,tokens,unique,loss'];
for (const u of [1e8, 1e9, 1e10])
  for (const e of [1, 2, 4, 8, 16, 32, 64])
    for (const n of [2e7, 1e8, 5e8, 2e9])
      DC.push(`${n},${u * e},${u},${(dcLoss(n, u * e, u) * Math.exp(0.005 * rng.normal())).toPrecision(7)}`);
const L2L = ['c4,code'];
for (let i = 0; i < 20; i++) {
  const x = 1.9 + (2.9 * i) / 19;
  L2L.push(`${x.toFixed(4)},${((0.8 * (x - 1.8) ** 1.2 + 1.5) * Math.exp(0.003 * rng.normal())).toPrecision(7)}`);
}
const DS = ['N,D,task_loss,acc'];
for (const n of [2e7, 6e7, 1.5e8, 3e8, 7e8])
  for (const m of [1, 2, 5, 10]) {
    const L = (1.8 + 482 / n ** 0.348 + 2085 / (20 * n * m) ** 0.366) * Math.exp(0.005 * rng.normal());
    DS.push(
      `${n},${20 * n * m},${L.toPrecision(7)},${(accuracySigmoid.predict([0.55, -4, 3, 0.25], [L]) + 0.01 * rng.normal()).toFixed(4)}`,
    );
  }
const files = { dc: write('dc.csv', DC.join('\n')), l2l: write('l2l.csv', L2L.join('\n')), ds: write('ds.csv', DS.join('\n')) };

async function json(argv: string[]) {
  const io = captureIO(dir);
  expect(await main([...argv, '--json'], io), io.err).toBe(0);
  return JSON.parse(io.out);
}

describe('scalewise fit --form data-constrained|downstream|loss-to-loss', () => {
  it('data-constrained: R_D* and R_N* near the truth with bootstrap intervals, the contract fields present', async () => {
    const out = await json([
      'fit',
      files.dc,
      '--form',
      'data-constrained',
      '--n',
      'params',
      '--d',
      'tokens',
      '--unique',
      'unique',
      '--y',
      'loss',
      '--bootstrap',
      '40',
    ]);
    for (const key of [
      'form',
      'n_points',
      'params',
      'objective',
      'r2',
      'ci',
      'ci_level',
      'method',
      'warnings',
      'ci_method',
      'units',
      'file',
    ])
      expect(out).toHaveProperty(key);
    expect(out.form).toBe('data-constrained');
    expect(out.n_points).toBe(84);
    expect(out.params.R_D_star).toBeGreaterThan(12);
    expect(out.params.R_D_star).toBeLessThan(19);
    expect(out.ci.R_D_star[0]).toBeLessThan(out.params.R_D_star);
    expect(out.ci_method).toMatch(/^bootstrap (expanded )?percentile.* \(\d+ resamples, seed 0\)/);
    expect(out.units.x.U).toBe('tokens');
    expect(out.file).toBe('dc.csv');
  });

  it('data-constrained --fix published holds the paper’s base law and fits only the decay constants', async () => {
    const out = await json([
      'fit',
      files.dc,
      '--form',
      'data-constrained',
      '--n',
      'params',
      '--d',
      'tokens',
      '--unique',
      'unique',
      '--y',
      'loss',
      '--fix',
      'published',
      '--bootstrap',
      '0',
    ]);
    expect(Object.keys(out.ci)).toEqual(['R_N_star', 'R_D_star']);
    expect(out.fixed).toEqual({ E: 1.87, A: 521, B: 1488, alpha: 0.353, beta: 0.353 });
    expect(out.params.R_D_star).toBeCloseTo(15.4, 0);
  });

  it('loss-to-loss with E2 held prints a table with intervals', async () => {
    const io = captureIO(dir);
    expect(
      await main(['fit', files.l2l, '--form', 'loss-to-loss', '--x', 'c4', '--y', 'code', '--fix', 'E2=1.5', '--bootstrap', '40'], io),
    ).toBe(0);
    expect(io.out).toMatch(/^kappa +1\.\d+ +\[1\.\d+, 1\.\d+\]$/m);
    expect(io.out).toMatch(/^E2 +1\.5000 +held fixed$/m);
  });

  it('downstream predicts accuracy at a new (N, D) with intervals through both steps', async () => {
    const out = await json([
      'fit',
      files.ds,
      '--form',
      'downstream',
      '--n',
      'N',
      '--d',
      'D',
      '--task-loss',
      'task_loss',
      '--acc',
      'acc',
      '--predict',
      '7e9:2e12',
      '--bootstrap',
      '40',
    ]);
    expect(out.form).toBe('downstream');
    expect(out.objective).toBeNull();
    expect(out.steps.accuracy.params.k).toBeLessThan(0);
    const [p] = out.predictions;
    expect(p.N).toBe(7e9);
    expect(p.accuracy_ci[0]).toBeLessThan(p.accuracy);
    expect(p.accuracy_ci[1]).toBeGreaterThan(p.accuracy);
    expect(out.bootstrap).toMatchObject({ resamples: 40, seed: 0 });
  });

  it('flags of these forms are refused by the other forms, and the set names all three', () => {
    expect([...EXTRA_FORMS].sort()).toEqual(['data-constrained', 'downstream', 'loss-to-loss']);
    expect(() => checkExtraFormOnlyFlags({ form: 'chinchilla', unique: 'u' })).toThrow(/--unique applies only to --form data-constrained$/);
    expect(() => checkExtraFormOnlyFlags({ form: 'power', fix: 'a=1' })).toThrow(
      /--fix applies only to --form data-constrained or loss-to-loss/,
    );
    expect(() => checkExtraFormOnlyFlags({ form: 'downstream', acc: 'a' })).not.toThrow();
  });
});
