import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// Cases that belong to no single command. Each command's cases live in their own file beside this one.
const CASES: BadCase[] = [
  { id: 'G01', title: 'unknown command', argv: ['nope'], stderr: [/unknown command 'nope'/] },
  { id: 'G02', title: 'no command at all prints help', argv: [], stdout: [/Usage: scalewise/] },
  { id: 'G03', title: 'unknown flag on a known command', argv: ['fit', '--no-such-flag'], stderr: [/no-such-flag/] },
];

describe('bad input: general', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    });
});
