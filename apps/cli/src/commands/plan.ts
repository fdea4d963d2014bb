/**
 * `scalewise plan`: planning by simulation. Flags become a form, a true law and candidate designs (laws'
 * `designGrid`); `planCi` simulates and refits each design; this file parses and prints.
 */
import {
  customForm,
  designGrid,
  getForm,
  planCi,
  strategyOf,
  type DesignAxis,
  type Form,
  type GridDesign,
  type PlannedDesign,
} from '@scalewise/laws';
import { EXIT_OK, UsageError, numberFlag, parseFlags, printJson, type Command, intFlag } from '../kit.js';
import { createProgress } from '../progress.js';
import { fmt } from './fit-checks.js';
import { HELP } from './plan-help.js';

/** `4,8,16` → counts; `1e8,3e8,1e9;1e8,1e9;` → explicit sets (a `;` marks sets). */
function axesFlag(name: string, text: string | undefined): DesignAxis[] {
  if (text === undefined) return [];
  if (text.includes(';')) {
    const sets = text.split(';').filter((s) => s.trim() !== '');
    if (sets.length === 0) throw new UsageError(`--${name}: no values in '${text}'`);
    return sets.map((set, k) => ({
      values: set.split(',').map((cell) => {
        const v = Number(cell.trim());
        if (cell.trim() === '' || !(v > 0 && Number.isFinite(v)))
          throw new UsageError(
            `--${name}: set ${k + 1} ('${set.trim()}'): expected positive numbers separated by commas, found '${cell.trim()}'`,
          );
        return v;
      }),
    }));
  }
  return text.split(',').map((cell) => {
    const v = Number(cell.trim());
    if (cell.trim() === '' || !Number.isInteger(v) || v < 1 || v > 1000)
      throw new UsageError(
        `--${name}: expected counts (integers in [1, 1000]) separated by commas, found '${cell.trim()}'; ` +
          `explicit values are sets ending in ';', e.g. --${name} "1e8,3e8,1e9;"`,
      );
    return { count: v };
  });
}

function rangeFlag(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*([^.\s][^\s]*?)\s*\.\.\s*(\S+)\s*$/.exec(text);
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [Number.NaN, Number.NaN];
  if (!(lo > 0 && hi > lo && Number.isFinite(hi))) throw new UsageError(`--size-range expects LO..HI with 0 < LO < HI, found '${text}'`);
  return [lo, hi];
}

/** `--params '{"E":1.69,...}'` → values in the form's parameter order, every parameter given exactly once. */
function truthFlag(form: Form, text: string | undefined): number[] {
  if (text === undefined)
    throw new UsageError(`--params JSON is required: the true law, e.g. --params '{${form.params.map((p) => `"${p}":…`).join(',')}}'`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--params: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new UsageError('--params expects a JSON object of parameter values');
  const obj = data as Record<string, unknown>;
  for (const key of Object.keys(obj))
    if (!form.params.includes(key))
      throw new UsageError(`--params: '${key}' is not a parameter of ${form.name} (${form.params.join(', ')})`);
  return form.params.map((p) => {
    const v = obj[p];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new UsageError(`--params: '${p}' needs a finite number, found ${JSON.stringify(v) ?? 'nothing'}`);
    return v;
  });
}

function formFlags(f: { form?: string; formula?: string; var?: string[]; bound?: string[]; start?: string[] }): Form {
  if ((f.form === undefined) === (f.formula === undefined)) throw new UsageError('give one law: --form FORM or --formula TEXT');
  if (f.form !== undefined) {
    for (const flag of ['var', 'bound', 'start'] as const)
      if (f[flag] !== undefined) throw new UsageError(`--${flag} applies only with --formula`);
    return getForm(f.form);
  }
  const variables = f.var?.map((v) => {
    if (!/^[A-Za-z_]\w*$/.test(v)) throw new UsageError(`--var expects a variable NAME (no column in plan), found '${v}'`);
    return v;
  });
  try {
    return customForm(f.formula!, { variables, bounds: f.bound, starts: f.start });
  } catch (error) {
    if ((error as Error).name === 'LawsInputError') throw new UsageError(`--formula: ${(error as Error).message}`, { cause: error });
    throw error;
  }
}

const command: Command = {
  summary: 'Plan a study by simulation: which design gives a parameter interval narrower than a target',
  help: HELP,
  run: async (argv, io) => {
    const { values: f, positionals } = parseFlags(argv, {
      form: { type: 'string' },
      formula: { type: 'string' },
      var: { type: 'string', multiple: true },
      bound: { type: 'string', multiple: true },
      start: { type: 'string', multiple: true },
      params: { type: 'string' },
      sizes: { type: 'string' },
      'size-range': { type: 'string' },
      budgets: { type: 'string' },
      'budget-unit': { type: 'string' },
      noise: { type: 'string' },
      'target-width': { type: 'string' },
      param: { type: 'string' },
      replicates: { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`plan takes no FILE, found '${positionals[0]}'; see 'scalewise plan --help'`);
    const form = formFlags(f);
    const truth = truthFlag(form, f.params);
    if (f.param === undefined)
      throw new UsageError(`--param NAME is required: the parameter whose interval to plan (${form.params.join(', ')})`);
    if (!form.params.includes(f.param))
      throw new UsageError(`--param: '${f.param}' is not a parameter of ${form.name} (${form.params.join(', ')})`);
    if (f.sizes === undefined)
      throw new UsageError('--sizes is required: counts of log-spaced sizes (4,8,16 with --size-range) or sets ("1e8,3e8,1e9;")');
    const sizes = axesFlag('sizes', f.sizes);
    const budgets = axesFlag('budgets', f.budgets);
    const unit = f['budget-unit'];
    if (unit !== undefined && unit !== 'flops' && unit !== 'tokens')
      throw new UsageError(`--budget-unit expects flops or tokens, found '${unit}'`);
    const noise = numberFlag('noise', f.noise, 0.015);
    if (!(noise > 0 && noise < 5)) throw new UsageError(`--noise expects the sd of ln y, a number in (0, 5), found '${f.noise}'`);
    const target = numberFlag('target-width', f['target-width']);
    if (target !== undefined && !(target > 0))
      throw new UsageError(`--target-width expects a positive number, found '${f['target-width']}'`);
    const replicates = intFlag('replicates', f.replicates, { min: 2, max: 100_000 }, 100);
    const seed = intFlag('seed', f.seed, { min: 0, max: 2 ** 32 - 1 }, 0);
    let designs: GridDesign[];
    try {
      designs = designGrid(form, sizes, budgets, {
        sizeRange: rangeFlag(f['size-range']),
        budgetUnit: unit as 'flops' | 'tokens' | undefined,
      });
    } catch (error) {
      if ((error as Error).name !== 'LawsInputError') throw error;
      const msg = (error as Error).message.replace(
        /^sizes: a count of (\d+) needs a range.*$/,
        'sizes: a count of $1 needs --size-range LO..HI',
      );
      throw new UsageError(`--${/budgets/.test(msg) ? 'budgets' : 'sizes'}: ${msg.replace(/^(sizes|budgets): /, '')}`, {
        cause: error,
      });
    }
    const progress = createProgress(io);
    const t0 = performance.now();
    // A design with no more runs than parameters is refused up front by planCi, before any simulation.
    let res: ReturnType<typeof planCi>;
    try {
      res = planCi(form, truth, f.param, designs, {
        sigmaLog: noise,
        targetWidth: target ?? Number.POSITIVE_INFINITY,
        replicates,
        seed,
        onProgress: (done, total) => progress({ stage: 'plan', done, total, unit: 'simulated studies' }),
      });
    } catch (error) {
      if ((error as Error).name !== 'LawsInputError') throw error;
      throw new UsageError(`--sizes/--budgets: ${(error as Error).message}`, { cause: error });
    }
    const seconds = (performance.now() - t0) / 1000;
    const method = strategyOf(form).planByProfile ? 'profile likelihood' : "the fit's own (t/Wald; profile where Wald crosses a bound)";
    const rows = res.plans.map((p, i) => ({ d: designs[i]!, p }));
    const smallest = target === undefined ? null : ((res.smallestDesign?.design as GridDesign | undefined)?.label ?? null);
    if (f.json) {
      printJson(io, {
        form: form.name,
        ...(f.formula ? { formula: form.formula } : {}),
        param: f.param,
        truth: Object.fromEntries(form.params.map((p, j) => [p, truth[j]])),
        noise_sigma_log: noise,
        noise_default: f.noise === undefined,
        target_width: target ?? null,
        level: 0.95,
        replicates,
        seed,
        interval_method: method,
        designs: rows.map(({ d, p }) => designJson(d, p, target, replicates)),
        smallest,
        seconds,
      });
      return EXIT_OK;
    }
    io.stdout(text(f.noise === undefined, form, f.param, truth, noise, target, replicates, method, rows, smallest, seconds));
    return EXIT_OK;
  },
};

const percent = (v: number, digits: number): string => `${(100 * v).toFixed(digits)}%`;

function designJson(d: GridDesign, p: PlannedDesign, target: number | undefined, replicates: number): Record<string, unknown> {
  return {
    label: d.label,
    sizes: d.sizes,
    budgets: d.budgets ?? null,
    budget_kind: d.budgetKind ?? null,
    runs: d.runs,
    compute_flops: d.budgets ? d.cost : null,
    median_width: Number.isFinite(p.medianWidth) ? p.medianWidth : null,
    fraction_below_target: target === undefined ? null : p.fractionBelowTarget,
    coverage: p.failed >= replicates ? null : p.coverage,
    failed: p.failed,
    meets_target: target === undefined ? null : p.meetsTarget,
  };
}

function text(
  defaultNoise: boolean,
  form: Form,
  param: string,
  truth: number[],
  noise: number,
  target: number | undefined,
  replicates: number,
  method: string,
  rows: { d: GridDesign; p: PlannedDesign }[],
  smallest: string | null,
  seconds: number,
): string {
  const lines = [
    `Planning the 95% interval of ${param} for ${form.name} (${form.formula})`,
    `true law: ${form.params.map((p, j) => `${p} = ${fmt(truth[j]!)}`).join(', ')}; noise sd of ln y ${noise}` +
      `${defaultNoise ? ' (default, an assumption)' : ''}; ${replicates} simulated studies per design`,
    `intervals: ${method}`,
    '',
    `${'design'.padEnd(30)} ${'runs'.padStart(6)} ${'compute (FLOP)'.padStart(14)} ${'median width'.padStart(13)} ` +
      `${'< target'.padStart(9)} ${'coverage'.padStart(9)} ${'failed'.padStart(7)}`,
    ...rows.map(
      ({ d, p }) =>
        `${d.label.padEnd(30)} ${String(d.runs).padStart(6)} ${(d.budgets ? d.cost.toExponential(2) : '—').padStart(14)} ` +
        `${fmt(p.medianWidth).padStart(13)} ${(target === undefined ? '—' : percent(p.fractionBelowTarget, 0)).padStart(9)} ` +
        `${(p.failed >= replicates ? '—' : percent(p.coverage, 1)).padStart(9)} ${String(p.failed).padStart(7)}`,
    ),
    '',
  ];
  if (target !== undefined)
    lines.push(
      smallest
        ? `smallest design whose median width of ${param} is under ${target}: ${smallest}`
        : `no design in the list reaches a median width of ${param} under ${target}: add sizes or budgets`,
    );
  lines.push(`(${seconds.toFixed(1)} s; "< target" = share of simulated studies whose interval is narrower than the target)`);
  return `${lines.join('\n')}\n`;
}

export default command;
