// `scalewise fit` analyses of issue #15: --predict, --compare (the array contract), --optimal, --method/--loss/--delta, units.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeOptimal, datasets } from '@scalewise/laws';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'scalewise-fit-analyses-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const MOBILE = write(
  'mobile.csv',
  ['model_name,num_params,ppl', ...datasets.mobilellm.map((r) => `${r.model_name},${r.num_params},${r.perplexity}`)].join('\n') + '\n',
);
// Every 4th Chinchilla run (61 rows): the same law, fast enough for leave-one-out of two forms in a unit test.
const CHIN = write(
  'chin.csv',
  [
    'Model Size,Training FLOP,loss',
    ...datasets.chinchilla.N.flatMap((n, i) => (i % 4 === 0 ? [`${n},${datasets.chinchilla.C[i]},${datasets.chinchilla.loss[i]}`] : [])),
  ].join('\n') + '\n',
);
const CHIN_D = write(
  'chin-d.csv',
  [
    'Model Size,tokens,loss',
    ...datasets.chinchilla.N.flatMap((n, i) =>
      i % 4 === 0 ? [`${n},${datasets.chinchilla.C[i]! / (6 * n)},${datasets.chinchilla.loss[i]}`] : [],
    ),
  ].join('\n') + '\n',
);
const CHIN_FLAGS = ['--n', 'Model Size', '--flops', 'Training FLOP', '--y', 'loss', '--unit-y', 'loss_nats'];

// The parsed --json object (as fit.test.ts reads it: JSON.parse's untyped value).
async function json(args: string[]) {
  const io = captureIO(ROOT);
  const code = await main(['fit', ...args, '--json'], io);
  expect(code, io.err).toBe(0);
  return JSON.parse(io.out);
}

describe('scalewise fit analyses (issue #15)', () => {
  it('--predict on power: {x, y, pi} rows, y on the fitted law, a 95% prediction interval around it, wider beyond the data', async () => {
    const out = await json([MOBILE, '--form', 'power', '--x', 'num_params', '--y', 'ppl', '--predict', '3e8,1e10']);
    expect(out.predictions).toHaveLength(2);
    expect(Object.keys(out.predictions[0])).toEqual(['x', 'y', 'pi']);
    for (const p of out.predictions) {
      expect(p.y).toBeCloseTo(out.params.a * p.x ** out.params.b, 6);
      expect(p.pi[0]).toBeLessThan(p.y);
      expect(p.pi[1]).toBeGreaterThan(p.y);
    }
    const width = (p: { pi: [number, number] }) => Math.log(p.pi[1] / p.pi[0]);
    expect(width(out.predictions[1])).toBeGreaterThan(width(out.predictions[0]));
    expect(out.prediction_method).toMatch(/bootstrap refits \(\d+, seed 0\) plus Student-t residual noise \(2 dof\) in log space/);
    // The unit of a column named ppl is guessed as perplexity, with a warning, never silently nats.
    expect(out.units.y).toBe('perplexity');
    expect(out.warnings).toContain("y unit perplexity guessed from the column name 'ppl'; pass --unit-y");
  });

  it('--predict N:D and --optimal on chinchilla: contract fields, D_opt = C/(6 N_opt), intervals around each value', async () => {
    const out = await json([
      CHIN,
      '--form',
      'chinchilla',
      ...CHIN_FLAGS,
      '--bootstrap',
      '40',
      '--predict',
      '1e9:2e10',
      '--optimal',
      '1e21,1e24',
    ]);
    expect(Object.keys(out.predictions[0])).toEqual(['N', 'D', 'y', 'pi']);
    const { E, A, B, alpha, beta } = out.params;
    expect(out.predictions[0].y).toBeCloseTo(E + A / 1e9 ** alpha + B / 2e10 ** beta, 8);
    expect(out.optimal).toHaveLength(2);
    for (const o of out.optimal) {
      expect(Object.keys(o)).toEqual(['flops', 'N', 'N_ci', 'D', 'D_ci', 'tokens_per_param', 'tokens_per_param_ci']);
      expect(o.N).toBeCloseTo(computeOptimal(out.params, o.flops).N_opt, 0);
      expect((6 * o.N * o.D) / o.flops).toBeCloseTo(1, 10);
      for (const [v, ci] of [
        [o.N, o.N_ci],
        [o.D, o.D_ci],
        [o.tokens_per_param, o.tokens_per_param_ci],
      ])
        expect(ci[0] <= v && v <= ci[1]).toBe(true);
    }
    expect(out.bootstrap.resamples).toBe(40);
    expect(out.optimal_draws).toBeLessThanOrEqual(40);
  });

  it('--compare chinchilla vs kaplan-nd: one row per form in the issue shape, the AICc choice and its sentence', async () => {
    const out = await json([CHIN, '--form', 'chinchilla', ...CHIN_FLAGS, '--bootstrap', '0', '--compare', 'kaplan-nd']);
    expect(out.comparison.map((r: { form: string }) => r.form)).toEqual(['chinchilla', 'kaplan-nd']);
    const [chin, kap] = out.comparison;
    expect([chin.k, kap.k]).toEqual([6, 5]);
    expect(chin.preferred).toBe(true);
    expect(kap.preferred).toBe(false);
    expect(kap.aicc - chin.aicc).toBeGreaterThan(2);
    expect(chin.loo_error).toBeLessThan(kap.loo_error);
    expect(chin.extrapolation_error).toBeGreaterThan(0);
    expect(out.comparison_reason).toMatch(/chinchilla has the lowest AICc/);
  });

  it('--formula --compare chinchilla: a custom law against a built-in one on the same rows, with predictions', async () => {
    const out = await json([
      CHIN_D,
      '--formula',
      'E + A*N^(-alpha) + B*D^(-beta)',
      ...['--n', 'Model Size', '--d', 'tokens', '--y', 'loss', '--unit-y', 'loss_nats', '--bound', 'E>0'],
      ...['--start', 'alpha=0.2..0.5', '--start', 'beta=0.2..0.5', '--start', 'A=400', '--start', 'B=400'],
      ...['--compare', 'chinchilla', '--predict', '1e9:2e10', '--bootstrap', '30', '--seed', '2'],
    ]);
    expect(out.form).toBe('custom');
    expect(out.comparison.map((r: { form: string }) => r.form)).toEqual(['custom', 'chinchilla']);
    // The same law and k: least squares (custom) minimises the residual sum of squares that AICc reads, so its AICc
    // cannot exceed that of chinchilla's Huber fit.
    expect(out.comparison[0].k).toBe(out.comparison[1].k);
    expect(out.comparison[0].aicc).toBeLessThanOrEqual(out.comparison[1].aicc + 1e-9);
    expect(out.comparison_reason).toMatch(/AICc/);
    const [p] = out.predictions;
    expect([p.N, p.D]).toEqual([1e9, 2e10]);
    expect(p.pi[0]).toBeLessThan(p.y);
    expect(p.pi[1]).toBeGreaterThan(p.y);
    expect([out.fit_method, out.loss, out.delta]).toEqual(['nls', 'ls', null]);
  });

  it('--predict on a custom formula names its own variables (JSON "at", text header), values read into slot x', async () => {
    const args = [MOBILE, '--formula', 'a*P^b', '--var', 'P=num_params', '--y', 'ppl', '--start', 'a=1000', '--predict', '1e9'];
    const out = await json(args);
    expect(out.predictions[0].x).toBe(1e9);
    expect(out.predictions[0].at).toEqual({ P: 1e9 });
    expect(out.predictions[0].y).toBeCloseTo(out.params.a * 1e9 ** out.params.b, 6);
    const io = captureIO(ROOT);
    expect(await main(['fit', ...args], io)).toBe(0);
    expect(io.out).toMatch(/^P\s+y\s+95% PI$/m);
  });

  it('--formula without starts: parameters the data never moved from the default start 1 are named in a warning', async () => {
    // From A = alpha = B = beta = 1 the Chinchilla terms are ~1e-9: only E moves, the rest stay at 1.
    const stuck = await json([
      CHIN_D,
      '--formula',
      'E + A*N^(-alpha) + B*D^(-beta)',
      '--var',
      'N=Model Size',
      '--var',
      'D=tokens',
      '--y',
      'loss',
    ]);
    expect(stuck.warnings.join('\n')).toMatch(/A, alpha, B, beta ended at the default start 1: .* e\.g\. --start A=LO\.\.HI/);
    const moved = await json([MOBILE, '--formula', 'a*P^b', '--var', 'P=num_params', '--y', 'ppl', '--start', 'a=1000']);
    expect(moved.warnings.join('\n')).not.toMatch(/default start/);
  });

  it('--method grid and --loss ls are used and recorded (fit_method, loss, delta)', async () => {
    const grid = await json([CHIN, '--form', 'chinchilla', ...CHIN_FLAGS, '--bootstrap', '0', '--method', 'grid']);
    expect([grid.fit_method, grid.loss, grid.delta]).toEqual(['grid', 'huber', 0.001]);
    expect(grid.method).toMatch(/Hoffmann grid/);
    const ls = await json([CHIN, '--form', 'chinchilla', ...CHIN_FLAGS, '--bootstrap', '0', '--loss', 'ls']);
    expect([ls.fit_method, ls.loss, ls.delta]).toEqual(['varpro', 'ls', null]);
    expect(ls.objective_name).toBe('half sum of squared log residuals');
  });
});
