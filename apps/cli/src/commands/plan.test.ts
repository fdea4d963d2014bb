import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

const POWER = ['plan', '--form', 'power', '--params', '{"a":1000,"b":-0.25}', '--param', 'b', '--noise', '0.01'];

describe('scalewise plan', () => {
  it('--json lists every design with the contract fields and names the smallest meeting the target', async () => {
    const io = captureIO();
    const argv = [...POWER, '--sizes', '3,6,12', '--size-range', '1e8..1e10', '--target-width', '0.02', '--replicates', '200', '--json'];
    expect(await main(argv, io)).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.designs.map((d: { label: string }) => d.label)).toEqual(['3 sizes', '6 sizes', '12 sizes']);
    for (const key of ['label', 'sizes', 'runs', 'median_width', 'fraction_below_target', 'coverage', 'failed', 'meets_target'])
      expect(out.designs[0]).toHaveProperty(key);
    const widths = out.designs.map((d: { median_width: number }) => d.median_width);
    expect(widths[2]).toBeLessThan(widths[0]);
    // The t interval of an OLS power fit is exact: coverage near 95% for every design.
    for (const d of out.designs) expect(d.coverage).toBeGreaterThan(0.9);
    expect(out.designs[0].meets_target).toBe(false);
    expect(out.designs[2].meets_target).toBe(true);
    expect(out.smallest).toBe(out.designs.find((d: { meets_target: boolean }) => d.meets_target).label);
    expect(io.err).toMatch(/\[plan\] 600\/600 simulated studies/);
  }, 60_000);

  it('explicit sets of sizes and budgets for a chinchilla-style custom formula; text names the smallest', async () => {
    const io = captureIO();
    const argv = [
      'plan',
      '--formula',
      'E + A*N^(-alpha) + B*D^(-beta)',
      '--bound',
      'E>0',
      '--bound',
      'A>0',
      '--bound',
      'B>0',
      '--start',
      'E=1.7',
      '--start',
      'A=400',
      '--start',
      'B=400',
      '--start',
      'alpha=0.3',
      '--start',
      'beta=0.3',
      '--params',
      '{"E":1.69,"A":406.4,"B":410.7,"alpha":0.34,"beta":0.28}',
      '--param',
      'alpha',
      '--sizes',
      '1e8,4e8,1.6e9,6.4e9;',
      '--budgets',
      '1e19,1e20,1e21;',
      '--target-width',
      '10',
      '--replicates',
      '10',
    ];
    expect(await main(argv, io)).toBe(0);
    expect(io.out).toMatch(/4 sizes × 3 FLOP budgets\s+12 /);
    expect(io.out).toMatch(/smallest design whose median width of alpha is under 10: 4 sizes × 3 FLOP budgets/);
    expect(io.out).toMatch(/true law: E = 1\.6900, A = 406\.40, .*noise sd of ln y 0\.015 \(default, an assumption\)/);
  }, 60_000);
});
