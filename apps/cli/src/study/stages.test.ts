import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimStudyFolder, runStage } from './stages.js';

describe('runStage', () => {
  it('reuses a finished stage only when its key (options and laws version) is unchanged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scalewise-stage-'));
    const lines: string[] = [];
    let calls = 0;
    const compute = async () => ({ value: ++calls });
    const first = await runStage(dir, 'ladder', { sweep: 1, laws: '0.1.0' }, (l) => lines.push(l), compute);
    const again = await runStage(dir, 'ladder', { sweep: 1, laws: '0.1.0' }, (l) => lines.push(l), compute);
    expect(again).toEqual(first);
    expect(calls).toBe(1);
    expect(lines.some((l) => l.startsWith('[ladder] reusing finished stage'))).toBe(true);
    const upgraded = await runStage(dir, 'ladder', { sweep: 1, laws: '0.2.0' }, (l) => lines.push(l), compute);
    expect(upgraded).toEqual({ value: 2 });
    expect(calls).toBe(2);
  });

  it('a reused stage gives back typed arrays (fit values and residuals), NaN included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scalewise-stage-'));
    const compute = async () => ({ fit: { values: Float64Array.from([1.5, Number.NaN]), residuals: new Float64Array([0.25, -0.5]) } });
    await runStage(dir, 'original', { k: 1 }, () => {}, compute);
    const again = await runStage(
      dir,
      'original',
      { k: 1 },
      () => {},
      async (): ReturnType<typeof compute> => {
        throw new Error('should be reused');
      },
    );
    expect(again.fit.values).toBeInstanceOf(Float64Array);
    expect(Array.from(again.fit.values)).toEqual([1.5, Number.NaN]);
    expect(Array.from(again.fit.residuals)).toEqual([0.25, -0.5]);
  });

  it('refuses a study folder claimed by other options (SS1) or holding other files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scalewise-claim-'));
    await claimStudyFolder(dir, { quick: true, seed: 0 });
    await claimStudyFolder(dir, { quick: true, seed: 0 });
    await expect(claimStudyFolder(dir, { quick: true, seed: 1 })).rejects.toThrow(/other options \(seed 0 there, 1 now\)/);
    const other = mkdtempSync(path.join(tmpdir(), 'scalewise-claim-'));
    writeFileSync(path.join(other, 'notes.txt'), 'mine');
    await expect(claimStudyFolder(other, { seed: 0 })).rejects.toThrow(/holds other files/);
  });
});
