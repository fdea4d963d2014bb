/**
 * `scalewise fit FILE --form data-constrained|downstream|loss-to-loss` (issue #19): flags checked per form from one
 * table, columns read and checked (file, row, column named), the laws package fits, fit-extra-report.ts prints.
 */
import { resolve } from 'node:path';
import {
  bootstrapFit,
  fitDataConstrained,
  fitDownstream,
  fitLossToLoss,
  type DataConstrainedParam,
  type FitResult,
  type Form,
  type Observations,
} from '@scalewise/laws';
import { EXIT_OK, UsageError, type CliIO, intFlag } from '../kit.js';
import { createProgress } from '../progress.js';
import { MAX_RESAMPLES } from './fit-checks.js';
import { printDownstream, printSingleStep, type SingleStepReport } from './fit-extra-report.js';
import { readColumns } from './fit-input.js';

/** The flags of `fit` these forms read. */
export interface ExtraFormFlags {
  form?: string;
  x?: string;
  y?: string;
  n?: string;
  d?: string;
  unique?: string;
  'task-loss'?: string;
  acc?: string;
  fix?: string;
  predict?: string;
  bootstrap?: string;
  seed?: string;
  flops?: string;
  compare?: string;
  profile?: boolean;
  'drop-top'?: string;
  'unit-x'?: string;
  'unit-y'?: string;
  formula?: string;
  json?: boolean;
}

type ColumnFlag = 'x' | 'y' | 'n' | 'd' | 'unique' | 'task-loss' | 'acc';
type OptionFlag = 'fix' | 'predict';

/** Option flags parsed before any file is read. */
interface Parsed {
  fix: Record<string, number> | 'published-base';
  predict: { N: number; D: number }[];
  resamples: number;
  seed: number;
}

interface ExtraForm {
  /** Column flags and their defaults (undefined: required). */
  readonly columns: Partial<Record<ColumnFlag, string | undefined>>;
  /** Columns that must be > 0 (accuracy may be 0). */
  readonly positive: readonly ColumnFlag[];
  readonly options: readonly OptionFlag[];
  /** Parameters `--fix` may hold, and whether `--fix published` (the paper's base law) is accepted. */
  readonly fixable?: { names: readonly string[]; published: boolean };
  run(
    file: string,
    cols: Record<ColumnFlag, Float64Array>,
    names: Record<ColumnFlag, string>,
    p: Parsed,
    f: ExtraFormFlags,
    io: CliIO,
  ): void;
}

const NOT_HERE = ['flops', 'compare', 'profile', 'drop-top', 'unit-x', 'unit-y', 'formula'] as const;

/** `--fix published` or `NAME=V,NAME=V`. */
function parseFix(text: string | undefined, allowed: readonly string[], published: boolean): Record<string, number> | 'published-base' {
  if (text === undefined) return {};
  if (published && text.trim() === 'published') return 'published-base';
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(\S+)\s*$/.exec(part);
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(v))
      throw new UsageError(`--fix expects ${published ? "'published' or " : ''}NAME=VALUE[,NAME=VALUE], found '${text}'`);
    if (!allowed.includes(m[1]!)) throw new UsageError(`--fix: '${m[1]}' is not a parameter that can be held (${allowed.join(', ')})`);
    out[m[1]!] = v;
  }
  return out;
}

/** `--predict N:D[,N:D...]`. */
function parsePredict(text: string | undefined): { N: number; D: number }[] {
  if (text === undefined) return [];
  return text.split(',').map((part) => {
    const [N, D] = part.split(':').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
    if (!(N! > 0 && D! > 0 && Number.isFinite(N) && Number.isFinite(D)))
      throw new UsageError(`--predict expects N:D (positive numbers, e.g. 7e9:2e12), found '${part}'`);
    return { N: N!, D: D! };
  });
}

/** Bootstrap a single-form fit (percentile intervals) unless --bootstrap 0. */
function withBootstrap(
  obs: Observations,
  fit: FitResult & { fittedForm: Form; fixed: Record<string, number> },
  { resamples: K, seed }: Parsed,
  io: CliIO,
): SingleStepReport {
  if (K === 0) return { fit, ci: fit.ci, ciMethod: fit.ciMethod, bootstrap: null, warnings: [] };
  const progress = createProgress(io);
  const boot = bootstrapFit(
    obs,
    fit,
    { form: fit.fittedForm },
    {
      resamples: K,
      seed,
      onProgress: (done, total) => progress({ stage: 'bootstrap', done, total, unit: 'refits' }),
    },
  );
  return {
    fit,
    ci: boot.ci,
    ciMethod: `bootstrap ${boot.method} (${boot.successful} resamples, seed ${seed})`,
    bootstrap: { resamples: K, successful: boot.successful, failed: boot.failed, seed },
    warnings: boot.failed > 0 ? [`${boot.failed} of ${K} bootstrap resamples could not be refitted`] : [],
  };
}

const DC_PARAMS: readonly DataConstrainedParam[] = ['E', 'A', 'B', 'alpha', 'beta', 'R_N_star', 'R_D_star'];

const TABLE: Readonly<Record<string, ExtraForm>> = {
  'data-constrained': {
    columns: { n: undefined, d: undefined, unique: undefined, y: 'y' },
    positive: ['n', 'd', 'unique', 'y'],
    options: ['fix'],
    fixable: { names: DC_PARAMS, published: true },
    run: (file, cols, names, p, f, io) => {
      const runs = { N: cols.n, D: cols.d, U: cols.unique, y: cols.y };
      const fit = fitDataConstrained(runs, { fixed: p.fix, labels: { N: names.n, D: names.d, U: names.unique, y: names.y } });
      const units = { y: 'loss_nats', x: { N: 'params_total', D: 'tokens', U: 'tokens' } };
      return printSingleStep(
        io,
        file,
        f.json,
        withBootstrap(runs, fit, p, io),
        units,
        names,
        'loss in nats, N in parameters, D and U in tokens',
      );
    },
  },
  'loss-to-loss': {
    columns: { x: 'x', y: 'y' },
    positive: ['x', 'y'],
    options: ['fix'],
    fixable: { names: ['E1', 'E2'], published: false },
    run: (file, cols, names, p, f, io) => {
      const obs = { x: cols.x, y: cols.y };
      const fit = fitLossToLoss(obs, { fixed: p.fix as { E1?: number; E2?: number }, labels: { x: names.x, y: names.y } });
      const units = { y: 'loss_nats', x: 'loss_nats' };
      return printSingleStep(io, file, f.json, withBootstrap(obs, fit, p, io), units, names, 'both losses in nats');
    },
  },
  downstream: {
    columns: { n: undefined, d: undefined, 'task-loss': undefined, acc: undefined },
    positive: ['n', 'd', 'task-loss'],
    options: ['predict'],
    run: (file, cols, names, p, f, io) => {
      const progress = createProgress(io);
      const fit = fitDownstream(
        { N: cols.n, D: cols.d, taskLoss: cols['task-loss'], acc: cols.acc },
        {
          resamples: p.resamples,
          seed: p.seed,
          predict: p.predict,
          labels: { N: names.n, D: names.d, taskLoss: names['task-loss'], acc: names.acc },
          onProgress: (done, total) => progress({ stage: 'bootstrap', done, total, unit: 'refits' }),
        },
      );
      return printDownstream(io, file, f.json, fit, names);
    },
  },
};

/** Forms `fit` hands to `runExtraFormFit`. */
export const EXTRA_FORMS: ReadonlySet<string> = new Set(Object.keys(TABLE));

/** Flags that name no column of this form, or options it does not take, are refused before any work. */
function checkFlags(name: string, form: ExtraForm, f: ExtraFormFlags): void {
  const columnFlags: ColumnFlag[] = ['x', 'y', 'n', 'd', 'unique', 'task-loss', 'acc'];
  const wanted = Object.keys(form.columns).map((c) => `--${c} COL`);
  for (const flag of [...columnFlags.filter((c) => !(c in form.columns)), ...NOT_HERE, ...(['fix', 'predict'] as const)]) {
    if (f[flag] === undefined || (form.options as readonly string[]).includes(flag)) continue;
    throw new UsageError(`--${flag} does not apply to form '${name}', which takes ${wanted.join(', ')}`);
  }
  for (const [flag, fallback] of Object.entries(form.columns))
    if (f[flag as ColumnFlag] === undefined && fallback === undefined) throw new UsageError(`form '${name}' needs --${flag} COL`);
}

/**
 * Flags only these forms read. `predict` is here until `--predict` for the other forms lands (then drop it: that
 * change makes the flag meaningful for them).
 */
const EXTRA_ONLY_FLAGS = ['unique', 'task-loss', 'acc', 'fix'] as const;

/** For the other forms: flags only these forms read are refused rather than silently ignored (called by fit.ts). */
export function checkExtraFormOnlyFlags(f: ExtraFormFlags): void {
  if (f.form && EXTRA_FORMS.has(f.form)) return;
  for (const flag of EXTRA_ONLY_FLAGS) {
    if (f[flag] === undefined) continue;
    const takers = Object.entries(TABLE).filter(([, form]) => flag in form.columns || (form.options as readonly string[]).includes(flag));
    throw new UsageError(`--${flag} applies only to --form ${takers.map(([name]) => name).join(' or ')}`);
  }
}

/** Fit one of EXTRA_FORMS to FILE: exit 2 naming the file, row and column on bad input. */
export async function runExtraFormFit(file: string, f: ExtraFormFlags, io: CliIO): Promise<number> {
  const name = f.form!;
  const form = TABLE[name]!;
  checkFlags(name, form, f);
  const parsed: Parsed = {
    fix: form.fixable ? parseFix(f.fix, form.fixable.names, form.fixable.published) : {},
    predict: parsePredict(f.predict),
    resamples: intFlag('bootstrap', f.bootstrap, { min: 0, max: MAX_RESAMPLES }, 200),
    seed: intFlag('seed', f.seed, { min: 0, max: 2 ** 32 - 1 }, 0),
  };
  const names = Object.fromEntries(
    Object.entries(form.columns).map(([flag, fallback]) => [flag, f[flag as ColumnFlag] ?? fallback!]),
  ) as Record<ColumnFlag, string>;
  const display = file;
  try {
    const cols = (await readColumns(resolve(io.cwd, file), display, Object.values(names), false)) as Record<string, Float64Array>;
    const byFlag = Object.fromEntries(Object.entries(names).map(([flag, col]) => [flag, cols[col]!])) as Record<ColumnFlag, Float64Array>;
    for (const flag of form.positive) {
      const col = byFlag[flag];
      for (let i = 0; i < col.length; i++)
        if (!(col[i]! > 0))
          throw new UsageError(`${display}: row ${i + 1}, column '${names[flag]}': expected a positive number, found ${col[i]}`);
    }
    form.run(display, byFlag, names, parsed, f, io);
    return EXIT_OK;
  } catch (error) {
    // Laws' input errors (U > D, E1 ≥ min L1, accuracy outside [0, 1]) name the row and column; prefix the file.
    if ((error as Error).name === 'LawsInputError') {
      const message = (error as Error).message;
      throw new UsageError(message.startsWith(`${display}:`) ? message : `${display}: ${message}`, { cause: error });
    }
    throw error;
  }
}
