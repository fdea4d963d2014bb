import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// Cases that belong to no single command. Each command's cases live in their own file beside this one.
const CASES: BadCase[] = [
  { id: 'G01', title: 'unknown command', argv: ['nope'], stderr: [/unknown command 'nope'/] },
  { id: 'G02', title: 'no command at all prints help', argv: [], stdout: [/Usage: scalewise/] },
  { id: 'G03', title: 'unknown flag on a known command', argv: ['fit', '--no-such-flag'], stderr: [/no-such-flag/] },
  {
    id: 'G03m',
    title: 'a missing flag value is one line',
    argv: ['fit', 'x.csv', '--form'],
    stderr: [/^scalewise fit: --form needs a value\n$/],
  },
  {
    id: 'G03u',
    title: 'an unknown flag is one line',
    argv: ['fit', '--no-such-flag'],
    stderr: [/^scalewise fit: unknown flag '--no-such-flag' \(see --help[^\n]*\n$/],
  },
  {
    // A successful command echoes a column name from the file: it reaches the terminal escaped (main() sanitises output).
    id: 'G04',
    title: 'a hostile column name in a good fit is printed escaped',
    code: 0,
    argv: ['fit', 'evil.csv', '--form', 'power', '--x', 'n', '--y', 'loss\u001b]0;pwned\u0007'],
    files: { 'evil.csv': 'n,loss\u001b]0;pwned\u0007\n1000,4.1\n2000,3.8\n4000,3.55\n8000,3.3\n' },
    stdout: [/loss\\x1b\]0;pwned\\x07/],
  },
];

describe('bad input: general', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    });
});
