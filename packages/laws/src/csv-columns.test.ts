import { describe, expect, it } from 'vitest';
import { numericColumn, parseCsv } from './csv.js';
import { CsvColumnReader, parseNumberCell, readCsvColumns } from './csv-columns.js';

const cols = (text: string, names: string[]) => readCsvColumns(text, names, 'f.csv');

describe('parseNumberCell', () => {
  it('accepts decimal numbers with optional sign, point, exponent and surrounding spaces', () => {
    for (const [s, v] of [
      ['1', 1],
      ['-2.5', -2.5],
      ['+3', 3],
      ['.5', 0.5],
      ['5.', 5],
      ['1e9', 1e9],
      ['1.5E-3', 1.5e-3],
      [' 7 ', 7],
    ] as const)
      expect(parseNumberCell(s)).toBe(v);
  });
  it('refuses what Number() would accept but a results table should not contain', () => {
    expect(parseNumberCell('0x10')).toEqual({ problem: expect.stringMatching(/'0x10' \(hexadecimal/) });
    expect(parseNumberCell('0b11')).toEqual({ problem: expect.stringMatching(/binary/) });
    expect(parseNumberCell('Infinity')).toEqual({ problem: 'found an infinite value' });
    expect(parseNumberCell('-inf')).toEqual({ problem: 'found an infinite value' });
    expect(parseNumberCell('NaN')).toEqual({ problem: 'found a not-a-number marker' });
    expect(parseNumberCell('')).toEqual({ problem: 'found an empty cell' });
    expect(parseNumberCell('  ')).toEqual({ problem: 'found a blank cell' });
    expect(parseNumberCell('1e')).toEqual({ problem: "found '1e'" });
    expect(parseNumberCell('1_000')).toEqual({ problem: "found '1_000'" });
    expect(parseNumberCell('1e999')).toEqual({ problem: expect.stringMatching(/out of the range of a double/) });
  });
});

describe('readCsvColumns', () => {
  it('keeps only the requested columns, as Float64Arrays', () => {
    const t = cols('name,"Model Size",loss\r\n"a,b",1e9,2.5\r\nc,"2",3\n', ['Model Size', 'loss']);
    expect(t.header).toEqual(['name', 'Model Size', 'loss']);
    expect(t.rows).toBe(2);
    expect(Array.from(t.columns['Model Size']!)).toEqual([1e9, 2]);
    expect(t.columns.loss).toBeInstanceOf(Float64Array);
  });
  it('agrees with parseCsv + numericColumn on quoted fields with newlines, escapes, BOM and blank lines', () => {
    const text = '\ufeffx,note,y\n1,"two\nlines",2\n\n3,"say ""hi""",4\n5,,6';
    const t = cols(text, ['x', 'y']);
    const ref = parseCsv(text);
    expect(Array.from(t.columns.x!)).toEqual(Array.from(numericColumn(ref, 'x')));
    expect(Array.from(t.columns.y!)).toEqual([2, 4, 6]);
  });
  it('gives the same result whatever the chunking', () => {
    const text = 'x,q,y\r\n1,"a\r\nb",2\r\n3,"c,""d""",4\r\n';
    for (const size of [1, 2, 3, 7]) {
      const r = new CsvColumnReader('f.csv', ['x', 'y']);
      for (let i = 0; i < text.length; i += size) r.push(text.slice(i, i + size));
      const t = r.end();
      expect(Array.from(t.columns.x!)).toEqual([1, 3]);
      expect(Array.from(t.columns.y!)).toEqual([2, 4]);
    }
  });
  it('grows past its initial capacity', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${2 * i}`).join('\n');
    const t = cols(`x,y\n${rows}\n`, ['y']);
    expect(t.rows).toBe(5000);
    expect(t.columns.y![4999]).toBe(9998);
  });
  it('names the source, row, line and column of every problem', () => {
    expect(() => cols('', ['x'])).toThrow(/f\.csv: empty file/);
    expect(() => cols('x,y\n', ['x'])).toThrow(/f\.csv: no data rows/);
    expect(() => cols('x,y\n1,2\n', ['z'])).toThrow(/f\.csv: no column 'z'; columns are: x, y/);
    expect(() => cols('x,x\n1,2\n', ['x'])).toThrow(/duplicate column 'x'/);
    expect(() => cols('x,y\n1,2\n3\n', ['x'])).toThrow(/f\.csv: row 2 \(line 3\) has 1 fields, the header has 2/);
    expect(() => cols('x,y\n1,2\n3,abc\n', ['y'])).toThrow("f.csv: row 2, column 'y': expected a finite number, found 'abc' (line 3)");
    expect(() => cols('x,y\n1,0x10\n', ['y'])).toThrow(/row 1, column 'y': expected a finite number, found '0x10' \(hexadecimal/);
    expect(() => cols('x,y\n1,"2\n', ['x'])).toThrow(/line 2: unterminated quoted field/);
    expect(() => cols('x,y\n1,x"y"\n', ['x'])).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => cols('x,y\n1,"2"3\n', ['x'])).toThrow(/line 2: unexpected character '3' after a closing quote/);
    expect(() => cols('x,y\r1,2\r', ['x'])).toThrow(/carriage return inside the header/);
  });
});
