import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `scalewise isoflop` (issue #15): every bad table or flag exits 2 with one line naming the file, row and column
// or the flag, before any analysis.
const SWEEP = 'params,tokens,loss\n1e8,1e10,3.1\n2e8,5e9,3.0\n4e8,2.5e9,3.05\n1e8,1e11,2.9\n2e8,5e10,2.8\n4e8,2.5e10,2.85\n';
const CURVES = 'run,params,tokens,loss\na,1e8,1e9,3.5\na,1e8,2e9,3.3\nb,2e8,1e9,3.4\nb,3e8,2e9,3.1\n';
const files = {
  'sweep.csv': SWEEP,
  'curves.csv': CURVES,
  'negative.csv': 'params,tokens,loss\n1e8,1e10,3.1\n2e8,5e9,-3.0\n',
  'text.csv': 'params,tokens,loss\n1e8,1e10,3.1\n2e8,lots,3.0\n',
  'emptyrun.csv': 'run,params,tokens,loss\na,1e8,1e9,3.5\n,1e8,2e9,3.3\n',
};
const iso = (...flags: string[]): string[] => ['isoflop', 'sweep.csv', '--n', 'params', '--d', 'tokens', '--y', 'loss', ...flags];

const CASES: BadCase[] = [
  {
    id: 'I01',
    title: 'a file that does not exist',
    argv: ['isoflop', 'nope.csv', '--n', 'params', '--d', 'tokens'],
    files,
    stderr: [/nope\.csv: cannot read the file \(no such file\)/],
  },
  { id: 'I02', title: 'no --n', argv: ['isoflop', 'sweep.csv', '--d', 'tokens'], files, stderr: [/--n COL is required/] },
  {
    id: 'I03',
    title: '--d and --flops together',
    argv: ['isoflop', 'sweep.csv', '--n', 'params', '--d', 'tokens', '--flops', 'tokens'],
    files,
    stderr: [/give one of --d COL \(tokens\) and --flops COL/],
  },
  {
    id: 'I04',
    title: 'a column that is not in the file',
    argv: ['isoflop', 'sweep.csv', '--n', 'params', '--d', 'tokens', '--y', 'val_loss'],
    files,
    stderr: [/sweep\.csv.*val_loss/],
  },
  {
    id: 'I05',
    title: 'a negative loss',
    argv: ['isoflop', 'negative.csv', '--n', 'params', '--d', 'tokens', '--y', 'loss'],
    files,
    stderr: [/negative\.csv: row 2, column 'loss'/],
  },
  {
    id: 'I06',
    title: 'a cell that is not a number',
    argv: ['isoflop', 'text.csv', '--n', 'params', '--d', 'tokens', '--y', 'loss'],
    files,
    stderr: [/text\.csv.*row 2.*tokens/],
  },
  {
    id: 'I07',
    title: 'a budget tolerance of 2',
    argv: iso('--budget-tolerance', '2'),
    files,
    stderr: [/--budget-tolerance expects a number in \[0, 1\)/],
  },
  {
    id: 'I08',
    title: '--run without --tokens',
    argv: ['isoflop', 'curves.csv', '--n', 'params', '--run', 'run'],
    files,
    stderr: [/--run and --tokens go together/],
  },
  {
    id: 'I09',
    title: 'an empty run name',
    argv: ['isoflop', 'emptyrun.csv', '--n', 'params', '--run', 'run', '--tokens', 'tokens', '--y', 'loss'],
    files,
    stderr: [/emptyrun\.csv: row 2, column 'run': the run name is empty/],
  },
  {
    id: 'I10',
    title: 'a run whose size changes between checkpoints',
    argv: ['isoflop', 'curves.csv', '--n', 'params', '--run', 'run', '--tokens', 'tokens', '--y', 'loss'],
    files,
    stderr: [/curves\.csv: row 4: run 'b' has N = 300000000 here but N = 200000000 in row 3/],
  },
  {
    id: 'I11',
    title: '--drop-top as large as the table',
    argv: iso('--drop-top', '6'),
    files,
    stderr: [/--drop-top expects an integer in \[0, 5\]/],
  },
  { id: 'I12', title: '--budgets without --run', argv: iso('--budgets', '1e18'), files, stderr: [/--budgets applies only with --run/] },
  {
    id: 'I13',
    title: 'a negative --bootstrap',
    argv: iso('--bootstrap=-1'),
    files,
    stderr: [/--bootstrap expects an integer in \[0, 100,000\]/],
  },
  {
    id: 'I14',
    title: 'a non-numeric approach-1 budget',
    argv: ['isoflop', 'curves.csv', '--n', 'params', '--run', 'run', '--tokens', 'tokens', '--y', 'loss', '--budgets', '1e18,lots'],
    files,
    stderr: [/--budgets expects positive FLOP values separated by commas, found 'lots'/],
  },
  {
    id: 'I16',
    title: 'rows on which no approach can run',
    argv: ['isoflop', 'two.csv', '--n', 'params', '--d', 'tokens', '--y', 'loss'],
    files: { 'two.csv': 'params,tokens,loss\n1e8,1e10,3.1\n2e8,5e9,3.0\n' },
    stderr: [/two\.csv: no approach can run on these rows: approach 2 not possible: .*approach 3 not possible/],
  },
  { id: 'I15', title: 'an unknown --unit-y', argv: iso('--unit-y', 'furlongs'), files, stderr: [/furlongs/] },
];

describe('bad input: isoflop', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 30_000);
});
