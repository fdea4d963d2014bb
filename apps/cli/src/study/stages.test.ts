import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStage } from './stages.js';

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
});
