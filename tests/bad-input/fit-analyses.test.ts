import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `scalewise fit` analysis flags of issue #15 (--predict, --optimal, --compare, --method/--loss/--delta, units):
// every bad value exits 2 naming the flag and the value, before any work.
const GOOD = 'x,y\n1,3\n2,2.2\n4,1.6\n8,1.2\n16,0.9\n32,0.75\n';
const PPL = 'params,ppl\n1e6,30\n2e6,25\n4e6,21\n8e6,18\n1.6e7,15.5\n';
const CHIN =
  'Model Size,tokens,loss\n' + '1e8,1.6e10,3.1\n2e8,1.7e10,2.9\n4e8,1.6e10,2.8\n8e8,1.7e10,2.7\n1.6e9,1.6e10,2.6\n3.2e9,1.7e10,2.55\n';
const files = { 'good.csv': GOOD, 'chin.csv': CHIN, 'ppl.csv': PPL };
const power = (...flags: string[]): string[] => ['fit', 'good.csv', '--form', 'power', ...flags];
const chin = (...flags: string[]): string[] => [
  'fit',
  'chin.csv',
  '--form',
  'chinchilla',
  '--n',
  'Model Size',
  '--d',
  'tokens',
  '--y',
  'loss',
  ...flags,
];

const CASES: BadCase[] = [
  // A negative number after a flag is that flag's value: the command's own check refuses it in one line (exit 2).
  {
    id: 'NV1',
    title: '--predict -5 (space, not =)',
    argv: power('--predict', '-5'),
    stderr: [/^scalewise fit: --predict: x must be positive.*'-5'\n$/],
  },
  {
    id: 'NV2',
    title: '--optimal -1e21 (space, not =)',
    argv: chin('--optimal', '-1e21'),
    stderr: [/^scalewise fit: --optimal expects positive compute budgets in FLOPs \(e\.g\. 1e21,1e24\), found '-1e21'\n$/],
  },
  {
    id: 'NV3',
    title: '--bootstrap -1 (space)',
    argv: power('--bootstrap', '-1'),
    stderr: [/--bootstrap expects an integer in \[0, 100,000\], found '-1'/],
  },
  {
    id: 'NV4',
    title: 'a flag-like value is one line naming the flag',
    argv: power('--predict', '-x'),
    stderr: [/^scalewise fit: --predict needs a value; for a value that starts with a dash write --predict=VALUE\n$/],
  },
  {
    id: 'P01',
    title: '--predict N:D on a one-variable form',
    argv: power('--predict', '1:2'),
    stderr: [/--predict: form 'power' takes one variable \(x\): give values such as 1e9,3e9, found '1:2'/],
  },
  {
    id: 'P02',
    title: '--predict a single value on a form of N and D',
    argv: chin('--predict', '1e9'),
    stderr: [/--predict: form 'chinchilla' takes N and D: give N:D tuples such as 1e9:2e10, found '1e9'/],
  },
  { id: 'P03', title: '--predict a negative size', argv: power('--predict=-5'), stderr: [/--predict: x must be positive .*found '-5'/] },
  { id: 'P04', title: '--predict an empty value', argv: power('--predict', '1,,2'), stderr: [/--predict has an empty value in '1,,2'/] },
  {
    id: 'P05',
    title: '--predict a hexadecimal number',
    argv: power('--predict', '0x10'),
    stderr: [/--predict expects decimal.*found '0x10'/],
  },
  {
    id: 'P06',
    title: '--predict beyond a double',
    argv: power('--predict', '1e400'),
    stderr: [/--predict expects decimal.*found '1e400'/],
  },
  {
    id: 'P07',
    title: '--predict where a custom law is undefined names the point',
    argv: ['fit', 'good.csv', '--formula', 'a*x^b', '--x', 'x', '--predict=-1'],
    stderr: [/--predict: the fitted law has no positive finite value at x = -1/],
  },
  {
    id: 'O01',
    title: '--optimal a negative budget',
    argv: chin('--optimal=-5'),
    stderr: [/--optimal expects positive compute budgets in FLOPs \(e\.g\. 1e21,1e24\), found '-5'/],
  },
  { id: 'O02', title: '--optimal text', argv: chin('--optimal', '1e21,lots'), stderr: [/--optimal expects decimal.*found 'lots'/] },
  {
    id: 'O03',
    title: '--optimal on a form without one',
    argv: power('--optimal', '1e21'),
    stderr: [/--optimal applies only to --form chinchilla.*'power'/],
  },
  {
    id: 'M01',
    title: 'an unknown --method',
    argv: power('--method', 'fast'),
    stderr: [/--method expects one of ols, nls, varpro, grid, found 'fast'/],
  },
  {
    id: 'M02',
    title: '--method grid on kaplan-nd names the form and its methods',
    argv: ['fit', 'chin.csv', '--form', 'kaplan-nd', '--n', 'Model Size', '--d', 'tokens', '--y', 'loss', '--method', 'grid'],
    stderr: [/--method grid: form 'kaplan-nd' is fitted by nls, not grid/],
  },
  {
    id: 'M03',
    title: '--method varpro on a custom formula',
    argv: ['fit', 'good.csv', '--formula', 'a*x^b', '--x', 'x', '--method', 'varpro'],
    stderr: [/--method varpro: form 'custom' is fitted by nls, not varpro/],
  },
  { id: 'D01', title: '--delta 0', argv: chin('--delta', '0'), stderr: [/--delta expects a positive number, found '0'/] },
  {
    id: 'D02',
    title: '--delta with least squares',
    argv: chin('--loss', 'ls', '--delta', '0.01'),
    stderr: [/--delta applies only with --loss huber/],
  },
  { id: 'L01', title: 'an unknown --loss', argv: chin('--loss', 'l1'), stderr: [/--loss expects ls or huber, found 'l1'/] },
  {
    id: 'C01',
    title: '--compare the main form again',
    argv: power('--compare', 'power'),
    stderr: [/--compare: form 'power' is already fitted/],
  },
  { id: 'C02', title: '--compare an empty name', argv: power('--compare', 'saturating,'), stderr: [/--compare has an empty value/] },
  {
    id: 'C03',
    title: '--compare a linear-space formula with log-space forms',
    argv: ['fit', 'good.csv', '--formula', 'a*x^b', '--x', 'x', '--space', 'linear', '--compare', 'power'],
    stderr: [/--compare: this fit is in linear space, built-in forms in log space: their AICc are not comparable/],
  },
  {
    id: 'U01',
    title: 'a column named ppl is perplexity, guessed with a warning, never silently nats',
    argv: ['fit', 'ppl.csv', '--form', 'power', '--x', 'params', '--y', 'ppl', '--json'],
    code: 0,
    stdout: [/"y": "perplexity"/, /"y_from": "column name"/, /y unit perplexity guessed from the column name 'ppl'; pass --unit-y/],
  },
  {
    id: 'U02',
    title: '--unit-y is taken as given, without a warning',
    argv: ['fit', 'ppl.csv', '--form', 'power', '--x', 'params', '--y', 'ppl', '--unit-y', 'perplexity', '--json'],
    code: 0,
    stdout: [/"y": "perplexity"/, /"y_from": "flag"/],
    check: (r) => {
      if (/guessed/.test(r.stdout)) throw new Error('a unit given by --unit-y was reported as guessed');
    },
  },
  {
    id: 'G01',
    title: '--method nls --loss huber --delta on power are used and recorded',
    argv: power('--method', 'nls', '--loss', 'huber', '--delta', '0.01', '--json'),
    code: 0,
    stdout: [/"fit_method": "nls"/, /"loss": "huber"/, /"delta": 0\.01/, /sum Huber\(delta=0\.01\)/],
  },
  {
    id: 'G02',
    title: '--predict on power prints predictions with intervals',
    argv: power('--predict', '64,128', '--json'),
    code: 0,
    stdout: [/"predictions": \[/, /"x": 64/, /"pi": \[\s*[\d.]+,\s*[\d.]+\s*\]/],
  },
];

describe('bad input: fit analyses (issue #15)', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase({ files, ...c });
    }, 30_000);
});
