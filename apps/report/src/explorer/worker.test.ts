import { describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import {
  comparisonTable,
  datasets,
  dropTopRows,
  fitDownstream,
  fitLaw,
  FORMS,
  getForm,
  LawsInputError,
  optimalAllocation,
  tokensFromFlops,
} from '@scalewise/laws';
import { formInfos, handle } from './worker.js';
import type { FitRequest, FromWorker } from './protocol.js';
import { readExplorerTable } from './table.js';
import { parsePredictAt } from './observations.js';
import { DATA_CONSTRAINED_TRUTH, dataConstrainedCsv, ladderCsv } from './testing/synthetic.test-helper.js';

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
    expect(infos.map((f) => f.name)).toEqual([...Object.keys(FORMS), 'downstream']);
    expect(infos.find((f) => f.name === 'chinchilla')).toMatchObject({
      inputs: ['N', 'D'],
      methods: ['varpro', 'grid'],
      defaultLoss: 'huber',
    });
  });

  it('fits chinchilla from a FLOPs column with the top rows dropped, as fitLaw does, profile intervals, a frontier with intervals', () => {
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
    const obs = dropTopRows({ N: Float64Array.from(N), D: tokensFromFlops(C, N), y: Float64Array.from(loss) }, 5);
    const node = { obs, fit: fitLaw(obs, { form: 'chinchilla' }) };
    expect(Object.fromEntries(view.params.map((p) => [p.name, p.value]))).toEqual(node.fit.params);
    expect(view.n).toBe(240);
    expect(view.labels.D).toBe('Training FLOP / (6·Model Size)');
    expect(view.ciMethod).toMatch(/profile/);
    for (const p of view.params) expect(p.ci![0]).toBeLessThan(p.value);
    expect(view.frontier!.length).toBeGreaterThan(10);
    expect(view.predictions).toHaveLength(1);
    expect(view.warnings[0]).toBe('dropped the 5 rows with the highest loss');
    // The bands step gives the frontier intervals: laws' optimalAllocation over the same seeded bootstrap refits.
    const bands = expectKind(handle({ kind: 'bands', id: 3 }, state), 'banded').view;
    const flops = view.frontier!.map((r) => r.flops);
    const direct = optimalAllocation(node.obs, node.fit, { form: 'chinchilla' }, flops, { resamples: 200, seed: 1, level: 0.95 });
    expect(bands.frontier!.map((r) => [r.N, r.N_ci, r.D_ci, r.tokensPerParam_ci])).toEqual(
      direct.points.map((p) => [p.N, p.N_ci, p.D_ci, p.tokens_per_param_ci]),
    );
    for (const r of bands.frontier!) expect(r.N_ci![0]).toBeLessThan(r.N);
    expect(bands.frontierNote).toMatch(/95% intervals: percentiles over \d+ bootstrap refits/);
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

  it("compares the forms that read the same inputs with laws' comparisonTable, listing reparametrised twins apart", () => {
    const state = loaded(POWER_CSV);
    const request: FitRequest = { form: 'power', columns: { x: 'params', y: 'loss' }, dropTop: 0, predictAt: '' };
    const view = expectKind(handle({ kind: 'compare', id: 2, request }, state), 'compared').view;
    // Every form of one input x appears once (forms of N and D, or N, D and U, read other columns).
    const oneInput = Object.keys(FORMS).filter((f) => getForm(f).inputs.join() === 'x');
    expect([...view.rows.map((r) => r.form)].sort()).toEqual([...oneInput].sort());
    expect(view.rows[0]!.form).toBe('power');
    expect(view.rows.find((r) => r.form === 'kaplan-n')!.failed).toBe('same law as power');
    // The compared rows are comparisonTable's (as `scalewise fit --compare`) for the same forms and options.
    const compared = view.rows.filter((r) => r.failed === undefined);
    expect(compared.length).toBeGreaterThanOrEqual(2);
    const t = readExplorerTable(POWER_CSV, 'runs.csv');
    const labels = { y: 'loss', x: 'params' };
    const direct = comparisonTable(
      { x: t.numeric.params!, y: t.numeric.loss! },
      compared.map((r) => ({ form: r.form, options: { labels } })),
    );
    expect(compared.map((r) => [r.form, r.k, r.aicc, r.delta, r.bic, r.looError, r.extrapolationError, r.cv, r.preferred])).toEqual(
      direct.rows.map((r) => [r.form, r.k, r.aicc, r.delta_aicc, r.bic, r.loo_error, r.extrapolation_error, r.cv, r.preferred]),
    );
    expect(view.preferred).toBe(direct.preferred);
    expect(view.reason).toBe(direct.reason);
    expect(compared.find((r) => r.form === 'power')!.looError).toBeGreaterThan(0);
  });
});

describe('explorer worker: forms of issue #19', () => {
  it("passes laws' identifiability warnings to the page (an input spanning under one order of magnitude)", () => {
    const narrow = 'params,loss\n' + [1e6, 1.5e6, 2e6, 3e6, 4e6].map((x) => `${x},${2 + 20 * x ** -0.3}`).join('\n');
    const state = loaded(narrow);
    const request: FitRequest = { form: 'saturating', columns: { x: 'params', y: 'loss' }, dropTop: 0, predictAt: '' };
    const view = expectKind(handle({ kind: 'fit', id: 2, request }, state), 'fitted').view;
    const t = readExplorerTable(narrow, 'r.csv');
    const node = fitLaw({ x: t.numeric.params!, y: t.numeric.loss! }, { form: 'saturating', labels: { x: 'params', y: 'loss' } });
    expect(node.warnings.join(' ')).toMatch(/x \(params\) spans 0\.60 orders of magnitude.*add runs/);
    for (const w of node.warnings) expect(view.warnings).toContain(w);
  });

  const truth = DATA_CONSTRAINED_TRUTH;

  it('fits data-constrained from N, D and U columns, recovering the decay constants, predicting at N:D:U', () => {
    const state = loaded(dataConstrainedCsv(1));
    const request: FitRequest = {
      form: 'data-constrained',
      columns: { N: 'params', D: 'tokens', U: 'unique_tokens', y: 'loss' },
      dropTop: 0,
      predictAt: '1e9:4e10:1e10',
    };
    const view = expectKind(handle({ kind: 'fit', id: 2, request }, state), 'fitted').view;
    expect(view.inputs).toEqual(['N', 'D', 'U']);
    expect(view.labels).toMatchObject({ N: 'params', D: 'tokens', U: 'unique_tokens' });
    const p = Object.fromEntries(view.params.map((r) => [r.name, r]));
    expect(p.R_D_star!.value).toBeGreaterThan(13);
    expect(p.R_D_star!.value).toBeLessThan(18);
    expect(p.R_N_star!.value).toBeGreaterThan(4.5);
    expect(p.R_N_star!.value).toBeLessThan(6.5);
    for (const r of view.params) {
      expect(r.ci![0], r.name).toBeLessThanOrEqual(truth[r.name]!);
      expect(r.ci![1], r.name).toBeGreaterThanOrEqual(truth[r.name]!);
    }
    expect(view.points[0]).toMatchObject({ N: 2e7, D: 1e8, U: 1e8 });
    const expected = getForm('data-constrained').predict(
      view.params.map((r) => r.value),
      [1e9, 4e10, 1e10],
    );
    expect(view.predictions).toEqual([{ N: 1e9, D: 4e10, U: 1e10, y: expected, pi: null }]);
    expect(() => parsePredictAt('1e9:4e10', view.inputs)).toThrow(/expected N:D:U/);
    // The only form of N, D and U, compared alone: cross-validated and extrapolated with U kept.
    const compared = expectKind(handle({ kind: 'compare', id: 3, request }, state), 'compared').view;
    expect(compared.rows.map((r) => r.form)).toEqual(['data-constrained']);
    expect(compared.rows[0]!.extrapolationError).toBeLessThan(0.05);
    expect(compared.note).toBe('');
  });

  it('fits loss-to-loss on an L₁ column as fitLaw does, near the truth, with bands at new L₁', () => {
    const rng = createRng(1);
    const law = getForm('loss-to-loss');
    const rows = Array.from({ length: 20 }, (_, i) => {
      const l1 = 1.9 + (2.9 * i) / 19;
      return `${l1},${law.predict([0.8, 1.2, 1.8, 1.5], [l1]) * Math.exp(0.003 * rng.normal())}`;
    });
    const text = `loss_web,loss_code\n${rows.join('\n')}\n`;
    const state = loaded(text);
    const request: FitRequest = { form: 'loss-to-loss', columns: { x: 'loss_web', y: 'loss_code' }, dropTop: 0, predictAt: '2.5, 3' };
    const view = expectKind(handle({ kind: 'fit', id: 2, request }, state), 'fitted').view;
    const t = readExplorerTable(text, 'r.csv');
    const node = fitLaw({ x: t.numeric.loss_web!, y: t.numeric.loss_code! }, { form: 'loss-to-loss' });
    expect(Object.fromEntries(view.params.map((p) => [p.name, p.value]))).toEqual(node.params);
    expect(Math.abs(node.params.kappa! / 1.2 - 1)).toBeLessThan(0.1);
    expect(Math.abs(node.params.E1! - 1.8)).toBeLessThan(0.1);
    const bands = expectKind(handle({ kind: 'bands', id: 3 }, state), 'banded').view;
    expect(bands.predictions).toHaveLength(2);
    for (const b of bands.predictions) expect(b.pi![0]).toBeLessThan(b.y);
    expect(bands.frontier).toBeNull();
  });

  it("fits the downstream mode (task loss, then accuracy) as laws' fitDownstream, with its two-step intervals at N:D", () => {
    const text = ladderCsv(1);
    const state = loaded(text);
    const request: FitRequest = {
      form: 'downstream',
      columns: { N: 'params', D: 'tokens', taskLoss: 'task_loss', y: 'acc' },
      dropTop: 0,
      predictAt: '7e9:2e12',
    };
    const view = expectKind(handle({ kind: 'fit', id: 2, request }, state), 'fitted').view;
    const t = readExplorerTable(text, 'r.csv');
    const runs = { N: t.numeric.params!, D: t.numeric.tokens!, taskLoss: t.numeric.task_loss!, acc: t.numeric.acc! };
    const at = [{ N: 7e9, D: 2e12 }];
    const direct = fitDownstream(runs, { resamples: 0, predict: at });
    expect(Object.fromEntries(view.params.map((p) => [p.name, p.value]))).toEqual(direct.params);
    expect(view.params.find((p) => p.name === 'k')!.value).toBeCloseTo(-4, 0);
    expect(view.predictions[0]!.y).toBe(direct.predictions[0]!.accuracy);
    const bands = expectKind(handle({ kind: 'bands', id: 3 }, state), 'banded').view;
    const boot = fitDownstream(runs, { resamples: 200, seed: 1, predict: at });
    expect(bands.predictions[0]!.pi).toEqual(boot.predictions[0]!.accuracy_ci);
    // Every parameter (the task-loss step's too, which has no interval of its own) gets the two-step bootstrap's.
    expect(Object.fromEntries(bands.params!.map((p) => [p.name, p.ci]))).toEqual(boot.ci);
    expect(bands.ciMethod).toBe(boot.ciMethod);
    expect(bands.note).toMatch(/both steps refitted on \d+ bootstrap resamples/);
    expect(expectKind(handle({ kind: 'compare', id: 4, request }, state), 'error').message).toMatch(/no comparison in the downstream mode/);
    const noTaskLoss = { ...request, columns: { N: 'params', D: 'tokens', y: 'acc' } };
    expect(expectKind(handle({ kind: 'fit', id: 5, request: noTaskLoss }, state), 'error').message).toBe(
      'choose a column for the task loss',
    );
  });
});
