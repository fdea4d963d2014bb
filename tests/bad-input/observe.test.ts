import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `scalewise observe` (issue #19): columns that do not exist, cells that are not scores, tables too small or with
// a benchmark never measured, and malformed flags. Every case exits 2 with a one-line message naming the file,
// row and field where there is one.
const GOOD = [
  'Model,MMLU,ARC,HumanEval,acc,FLOPs',
  'a,0.25,0.22,0.00,0.01,0.1',
  'b,0.30,0.30,0.05,0.03,1',
  'c,0.40,0.41,,0.10,3',
  'd,0.50,0.50,0.20,0.30,10',
  'e,0.60,0.58,0.30,0.55,30',
  'f,0.70,0.66,0.40,0.75,100',
  'g,0.75,0.70,0.45,0.85,',
  'h,0.80,0.75,0.55,0.90,1000',
].join('\n');
const files = {
  'good.csv': GOOD + '\n',
  'word.csv': GOOD.replace('0.41', 'high') + '\n',
  'percent.csv': GOOD.replace('0.58', '58') + '\n',
  'few.csv': 'Model,MMLU,ARC\na,0.3,0.2\nb,0.5,0.4\n',
  'empty-col.csv': 'Model,MMLU,ARC\na,0.3,\nb,0.5,\nc,0.6,\n',
  'empty-row.csv': 'Model,MMLU,ARC\na,0.3,0.2\nb,,\nc,0.6,0.5\n',
  'zero-flops.csv': GOOD.replace('0.41,,0.10,3', '0.41,,0.10,0') + '\n',
  'same-flops.csv': GOOD.replace(/,[0-9.]*$/gm, ',5').replace('acc,5', 'acc,FLOPs') + '\n',
  'few-targets.csv':
    GOOD.replace(/(\n[a-h],[^,]*,[^,]*,[^,]*,)[^,]*,/g, '$1,').replace('a,0.25,0.22,0.00,,', 'a,0.25,0.22,0.00,0.01,') + '\n',
};
const obs = (file: string, ...flags: string[]): string[] => ['observe', file, '--benchmarks', 'MMLU,ARC,HumanEval', ...flags];

const CASES: BadCase[] = [
  {
    id: 'O01',
    title: 'an unknown benchmark column',
    argv: ['observe', 'good.csv', '--benchmarks', 'MMLU,GPQA'],
    files,
    stderr: [/good\.csv: no column 'GPQA'; columns are: Model, MMLU/],
  },
  { id: 'O02', title: 'an unknown target column', argv: obs('good.csv', '--target', 'BBH'), files, stderr: [/good\.csv: no column 'BBH'/] },
  {
    id: 'O03',
    title: 'a word in a benchmark cell',
    argv: obs('word.csv'),
    files,
    stderr: [/word\.csv: row 3, column 'ARC': expected a number or an empty cell/],
  },
  {
    id: 'O04',
    title: 'a percentage where a fraction belongs',
    argv: obs('percent.csv'),
    files,
    stderr: [/percent\.csv: row 5, column 'ARC': a benchmark score must be a fraction in \[0, 1\], found 58 \(percentages/],
  },
  {
    id: 'O05',
    title: 'two models are too few for a PCA',
    argv: ['observe', 'few.csv', '--benchmarks', 'MMLU,ARC'],
    files,
    stderr: [/few\.csv: 2 model rows: the PCA needs at least 3/],
  },
  {
    id: 'O06',
    title: 'a benchmark column with no value in any row',
    argv: ['observe', 'empty-col.csv', '--benchmarks', 'MMLU,ARC'],
    files,
    stderr: [/empty-col\.csv: column 'ARC' is empty in every row/],
  },
  {
    id: 'O07',
    title: 'a model with no benchmark score',
    argv: ['observe', 'empty-row.csv', '--benchmarks', 'MMLU,ARC'],
    files,
    stderr: [/empty-row\.csv: row 2: no benchmark score/],
  },
  {
    id: 'O08',
    title: 'zero compute cannot be logged',
    argv: obs('zero-flops.csv', '--target', 'acc', '--compute', 'FLOPs'),
    files,
    stderr: [/zero-flops\.csv: row 3, column 'FLOPs': compute must be a positive number/],
  },
  {
    id: 'O09',
    title: 'one benchmark is no PCA',
    argv: ['observe', 'good.csv', '--benchmarks', 'MMLU'],
    files,
    stderr: [/good\.csv: need at least 2 benchmark columns/],
  },
  {
    id: 'O10',
    title: 'the target is also a benchmark',
    argv: obs('good.csv', '--target', 'MMLU'),
    files,
    stderr: [/good\.csv: the target column 'MMLU' is also a benchmark/],
  },
  { id: 'O11', title: '--benchmarks is required', argv: ['observe', 'good.csv'], files, stderr: [/--benchmarks is required/] },
  {
    id: 'O12',
    title: 'an empty name in --benchmarks',
    argv: ['observe', 'good.csv', '--benchmarks', 'MMLU,,ARC'],
    files,
    stderr: [/--benchmarks has an empty column name/],
  },
  {
    id: 'O13',
    title: '--compute without --target',
    argv: obs('good.csv', '--compute', 'FLOPs'),
    files,
    stderr: [/--compute is used with --target/],
  },
  {
    id: 'O14',
    title: 'more components than benchmarks',
    argv: obs('good.csv', '--components', '4'),
    files,
    stderr: [/--components expects an integer in \[1, 3\] \(the number of benchmarks\), found '4'/],
  },
  {
    id: 'O15',
    title: 'a held-out share of 1',
    argv: obs('good.csv', '--target', 'acc', '--holdout', '1'),
    files,
    stderr: [/--holdout expects a share in \[0, 1\), found '1'/],
  },
  { id: 'O16', title: 'a missing file', argv: obs('nope.csv'), files, stderr: [/nope\.csv: cannot read the file \(no such file\)/] },
  {
    id: 'O17',
    title: 'one compute value for every model cannot be fitted',
    argv: obs('same-flops.csv', '--target', 'acc', '--compute', 'FLOPs', '--holdout', '0'),
    files,
    stderr: [/same-flops\.csv: cannot fit 'acc' against log10\(FLOPs\): .*collinear/],
  },
  {
    id: 'O18',
    title: 'too few models with a target value',
    argv: obs('few-targets.csv', '--target', 'acc', '--components', '3'),
    files,
    stderr: [/few-targets\.csv: cannot fit 'acc' against PC-1, PC-2, PC-3: 1 models for a sigmoid with 4 parameters: need at least 6/],
  },
  {
    id: 'O19',
    title: 'a valid table runs (control)',
    argv: obs('good.csv', '--target', 'acc', '--compute', 'FLOPs', '--components', '1', '--bootstrap', '50', '--holdout', '0'),
    files,
    code: 0,
    stdout: [/explained variance/, /acc against capability PC-1\.\.PC-1 \(8 models\)/],
  },
];

describe('bad input: observe', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 30_000);
});
