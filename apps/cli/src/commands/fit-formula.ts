/**
 * `scalewise fit FILE --formula "E + A*N^(-alpha)" --var N=COL ...`: flags of a custom-formula fit, turned into a
 * `customForm` and the same fit / bootstrap / profile calls and `--json` shape as built-in forms.
 */
import { resolve } from 'node:path';
import {
  customForm,
  dropTopRows,
  fitLaw,
  resolveFitOptions,
  unitLabel,
  type CustomForm,
  type FitOptions,
  type FitResult,
  type Observations,
} from '@scalewise/laws';
import { EXIT_OK, UsageError, intFlag, numberFlag, printJson, type CliIO } from '../kit.js';
import { analysesJson, analysesLines, runAnalyses } from './fit-analyses.js';
import { fmt } from './fit-checks.js';
import { checkOptimal, choicesJson, choicesText, fitChoices, parseCompare, parsePredict, yUnitFor } from './fit-flags.js';
import { readColumns } from './fit-input.js';

export const FORMULA_HELP = `
Custom formula (instead of --form):
  --formula TEXT    any law written as an expression, e.g. "E + A*N^(-alpha) + B*D^(-beta)" or
                    "L = E + A*x^(-alpha)": + - * / ^, exp, log, log10, sqrt, cbrt, tanh, sinh, cosh;
                    names bound by --var are variables, every other name is a parameter
  --var NAME=COL    bind variable NAME to column COL (repeatable; --x/--n/--d COL bind x/N/D)
  --bound BOUND     keep a parameter in a range (repeatable): NAME>0 (fitted as its logarithm), NAME>L,
                    NAME>=L, NAME<U, NAME<=U or L<NAME<U (kept by a shift or a logistic), e.g. 0<f<1, c>=1e-3
  --start NAME=V    start value, or NAME=LO..HI for a range of 4 starts (repeatable; default start 1)
  --loss ls|huber   least squares (default) or Huber; --delta D sets Huber's threshold (default 1e-3)
  --space log|linear  residual space (default log)
`;

/** The flags of `fit` this module reads. */
export interface FormulaFlags {
  formula?: string;
  var?: string[];
  bound?: string[];
  start?: string[];
  loss?: string;
  delta?: string;
  space?: string;
  form?: string;
  x?: string;
  n?: string;
  d?: string;
  y?: string;
  flops?: string;
  compare?: string;
  predict?: string;
  optimal?: string;
  method?: string;
  'unit-x'?: string;
  'unit-y'?: string;
  'drop-top'?: string;
  profile?: boolean;
  json?: boolean;
}

const FORMULA_ONLY = ['var', 'bound', 'start', 'space'] as const;

/** Flags that only mean something with --formula are refused without it (before any work). */
export function checkFormulaOnlyFlags(f: FormulaFlags): void {
  if (f.formula !== undefined) return;
  for (const flag of FORMULA_ONLY) if (f[flag] !== undefined) throw new UsageError(`--${flag} applies only with --formula`);
}

/** `--var NAME=COL` (and --x/--n/--d) → variable name → column, refusing malformed or repeated bindings. */
function bindings(f: FormulaFlags): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, col: string, flag: string): void => {
    if (out.has(name)) throw new UsageError(`${flag}: variable '${name}' is bound twice`);
    if (col.trim() === '') throw new UsageError(`${flag}: the column of '${name}' is empty`);
    out.set(name, col);
  };
  for (const text of f.var ?? []) {
    const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(text);
    if (!m) throw new UsageError(`--var expects NAME=COL (NAME a letter then letters, digits or _), found '${text}'`);
    add(m[1]!, m[2]!, '--var');
  }
  for (const [flag, name] of [
    ['x', 'x'],
    ['n', 'N'],
    ['d', 'D'],
  ] as const)
    if (f[flag] !== undefined) add(name, f[flag], `--${flag}`);
  if (out.size === 0) throw new UsageError('--formula needs a column for each variable: --var NAME=COL (e.g. --var N="Model Size")');
  return out;
}

/** Build the form from the flags; laws' input errors become usage errors (exit 2) naming the flag. */
export function formFromFlags(f: FormulaFlags): { form: CustomForm; columns: Map<string, string> } {
  if (f.form !== undefined) throw new UsageError('--formula and --form conflict: give one law, a built-in --form or a --formula');
  for (const flag of ['flops', 'unit-x'] as const) {
    if (f[flag] !== undefined) throw new UsageError(`--${flag} does not apply with --formula`);
  }
  if (f.formula!.trim() === '') throw new UsageError('--formula is empty: write an expression such as "E + A*N^(-alpha)"');
  const columns = bindings(f);
  if (f.loss !== undefined && f.loss !== 'ls' && f.loss !== 'huber') throw new UsageError(`--loss expects ls or huber, found '${f.loss}'`);
  if (f.space !== undefined && f.space !== 'log' && f.space !== 'linear')
    throw new UsageError(`--space expects log or linear, found '${f.space}'`);
  const delta = numberFlag('delta', f.delta);
  if (delta !== undefined && !(delta > 0)) throw new UsageError(`--delta expects a positive number, found '${f.delta}'`);
  if (delta !== undefined && f.loss !== 'huber') throw new UsageError('--delta applies only with --loss huber');
  try {
    const form = customForm(f.formula!, {
      variables: [...columns.keys()],
      bounds: f.bound,
      starts: f.start,
      loss: f.loss as 'ls' | 'huber' | undefined,
      delta,
      space: f.space as 'log' | 'linear' | undefined,
    });
    return { form, columns };
  } catch (error) {
    if ((error as Error).name === 'LawsInputError') throw new UsageError(`--formula: ${(error as Error).message}`, { cause: error });
    throw error;
  }
}

/** Run a custom-formula fit of FILE and print it like a built-in fit. */
export async function runFormulaFit(file: string, f: FormulaFlags, K: number, seed: number, io: CliIO): Promise<number> {
  const { form, columns } = formFromFlags(f);
  const logSpace = (f.space ?? 'log') === 'log';
  const request = {
    K,
    seed,
    profile: f.profile === true,
    predict: f.predict === undefined ? undefined : parsePredict(f.predict, form, form.variables),
    compare: parseCompare(f.compare, form, logSpace ? 'log' : 'linear'),
    optimal: checkOptimal(f.optimal, form),
  };
  const choices = fitChoices(form, { method: f.method });
  const yCol = f.y ?? 'y';
  const yUnit = yUnitFor(f['unit-y'], yCol);
  const drop = intFlag('drop-top', f['drop-top'], { min: 0 }, 0);
  const cols = await readColumns(resolve(io.cwd, file), file, [yCol, ...columns.values()], logSpace);
  let obs: Observations = { y: cols[yCol]! };
  const labels: Record<string, string> = { y: yCol };
  form.variables.forEach((name, i) => {
    const slot = form.inputs[i]!;
    obs[slot] = cols[columns.get(name)!]!;
    labels[slot] = columns.get(name)!;
  });
  if (drop >= obs.y.length)
    throw new UsageError(
      `--drop-top expects an integer in [0, ${obs.y.length - 1}] (${file} has ${obs.y.length} data rows), found ${drop}`,
    );
  const warnings: string[] = yUnit.warning ? [yUnit.warning] : [];
  if (drop > 0) {
    obs = dropTopRows(obs, drop);
    warnings.push(`dropped the ${drop} rows with the highest ${yCol}`);
  }
  const options: FitOptions = { form, labels, ...choices };
  let fit: FitResult;
  try {
    fit = fitLaw(obs, options);
  } catch (error) {
    if ((error as Error).name === 'LawsInputError') throw new UsageError(`${file}: ${(error as Error).message}`, { cause: error });
    throw error;
  }
  for (const [name, v] of Object.entries(fit.params)) {
    if (!Number.isFinite(v)) throw new UsageError(`${file}: the fitted ${name} is beyond the range of a double: rescale the columns`);
  }
  warnings.push(...stuckAtDefaultStart(fit.params, f.start ?? []));
  const a = runAnalyses(io, obs, fit, options, request);
  warnings.push(...a.warnings);
  const { ci, ciMethod, ciProfile } = a;
  if (Object.keys(ci).length === 0) warnings.push('no confidence intervals: pass --bootstrap K or --profile');
  const allWarnings = [...warnings, ...fit.warnings];
  const variables = Object.fromEntries(form.variables.map((name) => [name, columns.get(name)!]));
  const resolved = resolveFitOptions(form, options);
  if (f.json) {
    const finite = (c: Record<string, [number, number]>) =>
      Object.fromEntries(Object.entries(c).map(([k, [lo, hi]]) => [k, [fin(lo), fin(hi)]]));
    printJson(io, {
      form: 'custom',
      formula: form.formula,
      variables,
      n_points: fit.n_points,
      params: fit.params,
      objective: fit.objective,
      r2: fit.r2,
      ci: finite(ci),
      ci_level: fit.ci_level,
      method: fit.method,
      warnings: allWarnings,
      objective_name: fit.objectiveName,
      ci_method: ciMethod,
      se: fit.se ?? null,
      units: { y: yUnit.unit, y_from: yUnit.from },
      bootstrap: a.bootInfo,
      ci_profile: ciProfile && finite(ciProfile),
      ...choicesJson(resolved),
      ...analysesJson(a),
      file,
    });
    return EXIT_OK;
  }
  const level = `${Math.round(fit.ci_level * 100)}% CI`;
  const lines = [
    `${form.formula}   fitted to ${fit.n_points} points of ${file}`,
    `y: ${yCol} [${unitLabel(yUnit.unit)}]; ${Object.entries(variables)
      .map(([name, col]) => `${name}: ${col}`)
      .join(', ')}`,
    '',
    `${'param'.padEnd(8)} ${'value'.padStart(12)}   ${level} (${ciMethod})`,
    ...Object.entries(fit.params).map(
      ([name, v]) => `${name.padEnd(8)} ${fmt(v).padStart(12)}   ${ci[name] ? `[${fmt(ci[name][0])}, ${fmt(ci[name][1])}]` : '—'}`,
    ),
    '',
    `objective: ${fmt(fit.objective)} (${fit.objectiveName})`,
    `R²: ${fit.r2 === null ? 'n/a' : fit.r2.toFixed(5)}${logSpace ? ' (log space)' : ''}`,
    `method: ${fit.method} (${choicesText(resolved)})`,
    ...analysesLines(a, unitLabel(yUnit.unit)),
    ...allWarnings.map((w) => `warning: ${w}`),
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * A parameter without --start begins at 1; one that ends there exactly was not moved by the data (the loss is
 * flat around the start, e.g. A·N^(-alpha) at N ~ 1e9 with alpha = 1): say so instead of printing it as a fit.
 */
function stuckAtDefaultStart(params: Record<string, number>, starts: readonly string[]): string[] {
  const started = new Set(starts.map((s) => s.split('=')[0]!.trim()));
  const stuck = Object.entries(params)
    .filter(([name, v]) => !started.has(name) && Math.abs(v - 1) < 1e-6)
    .map(([name]) => name);
  if (stuck.length === 0) return [];
  return [
    `${stuck.join(', ')} ended at the default start 1: the data did not move ${stuck.length > 1 ? 'them' : 'it'} from there, ` +
      `so the fit is not a minimum you can trust; give starts near the answer or ranges, e.g. --start ${stuck[0]}=LO..HI`,
  ];
}
