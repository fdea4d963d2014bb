import { describe, expect, it } from 'vitest';
import { datasets, dropTopRows, fitLaw, FORMS, getForm, LawsInputError, tokensFromFlops } from '@scalewise/laws';
import { formInfos, handle } from './worker.js';
import type { FitRequest, FromWorker } from './protocol.js';
import { readExplorerTable } from './table.js';
import { parsePredictAt } from './observations.js';

const POWER_CSV =
  'model,params,loss\n' +
  [1e6, 4e6, 1.6e7, 6.4e7, 2.56e8].map((x, i) => `m${i},${x},${(20 * x ** -0.1 * (1 + 0.01 * (-1) ** i)).toFixed(6)}`).join('\n');

function loaded(text: string, name = 'runs.csv') {
  const state = { table: null };
  const reply = handle({ kind: 'load', id: 1, name, text }, state);
  expect(reply.kind, JSON.stringify(reply)).toBe('loaded');
  return state;
}

function expectKind<K extends FromWorker['kind']>(reply: FromWorker, kind: K): Extract<FromWorker, { kind: K }> {
  expect(reply.kind, JSON.stringify(reply).slice(0, 300)).toBe(kind);
  return reply as Extract<FromWorker, { kind: K }>;
}

describe('explorer tables', () => {
  it('reads CSV and JSON rows into numeric columns, listing text columns without offering them', () => {
    const csv = readExplorerTable(POWER_CSV, 'runs.csv');
    expect(csv.rows).toBe(5);
    expect(csv.columns).toEqual(['model', 'params', 'loss']);
    expect(Object.keys(csv.numeric)).toEqual(['params', 'loss']);
    const json = readExplorerTable('[{"model":"a","params":1e6,"loss":3.5},{"model":"b","params":"2e6","loss":3.1}]', 'runs.json');
    expect(Array.from(json.numeric.params!)).toEqual([1e6, 2e6]);
    expect(readExplorerTable('{"rows":[{"x":1,"y":2}]}', 'r.json').rows).toBe(1);
  });

  it('names the file, row and field of bad input', () => {
    expect(() => readExplorerTable('[{"x":1,"y":[2]}]', 'r.json')).toThrow(
      /r\.json: row 1, field 'y': expected a number or a string, found an array/,
    );
    expect(() => readExplorerTable('[1]', 'r.json')).toThrow(/r\.json: row 1: expected an object/);
    expect(() => readExplorerTable('{"a":', 'r.json')).toThrow(/r\.json: not valid JSON/);
    expect(() => readExplorerTable('x,y\n', 'r.csv')).toThrow(/r\.csv: no data rows/);
    expect(() => readExplorerTable('x,y\n1\n', 'r.csv')).toThrow(LawsInputError);
    expect(() => readExplorerTable('name,y\na,1\n', 'r.csv')).toThrow(/needs at least two numeric columns.*numeric: y/);
  });

  it('parses prediction points for one and two inputs, naming a bad item', () => {
    expect(parsePredictAt('1e9, 2e9', ['x'])).toEqual([{ x: 1e9 }, { x: 2e9 }]);
    expect(parsePredictAt('7e10:1.4e12', ['N', 'D'])).toEqual([{ N: 7e10, D: 1.4e12 }]);
    expect(() => parsePredictAt('1e9 x', ['x'])).toThrow(/item 2 'x': 'x' is not a positive number/);
    expect(() => parsePredictAt('1e9', ['N', 'D'])).toThrow(/item 1 '1e9': expected N:D/);
  });
});

describe('explorer worker', () => {
  it("offers every form of laws' FORMS with its methods", () => {
    const infos = formInfos();
    expect(infos.map((f) => f.name)).toEqual(Object.keys(FORMS));
    expect(infos.find((f) => f.name === 'chinchilla')).toMatchObject({
      inputs: ['N', 'D'],
      methods: ['varpro', 'grid'],
      defaultLoss: 'huber',
    });
  });

  it('fits chinchilla from a FLOPs column with the top rows dropped, as fitLaw does, with profile intervals and a frontier', () => {
    const { N, C, loss } = datasets.chinchilla;
    const state = loaded(`Model Size,Training FLOP,loss\n${N.map((n, i) => `${n},${C[i]},${loss[i]}`).join('\n')}\n`);
    const request: FitRequest = {
      form: 'chinchilla',
      columns: { N: 'Model Size', y: 'loss' },
      flops: 'Training FLOP',
      dropTop: 5,
      predictAt: '7e10:1.4e12',
    };
    const view = expectKind(handle({ kind: 'fit', id: 2, request }, state), 'fitted').view;
    const node = fitLaw(dropTopRows({ N: Float64Array.from(N), D: tokensFromFlops(C, N), y: Float64Array.from(loss) }, 5), {
      form: 'chinchilla',
    });
    expect(Object.fromEntries(view.params.map((p) => [p.name, p.value]))).toEqual(node.params);
    expect(view.n).toBe(240);
    expect(view.labels.D).toBe('Training FLOP / (6·Model Size)');
    expect(view.ciMethod).toMatch(/profile/);
    for (const p of view.params) expect(p.ci![0]).toBeLessThan(p.value);
    expect(view.frontier!.length).toBeGreaterThan(10);
    expect(view.predictions).toHaveLength(1);
    expect(view.warnings[0]).toBe('dropped the 5 rows with the highest loss');
  });

  it('adds prediction bands in a second step: exact t for power OLS, bootstrap (predictWithIntervals) for other forms', () => {
    const state = loaded(POWER_CSV);
    const fit = (form: string) =>
      expectKind(
        handle({ kind: 'fit', id: 2, request: { form, columns: { x: 'params', y: 'loss' }, dropTop: 0, predictAt: '1e9' } }, state),
        'fitted',
      ).view;
    const shown = fit('power');
    expect(shown.predictions[0]!.pi).toBeNull();
    const power = expectKind(handle({ kind: 'bands', id: 3 }, state), 'banded').view;
    const [p] = power.predictions;
    expect(p!.y).toBeCloseTo(shown.predictions[0]!.y, 10);
    expect(p!.pi![0]).toBeLessThan(p!.y);
    expect(p!.pi![1]).toBeGreaterThan(p!.y);
    expect(power.curve).toHaveLength(shown.curve.length);
    expect(power.curve.every((c) => c.pi !== null)).toBe(true);
    expect(power.note).toMatch(/log-log OLS, t/);
    fit('kaplan-n');
    const sat = expectKind(handle({ kind: 'bands', id: 5 }, state), 'banded').view;
    expect(sat.predictions[0]!.pi![0]).toBeLessThan(sat.predictions[0]!.pi![1]);
    expect(sat.note).toMatch(/200 bootstrap refits \(seed 1\) plus residual noise/);
  });

  it('binds formula variables with any name to columns, and answers errors with their message', () => {
    const state = loaded(POWER_CSV);
    const request: FitRequest = {
      form: 'custom',
      formula: 'a * size^b',
      bindings: { size: 'params' },
      columns: { y: 'loss' },
      starts: ['a=1..100', 'b=-1..0'],
      dropTop: 0,
      predictAt: '',
    };
    const view = expectKind(handle({ kind: 'fit', id: 2, request }, state), 'fitted').view;
    const power = fitLaw(
      { x: readExplorerTable(POWER_CSV, 'r').numeric.params!, y: readExplorerTable(POWER_CSV, 'r').numeric.loss! },
      { form: 'power', method: 'nls' },
    );
    expect(view.params.find((p) => p.name === 'b')!.value).toBeCloseTo(power.params.b!, 6);
    expect(view.labels).toEqual({ y: 'loss', x: 'params' });
    const bad = expectKind(handle({ kind: 'fit', id: 3, request: { ...request, formula: 'a * size^b + import(1)' } }, state), 'error');
    expect(bad.message.length).toBeGreaterThan(0);
    const noColumn = expectKind(handle({ kind: 'fit', id: 4, request: { ...request, columns: { y: 'model' } } }, state), 'error');
    expect(noColumn.message).toMatch(/column 'model' \(y\) is not numeric/);
    const huber = expectKind(handle({ kind: 'fit', id: 5, request: { ...request, loss: 'huber', delta: 0 } }, state), 'error');
    expect(huber.message).toMatch(/Huber δ: expected a positive number, found 0/);
    expect(expectKind(handle({ kind: 'fit', id: 6, request: { ...request, dropTop: 5 } }, state), 'error').message).toMatch(
      /drop top: expected an integer in \[0, 4\]/,
    );
  });

  it('compares the forms that read the same inputs by AICc, listing reparametrised twins without counting them', () => {
    const state = loaded(POWER_CSV);
    const request: FitRequest = { form: 'power', columns: { x: 'params', y: 'loss' }, dropTop: 0, predictAt: '' };
    const view = expectKind(handle({ kind: 'compare', id: 2, request }, state), 'compared').view;
    // Every form of one input x, in table order (forms of N and D, or N, D and U, read other columns).
    const oneInput = Object.keys(FORMS).filter((f) => {
      const inputs = getForm(f).inputs;
      return inputs.length === 1 && inputs[0] === 'x';
    });
    expect(view.rows.map((r) => r.form)).toEqual(oneInput);
    expect(view.rows.find((r) => r.form === 'kaplan-n')!.failed).toBe('same law as power');
    expect(view.rows.find((r) => r.form === 'power')!.looError).toBeGreaterThan(0);
    expect(view.rows.find((r) => r.form === 'power')!.aicc).not.toBeNull();
    expect(typeof view.reason).toBe('string');
  });
});
