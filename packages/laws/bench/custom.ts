/**
 * Full-size checks of custom forms (the CI tests in src/custom/form.test.ts run a small version): the Chinchilla
 * formula against the built-in fit with the same starts (VarPro's, and Hoffmann's 4,500 grid), with times, and
 * bootstrap coverage of a 3-parameter custom form (custom-coverage.ts, also runnable alone).
 */
import { customForm, fitLaw } from '../src/index.js';
import { chinchillaFitData, hoffmannGrid, toLogData, varproStarts } from '../src/internals.js';
import { benchCustomCoverage } from './custom-coverage.js';

type Timer = <T>(fn: () => T) => [T, number];

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

export function benchCustomForms(time: Timer, log: (s: string) => void): Record<string, unknown> {
  const data = chinchillaFitData(5);
  const obs = { N: data.N, D: data.D, y: data.y };
  // θ = (a, b, e, α, β) → the formula's order (E, A, alpha, B, beta).
  const toNatural = (t: ArrayLike<number>): number[] => [Math.exp(t[2]!), Math.exp(t[0]!), t[3]!, Math.exp(t[1]!), t[4]!];
  const grid = hoffmannGrid();
  const starts = {
    varpro: varproStarts(toLogData(data.N, data.D, data.y), 1e-3, 4).map(toNatural),
    grid: Array.from({ length: grid.length / 5 }, (_, k) => toNatural(grid.subarray(5 * k, 5 * k + 5))),
  };
  const out: Record<string, unknown> = {};
  for (const method of ['varpro', 'grid'] as const) {
    const [ref, tBuiltin] = time(() => fitLaw(obs, { form: 'chinchilla', method }));
    const form = customForm('E + A*N^(-alpha) + B*D^(-beta)', {
      bounds: ['E>0', 'A>0', 'B>0'],
      loss: 'huber',
      startPoints: starts[method],
    });
    const [fit, tCustom] = time(() => fitLaw(obs, { form }));
    const maxParamRelErr = Math.max(...Object.keys(ref.params).map((k) => relErr(fit.params[k]!, ref.params[k]!)));
    out[`chinchilla_${method}_starts`] = {
      starts: starts[method].length,
      builtin_seconds: tBuiltin,
      custom_seconds: tCustom,
      objective_rel_err: relErr(fit.objective, ref.objective),
      max_param_rel_err: maxParamRelErr,
    };
    log(
      `custom chinchilla (${starts[method].length} ${method} starts): built-in ${tBuiltin.toFixed(2)} s, ` +
        `formula ${tCustom.toFixed(2)} s; objective rel. err ${relErr(fit.objective, ref.objective).toExponential(2)}, ` +
        `max param rel. err ${maxParamRelErr.toExponential(2)}`,
    );
  }
  out.bootstrap_coverage = benchCustomCoverage(time, log);
  return out;
}
