import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

// A synthetic IsoFLOP sweep from the Hoffmann et al. law: the true exponent of N_opt ∝ C^a is β/(α+β).
const [E, A, B, al, be] = [1.69, 406.4, 410.7, 0.34, 0.28];
const truthA = be / (al + be);
const G = ((al * A) / (be * B)) ** (1 / (al + be));
const law = (n: number, d: number): number => E + A * n ** -al + B * d ** -be;

const dir = mkdtempSync(join(tmpdir(), 'scalewise-isoflop-'));
const rng = createRng(5);
const rows: string[] = ['params,tokens,flops,loss'];
for (const C of [1e18, 3e18, 1e19, 3e19, 1e20, 3e20])
  for (let i = 0; i < 7; i++) {
    const n = G * (C / 6) ** truthA * 10 ** (-0.6 + (1.2 * i) / 6);
    const d = C / (6 * n);
    rows.push(`${n},${d},${6 * n * d},${law(n, d) * Math.exp(0.004 * rng.normal())}`);
  }
writeFileSync(join(dir, 'sweep.csv'), `${rows.join('\n')}\n`);
// Training curves: 16 runs, 30 checkpoints each.
const curves: string[] = ['run,params,tokens,loss'];
for (let r = 0; r < 16; r++) {
  const n = 2e7 * 10 ** ((2.5 * r) / 15);
  for (let s = 0; s < 30; s++) {
    const d = 1e8 * 10 ** ((3.5 * s) / 29);
    curves.push(`run-${r},${n},${d},${law(n, d)}`);
  }
}
writeFileSync(join(dir, 'curves.csv'), `${curves.join('\n')}\n`);

describe('scalewise isoflop', () => {
  it('--json: approaches 2 and 3 on the same rows both recover a = β/(α+β) within their intervals', async () => {
    const io = captureIO(dir);
    const code = await main(['isoflop', 'sweep.csv', '--n', 'params', '--d', 'tokens', '--y', 'loss', '--bootstrap', '100', '--json'], io);
    expect(code).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.budgets).toHaveLength(6);
    expect(out.budgets.map((b: { runs: number }) => b.runs)).toEqual([7, 7, 7, 7, 7, 7]);
    for (const key of ['approach1', 'approach2', 'approach3', 'warnings', 'units', 'columns']) expect(out).toHaveProperty(key);
    expect(out.approach1).toBeNull();
    const [lo2, hi2] = out.approach2.a_ci;
    expect(lo2).toBeLessThan(truthA);
    expect(hi2).toBeGreaterThan(truthA);
    const [lo3, hi3] = out.approach3.a_ci;
    expect(lo3).toBeLessThan(truthA);
    expect(hi3).toBeGreaterThan(truthA);
    expect(out.approach3.params.alpha).toBeCloseTo(al, 1);
    expect(out.budgets[0].N_opt_approach2).toBeGreaterThan(0);
    expect(out.units).toEqual({ N: 'params', D: 'tokens', flops: 'FLOP', y: 'loss_nats' });
  }, 60_000);

  it('--flops gives the same budgets and exponent as --d', async () => {
    const [a, b] = [captureIO(dir), captureIO(dir)];
    await main(['isoflop', 'sweep.csv', '--n', 'params', '--d', 'tokens', '--y', 'loss', '--bootstrap', '0', '--json'], a);
    expect(await main(['isoflop', 'sweep.csv', '--n', 'params', '--flops', 'flops', '--y', 'loss', '--bootstrap', '0', '--json'], b)).toBe(
      0,
    );
    const [ja, jb] = [JSON.parse(a.out), JSON.parse(b.out)];
    expect(jb.budgets.length).toBe(ja.budgets.length);
    expect(jb.approach2.a).toBeCloseTo(ja.approach2.a, 8);
  }, 60_000);

  it('text output puts the approaches side by side; training curves add approach 1', async () => {
    const io = captureIO(dir);
    expect(await main(['isoflop', 'sweep.csv', '--n', 'params', '--d', 'tokens', '--y', 'loss', '--bootstrap', '0'], io)).toBe(0);
    expect(io.out).toMatch(/approach 2 \(parabola per budget, 6 budgets\): a = 0\.4\d+ \[/);
    expect(io.out).toMatch(/approach 3 \(chinchilla fit, bootstrap 0\): a = 0\.4\d+/);
    const cv = captureIO(dir);
    const code = await main(['isoflop', 'curves.csv', '--n', 'params', '--run', 'run', '--tokens', 'tokens', '--y', 'loss', '--json'], cv);
    expect(code).toBe(0);
    const out = JSON.parse(cv.out);
    expect(out.approach1.curves).toBe(16);
    expect(Math.abs(out.approach1.a - truthA)).toBeLessThan(0.06);
    expect(out.rows).toBe(16);
  }, 60_000);
});
