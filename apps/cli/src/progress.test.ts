import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

describe('createProgress', () => {
  it('prints periodic plain lines with an ETA when stderr is not a TTY', () => {
    let err = '';
    let clock = 0;
    const progress = createProgress(
      {
        stdout: () => {},
        stderr: (t) => {
          err += t;
        },
        isTTY: false,
        cwd: '.',
      },
      () => clock,
    );
    progress({ stage: 'train', done: 0, total: 100, unit: 'steps' });
    clock = 1_000;
    progress({ stage: 'train', done: 10, total: 100, unit: 'steps' }); // within the 5 s interval: silent
    clock = 10_000;
    progress({ stage: 'train', done: 50, total: 100, unit: 'steps' });
    clock = 20_000;
    progress({ stage: 'train', done: 100, total: 100, unit: 'steps' });
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('[train] 50/100 steps (50%) elapsed 10s eta 10s');
    expect(lines[2]).toContain('100/100 steps (100%)');
  });
});

describe('createProgress across runs', () => {
  it('restarts the clock when a stage starts over (next run of a sweep)', () => {
    let err = '';
    let clock = 0;
    const progress = createProgress(
      {
        stdout: () => {},
        stderr: (t) => {
          err += t;
        },
        isTTY: false,
        cwd: '.',
      },
      () => clock,
    );
    progress({ stage: 'train', done: 0, total: 10 });
    clock = 100_000;
    progress({ stage: 'train', done: 10, total: 10 });
    clock = 200_000;
    progress({ stage: 'train', done: 0, total: 10 });
    clock = 210_000;
    progress({ stage: 'train', done: 5, total: 10 });
    expect(err.trim().split('\n').at(-1)).toBe('[train] 5/10 (50%) elapsed 10s eta 10s');
  });
});
