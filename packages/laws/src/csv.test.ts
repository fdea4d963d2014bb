import { describe, expect, it } from 'vitest';
import { numericColumn, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('parses quoted fields with commas, escaped quotes, newlines and CRLF', () => {
    const t = parseCsv('name,"Model Size",note\r\n"a,b",1e9,"say ""hi"""\r\nc,2,"two\nlines"\n');
    expect(t.header).toEqual(['name', 'Model Size', 'note']);
    expect(t.rows).toEqual([
      ['a,b', '1e9', 'say "hi"'],
      ['c', '2', 'two\nlines'],
    ]);
    expect(Array.from(numericColumn(t, 'Model Size'))).toEqual([1e9, 2]);
  });

  it('rejects ragged rows, stray quotes, unterminated quotes and duplicate headers, naming the place', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'r.csv')).toThrow(/r\.csv: row 2 \(line 3\) has 1 fields, the header has 2/);
    expect(() => parseCsv('a,b\n1,x"y"\n', 'r.csv')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a,b\n1,"2\n', 'r.csv')).toThrow(/unterminated/);
    expect(() => parseCsv('a,a\n1,2\n', 'r.csv')).toThrow(/duplicate column 'a'/);
    expect(() => parseCsv('', 'r.csv')).toThrow(/empty file/);
  });

  it('numericColumn names the row and column of a bad value', () => {
    const t = parseCsv('x,y\n1,2\n3,abc\n');
    expect(() => numericColumn(t, 'y', 'f.csv')).toThrow("f.csv: row 2, column 'y': expected a finite number, found 'abc'");
    expect(() => numericColumn(t, 'z', 'f.csv')).toThrow(/no column 'z'; columns are: x, y/);
  });
});
