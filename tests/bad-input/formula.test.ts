import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `scalewise fit --formula` (issue #21): formulas outside the allowed language, flags that conflict or are
// malformed, variables without a column. Every case exits 2 with a one-line message naming what is wrong.
const CHIN =
  'Model Size,tokens,loss\n1e8,1.6e10,3.1\n2e8,1.7e10,2.9\n4e8,1.6e10,2.8\n8e8,1.7e10,2.7\n1.6e9,1.6e10,2.6\n3.2e9,1.7e10,2.55\n';
const GOOD = 'x,y\n1,3\n2,2.2\n4,1.6\n8,1.2\n16,0.9\n32,0.75\n';
const files = { 'chin.csv': CHIN, 'good.csv': GOOD };
const fit = (formula: string, ...flags: string[]): string[] => ['fit', 'good.csv', '--formula', formula, '--var', 'x=x', ...flags];
const chin = (formula: string, ...flags: string[]): string[] => ['fit', 'chin.csv', '--formula', formula, '--y', 'loss', ...flags];

const CASES: BadCase[] = [
  {
    id: 'X01',
    title: 'import is not a function of the formula language',
    argv: fit('a*x + import({}, {override: true})'),
    files,
    stderr: [/character 7: unknown function 'import'/],
  },
  {
    id: 'X02',
    title: 'createUnit is refused',
    argv: fit('a*x^b + createUnit("foo")'),
    files,
    stderr: [/character 9: unknown function 'createUnit'/],
  },
  {
    id: 'X03',
    title: 'evaluate is refused',
    argv: fit('evaluate("1") * x^b'),
    files,
    stderr: [/character 1: unknown function 'evaluate'/],
  },
  { id: 'X04', title: 'assignment of a constant', argv: fit('a=1'), files, stderr: [/character 2: assignment is not allowed/] },
  { id: 'X05', title: 'function definition', argv: fit('f(x)=x'), files, stderr: [/character 5: function definitions are not allowed/] },
  { id: 'X06', title: 'an unknown function', argv: fit('a*sin(x)'), files, stderr: [/character 3: unknown function 'sin'/] },
  { id: 'X07', title: 'a formula with no parameters', argv: fit('x^2 + 1'), files, stderr: [/no parameters to fit/] },
  {
    id: 'X08',
    title: 'a variable without a column',
    argv: chin('E + A*N^(-alpha) + B*D^(-beta)', '--var', 'N=Model Size'),
    files,
    stderr: [/character 22: variable 'D' has no column: bind it \(--var D=COL\)/],
  },
  { id: 'X09', title: 'a term that is always zero', argv: fit('a*x^b + c*(x - x)'), files, stderr: [/parameter 'c' has no effect/] },
  {
    id: 'X10',
    title: 'a syntax error names its position',
    argv: fit('a*x^(b'),
    files,
    stderr: [/--formula: formula 'a\*x\^\(b', character \d+: cannot parse/],
  },
  {
    id: 'X11',
    title: '--formula with --form conflict',
    argv: fit('a*x^b', '--form', 'power'),
    files,
    stderr: [/--formula and --form conflict/],
  },
  { id: 'X12', title: 'an empty formula', argv: fit(''), files, stderr: [/--formula is empty/] },
  {
    id: 'X13',
    title: '--var without =',
    argv: ['fit', 'good.csv', '--formula', 'a*x^b', '--var', 'x'],
    files,
    stderr: [/--var expects NAME=COL/],
  },
  {
    id: 'X14',
    title: '--var of a name not in the formula',
    argv: fit('a*x^b', '--var', 'U=y'),
    files,
    stderr: [/variable 'U' is bound to a column but does not appear/],
  },
  {
    id: 'X14c',
    title: '--var naming a missing column',
    argv: ['fit', 'good.csv', '--formula', 'a*x^b', '--var', 'x=nope'],
    files,
    stderr: [/good\.csv/, /nope/],
  },
  {
    id: 'X15',
    title: 'the same variable bound twice',
    argv: [...fit('a*x^b'), '--x', 'y'],
    files,
    stderr: [/variable 'x' is bound twice/],
  },
  {
    id: 'X16',
    title: 'no --var at all',
    argv: ['fit', 'good.csv', '--formula', 'a*x^b'],
    files,
    stderr: [/--formula needs a column for each variable/],
  },
  {
    id: 'X17',
    title: 'a bound without its number',
    argv: fit('a*x^b', '--bound', 'b>'),
    files,
    stderr: [/bound 'b>', position 3: expected a number after '>'/],
  },
  {
    id: 'X17b',
    title: 'a two-sided bound whose lower end is above its upper end',
    argv: fit('a*x^b', '--bound', '2<b<1'),
    files,
    stderr: [/bound '2<b<1', position 1: the lower bound 2 of 'b' is not below its upper bound 1/],
  },
  {
    id: 'X18',
    title: 'a bound on a name that is not a parameter',
    argv: fit('a*x^b', '--bound', 'q>0'),
    files,
    stderr: [/'q' is not a parameter/],
  },
  {
    id: 'X19',
    title: 'a reversed start range',
    argv: fit('a*x^b', '--start', 'b=1..0.1'),
    files,
    stderr: [/start 'b=1\.\.0\.1': expected LO ≤ HI/],
  },
  {
    id: 'X20',
    title: 'a malformed start',
    argv: fit('a*x^b', '--start', 'b=fast'),
    files,
    stderr: [/expected NAME=VALUE or NAME=LO\.\.HI/],
  },
  { id: 'X21', title: 'an unknown loss', argv: fit('a*x^b', '--loss', 'l1'), files, stderr: [/--loss expects ls or huber, found 'l1'/] },
  {
    id: 'X22',
    title: '--delta without --loss huber',
    argv: fit('a*x^b', '--delta', '0.01'),
    files,
    stderr: [/--delta applies only with --loss huber/],
  },
  {
    id: 'X23',
    title: '--bound without --formula',
    argv: ['fit', 'good.csv', '--form', 'power', '--bound', 'a>0'],
    files,
    stderr: [/--bound applies only with --formula/],
  },
  {
    id: 'X24',
    title: '--compare of a one-variable formula with a form of N and D',
    argv: fit('a*x^b', '--compare', 'chinchilla'),
    files,
    stderr: [/--compare: form 'chinchilla' takes N and D, form 'custom' takes one variable/],
  },
  {
    id: 'X25',
    title: 'start ranges beyond 5,000 starting points',
    argv: fit('a*x^b + c + d*x', ...['a', 'b', 'c', 'd'].flatMap((p) => ['--start', `${p}=1..2`]), '--start', 'a=1..3'),
    files,
    stderr: [/already has a start/],
  },
  {
    id: 'X26',
    title: 'a control character in the formula is not echoed raw',
    argv: fit('a*x^b + \u001b[2J'),
    files,
    stderr: [/--formula: formula/],
  },
  {
    id: 'X27',
    title: 'a good custom fit prints the built-in --json shape with form "custom" and the formula',
    argv: fit('a*x^b', '--json'),
    files,
    code: 0,
    stdout: [/"form": "custom"/, /"formula": "a\*x\^b"/, /"params": \{/, /"ci": \{/, /"variables": \{\s*"x": "x"/],
  },
  {
    id: 'X28',
    title: 'a custom variable name with --bootstrap gives percentile intervals',
    argv: [
      'fit',
      'good.csv',
      '--formula',
      'E + A*U^(-alpha)',
      '--var',
      'U=x',
      '--bound',
      'E>0',
      '--bootstrap',
      '30',
      '--seed',
      '3',
      '--json',
    ],
    files,
    code: 0,
    stdout: [
      /"ci_method": "bootstrap expanded percentile, [\d.]+%–[\d.]+% for n = \d+, k = \d+ \(\d+ resamples, seed 3\)"/,
      /"variables": \{\s*"U": "x"/,
      /"alpha": \[/,
    ],
  },
];

describe('bad input: fit --formula', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 30_000);
});
