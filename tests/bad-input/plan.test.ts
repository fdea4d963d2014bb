import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `scalewise plan` (issue #15): every bad flag exits 2 with one line naming the flag, before any simulation.
const CHIN = '{"E":1.69,"A":406.4,"B":410.7,"alpha":0.34,"beta":0.28}';
const plan = (...flags: string[]): string[] => ['plan', '--form', 'chinchilla', '--params', CHIN, '--param', 'alpha', ...flags];
const power = (...flags: string[]): string[] => ['plan', '--form', 'power', '--params', '{"a":1,"b":-0.3}', '--param', 'b', ...flags];

const CASES: BadCase[] = [
  { id: 'P01', title: 'no law', argv: ['plan', '--params', '{}'], stderr: [/give one law: --form FORM or --formula TEXT/] },
  {
    id: 'P02',
    title: '--params that is not JSON',
    argv: ['plan', '--form', 'power', '--params', '{a:1}', '--param', 'b'],
    stderr: [/--params: invalid JSON/],
  },
  {
    id: 'P03',
    title: '--params missing a parameter',
    argv: ['plan', '--form', 'power', '--params', '{"a":1}', '--param', 'b', '--sizes', '3'],
    stderr: [/--params: 'b' needs a finite number, found nothing/],
  },
  {
    id: 'P04',
    title: '--params with a name that is not a parameter',
    argv: ['plan', '--form', 'power', '--params', '{"a":1,"b":2,"c":3}'],
    stderr: [/--params: 'c' is not a parameter of power \(a, b\)/],
  },
  {
    id: 'P05',
    title: '--param that is not a parameter',
    argv: [...power('--sizes', '3')].map((a) => (a === 'b' ? 'q' : a)),
    stderr: [/--param: 'q' is not a parameter/],
  },
  {
    id: 'P06',
    title: 'explicit sizes written as counts',
    argv: power('--sizes', '1e8,3e8,1e9'),
    stderr: [
      /--sizes: expected counts \(integers in \[1, 1000\]\) separated by commas, found '1e8'; explicit values are sets ending in ';'/,
    ],
  },
  {
    id: 'P07',
    title: 'counts without --size-range',
    argv: power('--sizes', '3,6'),
    stderr: [/--sizes: a count of 3 needs --size-range LO\.\.HI/],
  },
  {
    id: 'P08',
    title: 'a reversed --size-range',
    argv: power('--sizes', '3', '--size-range', '1e9..1e8'),
    stderr: [/--size-range expects LO\.\.HI with 0 < LO < HI/],
  },
  {
    id: 'P09',
    title: 'chinchilla without --budgets',
    argv: plan('--sizes', '1e8,1e9,1e10;'),
    stderr: [/--budgets: form 'chinchilla' takes two inputs: give budgets/],
  },
  {
    id: 'P10',
    title: '--budgets for a one-input form',
    argv: power('--sizes', '1e8,1e9,1e10;', '--budgets', '3'),
    stderr: [/--budgets: form 'power' takes one input: budgets do not apply/],
  },
  { id: 'P11', title: 'a negative --noise', argv: power('--sizes', '3', '--noise=-1'), stderr: [/--noise expects the sd of ln y/] },
  {
    id: 'P12',
    title: 'one replicate',
    argv: power('--sizes', '3', '--replicates', '1'),
    stderr: [/--replicates expects an integer in \[2, 100,000\]/],
  },
  {
    id: 'P13',
    title: 'a custom formula with a malformed bound',
    argv: ['plan', '--formula', 'E + A*x^(-alpha)', '--bound', '2<alpha<1', '--params', '{}'],
    stderr: [/--formula: bound '2<alpha<1', position 1: the lower bound 2 of 'alpha' is not below its upper bound 1/],
  },
  {
    id: 'P14',
    title: 'a sizes set with a negative size',
    argv: power('--sizes', '1e8,-3e8;'),
    stderr: [/--sizes: set 1 \('1e8,-3e8'\): expected positive numbers separated by commas, found '-3e8'/],
  },
  {
    id: 'P15',
    title: 'an unknown --budget-unit',
    argv: plan('--sizes', '1e8,1e9;', '--budgets', '3', '--budget-unit', 'joules'),
    stderr: [/--budget-unit expects flops or tokens/],
  },
  { id: 'P16', title: 'a FILE argument', argv: ['plan', 'results.csv'], stderr: [/plan takes no FILE, found 'results\.csv'/] },
  {
    id: 'P17',
    title: 'a --target-width of 0',
    argv: power('--sizes', '3', '--target-width', '0'),
    stderr: [/--target-width expects a positive number/],
  },
  {
    id: 'P19',
    title: 'a design with fewer runs than parameters, after a good one',
    argv: power('--sizes', '1e8,1e9,1e10;2e8;'),
    stderr: [/--sizes\/--budgets: design '1 sizes' has 1 runs for 2 parameters/],
  },
  { id: 'P18', title: 'an unknown form', argv: ['plan', '--form', 'cubic', '--params', '{}'], stderr: [/cubic/] },
];

describe('bad input: plan', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 30_000);
});
