import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataInputError } from '../errors.js';
import { parseCsv } from './csv.js';
import { loadResultsTable, parseResults, type TableSchema } from './load.js';

const MOBILE: TableSchema = {
  columns: {
    model_name: { type: 'string' },
    num_params: { type: 'integer', greaterThan: 0, unit: 'params' },
    perplexity: { type: 'number', min: 1, unit: 'perplexity' },
  },
};

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalewise-tables-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('results tables', () => {
  // Fixtures are written here (tests never read ../shared). The MobileLLM table itself lives in @scalewise/laws,
  // which data may not import: these rows only share its shape (exact integers, many decimals, an extra column).
  it('loads a results CSV with exact values', async () => {
    const path = join(root, 'results.csv');
    await writeFile(
      path,
      'model_name,num_params,perplexity,peak_memory_mb\nm-1,100000007,12.345678901,700.5\nm-2,2147483659,7.000000001,2559.25\n',
    );
    const t = await loadResultsTable(path, MOBILE);
    expect(t.rows).toBe(2);
    expect(t.table.array('num_params')).toEqual([100000007, 2147483659]);
    expect(t.table.get('perplexity', 0)).toBe(12.345678901);
    expect(t.units).toMatchObject({ num_params: 'params', perplexity: 'perplexity' });
    expect(typeof t.table.get('peak_memory_mb', 0)).toBe('number');
  });

  it('names file, line and column for bad cells', async () => {
    const path = join(root, 'bad.csv');
    await writeFile(path, 'model_name,num_params,perplexity\na,100,12\nb,lots,9\n');
    await expect(loadResultsTable(path, MOBILE)).rejects.toThrow(
      /bad\.csv line 3 column 'num_params': expected a finite number, found "lots"/,
    );
    await writeFile(path, 'model_name,num_params\na,100\n');
    await expect(loadResultsTable(path, MOBILE)).rejects.toThrow(
      /expected a column 'perplexity' \[perplexity\], found columns model_name, num_params/,
    );
    await writeFile(path, 'model_name,num_params,perplexity [nats]\na,100,2.4\n');
    await expect(loadResultsTable(path, MOBILE)).rejects.toThrow(/column 'perplexity': expected unit 'perplexity', found 'nats'/);
    await writeFile(path, 'model_name,num_params,perplexity\na,100\n');
    await expect(loadResultsTable(path, MOBILE)).rejects.toThrow(/line 2: expected 3 cells/);
    await writeFile(path, 'model_name,num_params,perplexity\na,0,5\n');
    await expect(loadResultsTable(path, MOBILE)).rejects.toThrow(/line 2 column 'num_params': expected a value > 0, found 0/);
  });

  it('reads JSON, {rows, units} and JSONL with units checked', () => {
    const rows = [
      { model_name: 'a', num_params: 10, perplexity: 3 },
      { model_name: 'b', num_params: 20, perplexity: 2 },
    ];
    expect(parseResults(JSON.stringify(rows), 'r.json', MOBILE).table.array('perplexity')).toEqual([3, 2]);
    const withUnits = parseResults(JSON.stringify({ rows, units: { perplexity: 'perplexity', num_params: 'params' } }), 'r.json', MOBILE);
    expect(withUnits.units.perplexity).toBe('perplexity');
    expect(() => parseResults(JSON.stringify({ rows, units: { perplexity: 'nats' } }), 'r.json', MOBILE)).toThrow(
      /expected unit 'perplexity', found 'nats'/,
    );
    const jsonl = rows.map((r) => JSON.stringify(r)).join('\n');
    expect(parseResults(jsonl, 'r.jsonl', MOBILE).rows).toBe(2);
    expect(() => parseResults('{"model_name":"a","num_params":1,"perplexity":"x"}', 'r.jsonl', MOBILE)).toThrow(
      /r\.jsonl line 1 column 'perplexity': expected a finite number, found "x"/,
    );
    expect(() => parseResults('[{"model_name":"a","num_params":1.5,"perplexity":2}]', 'r.json', MOBILE)).toThrow(
      /row 1 column 'num_params': expected an integer/,
    );
  });

  it('flattens lm-evaluation-harness results', () => {
    const json = {
      results: {
        wikitext: { alias: 'wikitext', 'word_perplexity,none': 37.5, 'word_perplexity_stderr,none': 'N/A', 'bits_per_byte,none': 0.9 },
        arc_easy: { 'acc,none': 0.43, 'acc_stderr,none': 0.01, 'acc_norm,none': 0.4, 'acc_norm_stderr,none': 0.012 },
      },
      config: { model: 'hf', model_args: 'pretrained=facebook/MobileLLM-125M' },
    };
    const t = parseResults(JSON.stringify(json), 'lm.json');
    expect(t.format).toBe('lm-eval');
    expect(t.table.objects()).toEqual([
      {
        model: 'pretrained=facebook/MobileLLM-125M',
        task: 'wikitext',
        metric: 'word_perplexity',
        filter: 'none',
        value: 37.5,
        stderr: null,
        unit: 'perplexity',
      },
      {
        model: 'pretrained=facebook/MobileLLM-125M',
        task: 'wikitext',
        metric: 'bits_per_byte',
        filter: 'none',
        value: 0.9,
        stderr: null,
        unit: 'bits/byte',
      },
      {
        model: 'pretrained=facebook/MobileLLM-125M',
        task: 'arc_easy',
        metric: 'acc',
        filter: 'none',
        value: 0.43,
        stderr: 0.01,
        unit: 'fraction',
      },
      {
        model: 'pretrained=facebook/MobileLLM-125M',
        task: 'arc_easy',
        metric: 'acc_norm',
        filter: 'none',
        value: 0.4,
        stderr: 0.012,
        unit: 'fraction',
      },
    ]);
    expect(() => parseResults(JSON.stringify({ results: { t: { 'acc,none': 'high' } } }), 'lm.json')).toThrow(
      /results\.t\["acc,none"\]: expected a finite number/,
    );
  });

  it("parses quoted CSV fields and reads a table shaped like Epoch's Chinchilla CSV", async () => {
    expect(parseCsv('a,b\n"x, ""y""",2\r\n', 'q.csv').rows[0]?.cells).toEqual(['x, "y"', '2']);
    // Malformed quoting (read by core's tokenizer) is a DataInputError worded like this package's other messages.
    expect(() => parseCsv('a,b\n1,"2\n', 'q.csv')).toThrow(DataInputError);
    expect(() => parseCsv('a,b\n1,"2\n', 'q.csv')).toThrow('q.csv line 2: unterminated quoted field');
    expect(() => parseCsv('a,b\n1,2"3"\n', 'q.csv')).toThrow('q.csv line 2: a quote inside an unquoted field');
    // The header of svg_extracted_data.csv (names with spaces, colour columns) and exponent notation; made-up values.
    const path = join(root, 'svg_extracted_data.csv');
    await writeFile(
      path,
      'x,y,color,Model Size,Training FLOP,hex_color,loss\n' +
        '150.5,140.25,#faebdd,1234567890.123456,9.875e+18,#faebdd,4.321\n' +
        '151.6,175.5,#f8d1b8,987654321.5,1.5e+18,#f8d1b8,3.25\n',
    );
    const t = await loadResultsTable(path, {
      columns: {
        'Model Size': { type: 'number', greaterThan: 0 },
        'Training FLOP': { type: 'number', greaterThan: 0 },
        loss: { type: 'number', greaterThan: 0 },
      },
    });
    expect(t.rows).toBe(2);
    expect(t.table.array('Training FLOP')).toEqual([9.875e18, 1.5e18]);
    expect(t.table.get('color', 1)).toBe('#f8d1b8');
  });
});
