import { describe, expect, it } from 'vitest';
import { ReportInputError } from '../errors.js';
import { parseCsv, parseValue } from './csv.js';

describe('parseCsv', () => {
  it('parses quoted fields, doubled quotes, CRLF, a BOM and number/blank/text cells', () => {
    const t = parseCsv('\uFEFFname,"Model Size",note\r\n"a, b",1.5e8,"say ""hi"""\r\nc,,plain\r\n', 'x.csv');
    expect(t.columns).toEqual(['name', 'Model Size', 'note']);
    expect(t.rows).toEqual([
      { name: 'a, b', 'Model Size': 150_000_000, note: 'say "hi"' },
      { name: 'c', 'Model Size': null, note: 'plain' },
    ]);
  });

  it('names file and row when a row has the wrong number of fields', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'runs.csv')).toThrow(/runs\.csv: row 3 has 1 fields, expected 2/);
    expect(() => parseCsv('', 'e.csv')).toThrow(ReportInputError);
    expect(() => parseCsv('a\n"open', 'q.csv')).toThrow(/unterminated/);
  });

  it('parseValue keeps text that only looks partly numeric', () => {
    expect(parseValue('125M')).toBe('125M');
    expect(parseValue(' -3.5e-2 ')).toBe(-0.035);
    expect(parseValue('nan')).toBeNaN();
    expect(parseValue('false')).toBe(false);
  });
});
