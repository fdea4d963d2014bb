import { describe, expect, it } from 'vitest';
import { ReportInputError } from '../errors.js';
import { csvCell, formatCsv, parseCsv, parseValue } from './csv.js';

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

describe('formatCsv (issue #20: no formula injection in CSV exports)', () => {
  it('prefixes text that a spreadsheet would run as a formula, and leaves numbers as numbers', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '=1']) {
      expect(csvCell(evil).replace(/^"/, '').startsWith("'")).toBe(true);
    }
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell('-1.5')).toBe('-1.5');
    expect(csvCell('+3e-4')).toBe('+3e-4');
    expect(csvCell(-Infinity)).toBe('-Infinity');
    expect(csvCell('a-b')).toBe('a-b');
    expect(csvCell(null)).toBe('');
    expect(csvCell('say "hi", twice')).toBe('"say ""hi"", twice"');
  });

  it('round-trips through parseCsv: numbers stay numbers, formula text comes back as inert text', () => {
    const rows = [
      { name: '=cmd|"/c calc"!A1', loss: -1.5, note: '@x', params: 1e6 },
      { name: 'ok, fine', loss: 2, note: null, params: 5 },
    ];
    const text = formatCsv(rows);
    expect(text.split('\n')[0]).toBe('name,loss,note,params');
    const back = parseCsv(text, 'x.csv');
    expect(back.rows).toEqual([
      { name: `'=cmd|"/c calc"!A1`, loss: -1.5, note: "'@x", params: 1e6 },
      { name: 'ok, fine', loss: 2, note: null, params: 5 },
    ]);
    // No field starts with a formula character once parsed back as text.
    for (const r of back.rows) for (const v of Object.values(r)) if (typeof v === 'string') expect(/^[=+\-@]/.test(v)).toBe(false);
  });

  it('neutralises header names too, and writes nothing for no columns', () => {
    expect(formatCsv([{ '=x': 1 }])).toBe("'=x\n1\n");
    expect(formatCsv([])).toBe('');
  });
});
