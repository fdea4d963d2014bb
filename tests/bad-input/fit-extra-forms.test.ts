import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `scalewise fit --form data-constrained|downstream|loss-to-loss` on bad tables and flags (issue #19).
const DC = 'n,d,u,loss\n1e8,1e9,1e9,3.1\n2e8,2e9,1e9,3.0\n4e8,4e9,5e9,2.9\n8e8,8e9,1e9,2.8\n';
const DC_ZERO = 'n,d,u,loss\n1e8,1e9,1e9,3.1\n0,2e9,1e9,3.0\n';
const DC_NEG_LOSS = 'n,d,u,loss\n1e8,1e9,1e9,3.1\n2e8,2e9,1e9,-1\n';
const L2L = 'c4,code\n2.0,1.9\n2.5,2.2\n3.0,2.6\n3.5,3.0\n';
const DS = 'N,D,tl,acc\n1e8,1e9,3.1,0.3\n2e8,2e9,3.0,71\n';
const dc = (file: string, ...flags: string[]): string[] => [
  'fit',
  file,
  '--form',
  'data-constrained',
  '--n',
  'n',
  '--d',
  'd',
  '--unique',
  'u',
  '--y',
  'loss',
  ...flags,
];
const ds = (...flags: string[]): string[] => [
  'fit',
  'ds.csv',
  '--form',
  'downstream',
  '--n',
  'N',
  '--d',
  'D',
  '--task-loss',
  'tl',
  '--acc',
  'acc',
  ...flags,
];

const CASES: BadCase[] = [
  {
    id: 'I19-01',
    title: 'data-constrained: a missing column is named with the columns there are',
    argv: ['fit', 'dc.csv', '--form', 'data-constrained', '--n', 'n', '--d', 'd', '--unique', 'uniq', '--y', 'loss'],
    files: { 'dc.csv': DC },
    stderr: [/dc\.csv: no column 'uniq'; columns are: n, d, u, loss/],
  },
  {
    id: 'I19-02',
    title: 'data-constrained: U > D names the file, the row and both columns',
    argv: dc('dc.csv'),
    files: { 'dc.csv': DC },
    stderr: [/dc\.csv: row 3, column 'u': unique tokens \(5000000000\) exceed the tokens seen in column 'd'/],
  },
  {
    id: 'I19-03',
    title: 'data-constrained: a parameter count of 0 is refused with its row and column',
    argv: dc('zero.csv'),
    files: { 'zero.csv': DC_ZERO },
    stderr: [/zero\.csv: row 2, column 'n': expected a positive number, found 0/],
  },
  {
    id: 'I19-04',
    title: 'data-constrained: a negative loss is refused with its row and column',
    argv: dc('neg.csv'),
    files: { 'neg.csv': DC_NEG_LOSS },
    stderr: [/neg\.csv: row 2, column 'loss': expected a positive number, found -1/],
  },
  {
    id: 'I19-05',
    title: 'data-constrained: --unique is required',
    argv: ['fit', 'dc.csv', '--form', 'data-constrained', '--n', 'n', '--d', 'd', '--y', 'loss'],
    files: { 'dc.csv': DC },
    stderr: [/form 'data-constrained' needs --unique COL/],
  },
  {
    id: 'I19-06',
    title: 'data-constrained: --x does not apply',
    argv: dc('dc.csv', '--x', 'n'),
    files: { 'dc.csv': DC },
    stderr: [/--x does not apply to form 'data-constrained', which takes --n COL, --d COL, --unique COL, --y COL/],
  },
  {
    id: 'I19-07',
    title: 'data-constrained: a malformed --fix is refused before the file is read',
    argv: dc('missing.csv', '--fix', 'R_D_star=abc'),
    stderr: [/--fix expects 'published' or NAME=VALUE/],
  },
  {
    id: 'I19-08',
    title: 'loss-to-loss: a held E1 at or above min L1 names the file, the row and the column',
    argv: ['fit', 'l.csv', '--form', 'loss-to-loss', '--x', 'c4', '--y', 'code', '--fix', 'E1=2.0'],
    files: { 'l.csv': L2L },
    stderr: [/l\.csv: row 1, column 'c4': L1 = 2 is not above the irreducible loss E1 = 2: expected E1 < min L1/],
  },
  {
    id: 'I19-09',
    title: 'loss-to-loss: only E1 and E2 can be held',
    argv: ['fit', 'l.csv', '--form', 'loss-to-loss', '--x', 'c4', '--y', 'code', '--fix', 'K=2'],
    files: { 'l.csv': L2L },
    stderr: [/--fix: 'K' is not a parameter that can be held \(E1, E2\)/],
  },
  {
    id: 'I19-10',
    title: 'loss-to-loss: --n does not apply',
    argv: ['fit', 'l.csv', '--form', 'loss-to-loss', '--x', 'c4', '--y', 'code', '--n', 'c4'],
    files: { 'l.csv': L2L },
    stderr: [/--n does not apply to form 'loss-to-loss', which takes --x COL, --y COL/],
  },
  {
    id: 'I19-11',
    title: 'downstream: an accuracy outside [0, 1] names the file, the row and the column',
    argv: ds(),
    files: { 'ds.csv': DS },
    stderr: [/ds\.csv: row 2, column 'acc': expected an accuracy as a fraction in \[0, 1\], found 71/],
  },
  {
    id: 'I19-12',
    title: 'downstream: --predict must be N:D',
    argv: ds('--predict', '7e9'),
    files: { 'ds.csv': DS },
    stderr: [/--predict expects N:D \(positive numbers, e\.g\. 7e9:2e12\), found '7e9'/],
  },
  {
    id: 'I19-13',
    title: 'downstream: --task-loss is required',
    argv: ['fit', 'ds.csv', '--form', 'downstream', '--n', 'N', '--d', 'D', '--acc', 'acc'],
    files: { 'ds.csv': DS },
    stderr: [/form 'downstream' needs --task-loss COL/],
  },
  {
    id: 'I19-15',
    title: '--unique on another form is refused, not ignored',
    argv: ['fit', 'l.csv', '--form', 'chinchilla', '--n', 'c4', '--d', 'code', '--unique', 'c4'],
    files: { 'l.csv': L2L },
    stderr: [/--unique applies only to --form data-constrained/],
  },
  {
    id: 'I19-14',
    title: 'a header-only table says there are no data rows',
    argv: dc('empty.csv'),
    files: { 'empty.csv': 'n,d,u,loss\n' },
    stderr: [/empty\.csv: no data rows/],
  },
];

describe('bad input: fit --form data-constrained|downstream|loss-to-loss', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    });
});
