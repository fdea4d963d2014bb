import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv.js';
import { LawsInputError } from '../errors.js';
import { benchmarkScores } from './table.js';

const CSV = ['Model,a,b,c,acc,flops', 'm1,0.1,0.2,,0.05,1', 'm2,0.3,0.4,0.5,0.2,10', 'm3,0.5,0.6,0.7,0.5,100', 'm4,0.7,,0.9,0.8,'].join(
  '\n',
);
const table = parseCsv(CSV, 'f.csv');

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LawsInputError);
    return (error as Error).message;
  }
  throw new Error('did not throw');
}

describe('benchmarkScores', () => {
  it('reads scores with empty cells as missing, and the target and compute', () => {
    const s = benchmarkScores(table, { benchmarks: ['a', 'b', 'c'], target: 'acc', compute: 'flops' }, 'f.csv');
    expect(s.models).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(Number.isNaN(s.scores[0]![2]!)).toBe(true);
    expect(s.scores[1]![0]).toBe(0.3);
    expect(Array.from(s.target!.values)).toEqual([0.05, 0.2, 0.5, 0.8]);
    expect(Number.isNaN(s.compute!.values[3]!)).toBe(true);
  });

  it('names the file, row and column of each bad input', () => {
    const bad = (csv: string, spec = { benchmarks: ['a', 'b'] as string[] }) =>
      message(() => benchmarkScores(parseCsv(csv, 'f.csv'), spec, 'f.csv'));
    expect(message(() => benchmarkScores(table, { benchmarks: ['a', 'zz'] }, 'f.csv'))).toMatch(
      /^f\.csv: no column 'zz'; columns are: Model, a/,
    );
    expect(bad('a,b\n0.1,0.2\n0.3,x\n0.4,0.5')).toMatch(/^f\.csv: row 2, column 'b': expected a number or an empty cell/);
    expect(bad('a,b\n0.1,0.2\n0.3,0.4')).toMatch(/^f\.csv: 2 model rows: the PCA needs at least 3/);
    expect(bad('a,b\n0.1,\n0.3,\n0.4,')).toMatch(/^f\.csv: column 'b' is empty in every row/);
    expect(bad('a,b\n0.1,0.2\n,\n0.4,0.5')).toMatch(/^f\.csv: row 2: no benchmark score/);
    expect(bad('a,b\n0.1,0.2\n43.5,0.2\n0.4,0.5')).toMatch(
      /row 2, column 'a': a benchmark score must be a fraction in \[0, 1\], found 43.5 \(percentages/,
    );
    expect(message(() => benchmarkScores(table, { benchmarks: ['a'] }, 'f.csv'))).toMatch(/at least 2 benchmark columns/);
    expect(message(() => benchmarkScores(table, { benchmarks: ['a', 'a'] }, 'f.csv'))).toMatch(/'a' is listed twice/);
    expect(message(() => benchmarkScores(table, { benchmarks: ['a', 'b'], target: 'b' }, 'f.csv'))).toMatch(
      /target column 'b' is also a benchmark/,
    );
    const zeroCompute = parseCsv('a,b,f\n0.1,0.2,1\n0.3,0.4,0\n0.4,0.5,2', 'f.csv');
    expect(message(() => benchmarkScores(zeroCompute, { benchmarks: ['a', 'b'], compute: 'f' }, 'f.csv'))).toMatch(
      /row 2, column 'f': compute must be a positive number/,
    );
  });
});
