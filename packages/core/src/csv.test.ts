import { describe, expect, it } from 'vitest';
import { csvCell, formatCsv, parseNumberCell, readNumberCell } from './csv-cells.js';
import { CsvError, CsvTokenizer, parseCsv, readCsvRecords } from './csv.js';
import { isInputError } from './errors.js';

/** Records of `text` fed in chunks of `size` characters. */
function chunked(text: string, size: number): Array<[string[], number]> {
  const out: Array<[string[], number]> = [];
  const t = new CsvTokenizer('f.csv', (fields, line) => out.push([fields, line]));
  for (let i = 0; i < text.length; i += size) t.push(text.slice(i, i + size));
  t.end();
  return out;
}

function thrown(fn: () => unknown): CsvError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CsvError);
    return error as CsvError;
  }
  throw new Error('expected a CsvError');
}

describe('CsvTokenizer', () => {
  const text = '\ufeffname,"Model Size",note\r\n"a,b",1e9,"say ""hi"""\r\nc,,"two\r\nlines"\r\n\r\nd,3,\r\n';
  const expected: Array<[string[], number]> = [
    [['name', 'Model Size', 'note'], 1],
    [['a,b', '1e9', 'say "hi"'], 2],
    [['c', '', 'two\r\nlines'], 3],
    [['d', '3', ''], 6],
  ];

  it('reads quotes, doubled quotes, CRLF, a BOM, empty fields and blank lines, with the line each record starts on', () => {
    expect(chunked(text, text.length)).toEqual(expected);
  });

  it('gives the same records for every chunking (quotes, "" and CR LF split across chunks)', () => {
    for (let size = 1; size <= 9; size++) expect(chunked(text, size)).toEqual(expected);
    // Split exactly between CR and LF, and between the two quotes of an escaped quote.
    const crlf = 'a,b\r\n1,2\r\n';
    expect(chunked(crlf, 4)).toEqual([
      [['a', 'b'], 1],
      [['1', '2'], 2],
    ]);
    const escaped = 'a\n"x""y"\n';
    expect(chunked(escaped, 5)).toEqual([
      [['a'], 1],
      [['x"y'], 2],
    ]);
  });

  it('reads a last line without a line ending, and a file without data', () => {
    expect(readCsvRecords('a,b\n1,"2"')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
    ]);
    expect(readCsvRecords('a,b\r')).toEqual([{ fields: ['a', 'b'], line: 1 }]);
    expect(readCsvRecords('')).toEqual([]);
  });

  it('refuses malformed quotes and bare carriage returns, naming source and line', () => {
    const e = thrown(() => readCsvRecords('x,y\n1,"2\n3,4\n', 'q.csv'));
    expect(e.message).toBe('q.csv: line 2: unterminated quoted field');
    expect([e.source, e.line, e.problem, e.kind]).toEqual(['q.csv', 2, 'unterminated quoted field', 'input']);
    expect(isInputError(e)).toBe(true);
    expect(thrown(() => readCsvRecords('x,y\n1,2"3"\n', 'q.csv')).message).toBe('q.csv: line 2: a quote inside an unquoted field');
    const after = thrown(() => readCsvRecords('x,y\n1,"2"3\n', 'q.csv'));
    expect(after.message).toBe("q.csv: line 2: unexpected character '3' after a closing quote");
    expect(thrown(() => readCsvRecords('x,y\n"1"\u0007\n', 'q.csv')).message).toMatch(/unexpected character '\\x07'/);
    expect(thrown(() => readCsvRecords('x,y\r1,2\r', 'cr.csv')).message).toMatch(/^cr\.csv: line 1: a carriage return inside the header/);
    expect(thrown(() => readCsvRecords('x,y\n1,2\r3,4\n', 'cr.csv')).message).toMatch(/^cr\.csv: line 2: a carriage return outside quotes/);
    expect(thrown(() => readCsvRecords('x,"y"\r3\n', 'cr.csv')).message).toMatch(/line 1: a carriage return inside the header/);
    // Lines of a multi-line quoted field count: the error is on line 4.
    expect(thrown(() => readCsvRecords('x\n"a\nb"\n1"\n', 'q.csv')).line).toBe(4);
  });

  it('refuses a CR-only file on the first chunk, without waiting for a line feed', () => {
    const t = new CsvTokenizer('cr.csv', () => undefined);
    expect(() => t.push('x,y\r1,2\r')).toThrow(/line 1: a carriage return inside the header/);
  });
});

describe('parseCsv', () => {
  it('returns header, rows of strings and the line of each row', () => {
    expect(parseCsv('a,b\n1,"x\ny"\n3,4\n')).toEqual({
      header: ['a', 'b'],
      rows: [
        ['1', 'x\ny'],
        ['3', '4'],
      ],
      lines: [2, 4],
    });
  });

  it('refuses an empty file, a repeated header name and ragged rows, naming row and line', () => {
    expect(() => parseCsv('', 'r.csv')).toThrow('r.csv: empty file, expected a header row');
    expect(() => parseCsv('a,a\n1,2\n', 'r.csv')).toThrow("r.csv: duplicate column 'a' in the header");
    const e = thrown(() => parseCsv('a,b\n1,2\n3\n', 'r.csv'));
    expect(e.message).toBe('r.csv: row 2 (line 3) has 1 fields, the header has 2');
    expect([e.row, e.line]).toEqual([2, 3]);
    expect(() => parseCsv('a,b\n1,2,3\n', 'r.csv')).toThrow('r.csv: row 1 (line 2) has 3 fields, the header has 2');
  });
});

describe('parseNumberCell / readNumberCell', () => {
  it('accepts decimal numbers with optional sign, point, exponent and surrounding spaces', () => {
    const good = [
      ['1', 1],
      ['-2.5', -2.5],
      ['+3', 3],
      ['.5', 0.5],
      ['5.', 5],
      ['1e9', 1e9],
      ['1.5E-3', 1.5e-3],
      [' 7 ', 7],
    ] as const;
    for (const [s, v] of good) {
      expect(parseNumberCell(s)).toBe(v);
    }
  });

  it('refuses hexadecimal, infinities, NaN, empty and blank cells, "1e" and out-of-range values, saying why', () => {
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

  it('readNumberCell names source, row, column and line', () => {
    expect(readNumberCell(' 2.5', { source: 'f.csv', row: 1, column: 'y' })).toBe(2.5);
    const e = thrown(() => readNumberCell('abc', { source: 'f.csv', row: 2, column: 'y', line: 3 }));
    expect(e.message).toBe("f.csv: row 2, column 'y': expected a finite number, found 'abc' (line 3)");
    expect([e.row, e.column, e.line]).toEqual([2, 'y', 3]);
    expect(() => readNumberCell('NaN', { source: 'f.csv', row: 4, column: 'x' })).toThrow(
      "f.csv: row 4, column 'x': expected a finite number, found a not-a-number marker",
    );
  });
});

describe('csvCell / formatCsv', () => {
  it('prefixes text a spreadsheet would run as a formula, and leaves numbers as numbers', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '=1']) {
      expect(csvCell(evil).replace(/^"/, '').startsWith("'")).toBe(true);
    }
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell('-1.5')).toBe('-1.5');
    expect(csvCell('-inf')).toBe('-inf');
    expect(csvCell('a-b')).toBe('a-b');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvCell('say "hi", twice')).toBe('"say ""hi"", twice"');
  });

  it('round-trips through parseCsv: every field comes back, formula text as inert text', () => {
    const rows = [
      { name: '=cmd|"/c calc"!A1', loss: -1.5, note: 'two\nlines, "quoted"' },
      { name: 'ok', loss: 2, note: '' },
    ];
    const back = parseCsv(formatCsv(rows));
    expect(back.header).toEqual(['name', 'loss', 'note']);
    expect(back.rows).toEqual([
      [`'=cmd|"/c calc"!A1`, '-1.5', 'two\nlines, "quoted"'],
      ['ok', '2', ''],
    ]);
    expect(formatCsv([{ '=x': 1 }])).toBe("'=x\n1\n");
    expect(formatCsv([])).toBe('');
  });
});
