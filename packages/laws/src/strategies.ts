/**
 * What differs between forms, in one table (`FORMS`) instead of chains of tests on the form's name: the fitting
 * methods a form accepts, its default loss, its starting points, a specialised fitter, bootstrap refitter and
 * profiler where the generic multi-start NLS path is not the right one, and the CLI's default resample count.
 */
import { dataConstrainedStrategy } from './constrained/strategy.js';
import { fitChinchilla, fitChinchillaRaw, thetaToParams, toLogData } from './chinchilla.js';
import { LawsError, LawsInputError } from './errors.js';
import type { Form, FormName } from './forms.js';
import { fitPowerOls, powerPredictionInterval } from './ols.js';
import { profileChinchilla, type ChinchillaParam } from './profile-chinchilla.js';
import type { FitResult, Observations } from './types.js';
import { lossToLossStrategy } from './transfer/strategy.js';
import { projectLinear } from './varpro.js';

/** How a fit is done: log-log OLS and NLS for power, VarPro or Hoffmann's grid for chinchilla, NLS otherwise. */
export type FitMethod = 'ols' | 'nls' | 'varpro' | 'grid';
/** Residual loss: plain least squares or Huber(δ). */
export type FitLoss = 'ls' | 'huber';

/** Fit options with every default filled in once (see `resolveFitOptions`). */
export interface ResolvedFitOptions {
  method: FitMethod;
  loss: FitLoss;
  /** Huber threshold; Infinity when the loss is least squares. */
  delta: number;
  space: 'log' | 'linear';
  level: number;
}

export interface ProfileOutcome {
  ci: Record<string, [number, number]>;
  method: string;
  warnings: string[];
}

export interface FormStrategy {
  /** Methods the form accepts; the first is the default. */
  readonly methods: readonly FitMethod[];
  readonly defaultLoss: FitLoss;
  /** Default Huber threshold (1e-3 where absent). */
  readonly defaultDelta?: number;
  /** Default residual space ('log' where absent). */
  readonly defaultSpace?: 'log' | 'linear';
  /** Bootstrap resamples the CLI runs by default (0: the fit's own t / Wald / profile intervals). */
  readonly defaultResamples: number;
  /** Bootstrap refits start from the main optimum only (forms with many, expensive default starts). */
  readonly warmStartOnly: boolean;
  /** Starting points of the generic NLS fit (natural parameter units). */
  starts(form: Form, inputs: Float64Array[], y: Float64Array): number[][];
  /** A specialised fitter; returning undefined falls back to multi-start NLS. */
  fit?(inputs: Float64Array[], y: Float64Array, options: ResolvedFitOptions, weights: ArrayLike<number> | undefined): FitResult | undefined;
  /** A specialised bootstrap refitter: built once per bootstrap, called with each resample's row counts. */
  refitter?(obs: Observations, fit: FitResult, options: ResolvedFitOptions): ((counts: Float64Array) => ArrayLike<number>) | undefined;
  /** A specialised profiler (chinchilla: robust likelihood ratio on the Huber objective). */
  profile?(obs: Observations, names: readonly string[], options: ResolvedFitOptions, fit: FitResult | undefined): ProfileOutcome;
  /** Method of the least-squares refit that generic profiles start from. */
  readonly profileMethod?: FitMethod;
  /** Simulated studies (`planCi`) always take profile intervals. */
  readonly planByProfile: boolean;
  /** Whether the fit's R² is in log space (how the CLI labels it). */
  r2InLogSpace(fit: FitResult): boolean;
  /**
   * An exact prediction interval at one point (inputs in the form's order), where the form has one; undefined
   * falls back to `predictWithIntervals`' bootstrap (power by log-log OLS: the closed-form t interval).
   */
  predictionInterval?(obs: Observations, options: ResolvedFitOptions, point: ArrayLike<number>): [number, number] | undefined;
}

const logspace = (lo: number, hi: number, k: number): number[] =>
  Array.from({ length: k }, (_, i) => lo * (hi / lo) ** (i / Math.max(1, k - 1)));

function minOf(y: Float64Array): number {
  let m = Infinity;
  for (const v of y) m = Math.min(m, v);
  return m;
}

const powerStarts = (_form: Form, inputs: Float64Array[], y: Float64Array): number[][] => {
  const pw = fitPowerOls(inputs[0]!, y);
  return [[pw.params.a!, pw.params.b!]];
};

const kaplanSingleStarts = (_form: Form, inputs: Float64Array[], y: Float64Array): number[][] => {
  const pw = fitPowerOls(inputs[0]!, y);
  const alpha = Math.max(Math.abs(pw.params.b!), 1e-3);
  return [[pw.params.a! ** (1 / alpha), alpha]];
};

const saturatingStarts = (_form: Form, inputs: Float64Array[], y: Float64Array): number[][] => {
  const x = inputs[0]!;
  const pw = fitPowerOls(x, y);
  const starts: number[][] = [];
  for (let i = 1; i <= 40; i++) {
    const al = 0.025 * i * 2;
    const lin = projectLinear(al, 0, x, null, y);
    if (lin && lin[0]! > 0 && lin[1]! > 0) starts.push([lin[0]!, lin[1]!, al]);
  }
  starts.push([0.5 * minOf(y), pw.params.a!, -pw.params.b!]);
  return starts;
};

const kaplanNdStarts = (): number[][] => {
  const starts: number[][] = [];
  for (const an of [0.05, 0.1, 0.3])
    for (const ad of [0.05, 0.1, 0.3])
      for (const nc of logspace(1e8, 1e16, 3)) for (const dc of logspace(1e8, 1e16, 3)) starts.push([nc, dc, an, ad]);
  return starts;
};

/** bnsl: breaks at quantiles of x, both directions of slope change. */
const bnslStarts = (form: Form, inputs: Float64Array[], y: Float64Array): number[][] => {
  const x = inputs[0]!;
  const pw = fitPowerOls(x, y);
  const [a, b] = [pw.params.a!, pw.params.b!];
  const minY = minOf(y);
  const k = (form.params.length - 3) / 3;
  const sorted = Float64Array.from(x).sort();
  const starts: number[][] = [];
  for (const a0 of [0, 0.5 * minY]) {
    for (const q of [0.25, 0.5, 0.75]) {
      for (const c of [-0.5, 0.5]) {
        for (const f of [0.3, 1]) {
          const s = [a0, Math.max(a - a0, 1e-3 * a), -b];
          for (let j = 0; j < k; j++) s.push(c, sorted[Math.floor(((q + j * 0.1) % 1) * (sorted.length - 1))]!, f);
          starts.push(s);
        }
      }
    }
  }
  return starts;
};

const nlsOnly = {
  methods: ['nls'],
  defaultLoss: 'ls',
  defaultResamples: 0,
  warmStartOnly: false,
  planByProfile: false,
  r2InLogSpace: () => false,
} as const;

const kaplanSingle: FormStrategy = { ...nlsOnly, starts: kaplanSingleStarts };

/** Per-form behaviour, keyed by form name (`bnsl-K` uses `bnsl`). */
export const FORMS: Readonly<Record<FormName, FormStrategy>> = {
  power: {
    methods: ['ols', 'nls'],
    defaultLoss: 'ls',
    defaultResamples: 0,
    warmStartOnly: false,
    planByProfile: false,
    profileMethod: 'nls',
    starts: powerStarts,
    // Log-log OLS is exact and closed-form; weighted or NLS fits take the generic path.
    fit: (inputs, y, options, weights) =>
      options.method === 'ols' && weights === undefined ? fitPowerOls(inputs[0]!, y, options.level) : undefined,
    refitter: (obs, _fit, options) => {
      if (options.method !== 'ols') return undefined;
      // OLS is exact: expand rows by their counts.
      return (counts) => {
        const xs: number[] = [];
        const ys: number[] = [];
        for (let i = 0; i < counts.length; i++)
          for (let c = 0; c < counts[i]!; c++) {
            xs.push(obs.x![i]!);
            ys.push(obs.y[i]!);
          }
        // A resample of one distinct x has no exponent: it counts as a failed refit.
        if (!xs.some((v) => v !== xs[0])) throw new LawsError('resample has no spread in x');
        return fitPowerOls(xs, ys, options.level).values;
      };
    },
    r2InLogSpace: (fit) => fit.method.startsWith('ols'),
    predictionInterval: (obs, options, point) => {
      if (options.method !== 'ols' || obs.weights !== undefined) return undefined;
      const pi = powerPredictionInterval(fitPowerOls(obs.x!, obs.y, options.level), point[0]!, options.level);
      return [pi.lo, pi.hi];
    },
  },
  saturating: { ...nlsOnly, starts: saturatingStarts },
  'kaplan-n': kaplanSingle,
  'kaplan-d': kaplanSingle,
  'kaplan-c': kaplanSingle,
  'kaplan-nd': { ...nlsOnly, defaultResamples: 200, warmStartOnly: true, starts: kaplanNdStarts },
  chinchilla: {
    methods: ['varpro', 'grid'],
    defaultLoss: 'huber',
    defaultResamples: 200,
    warmStartOnly: false,
    planByProfile: true,
    starts: () => [],
    fit: (inputs, y, options, weights) => {
      const res = fitChinchilla(inputs[0]!, inputs[1]!, y, {
        method: options.method === 'grid' ? 'grid' : 'varpro',
        delta: options.delta,
        weights: weights ? Float64Array.from(weights) : undefined,
      });
      res.ci_level = options.level;
      return res;
    },
    refitter: (obs, fit, options) => {
      const data = toLogData(obs.N!, obs.D!, obs.y);
      const theta = (fit as FitResult & { theta?: Float64Array }).theta;
      return (counts) =>
        thetaToParams(
          fitChinchillaRaw(data, { method: 'varpro', polish: 1, delta: options.delta, weights: counts, extraStarts: theta ? [theta] : [] })
            .theta,
        );
    },
    profile: (obs, names, options, fit) => {
      const prof = profileChinchilla(obs.N!, obs.D!, obs.y, names as readonly ChinchillaParam[], {
        level: options.level,
        delta: options.delta,
        weights: obs.weights ? Float64Array.from(obs.weights) : undefined,
        theta: (fit as (FitResult & { theta?: Float64Array }) | undefined)?.theta,
      });
      return { ci: prof.ci as Record<string, [number, number]>, method: prof.method, warnings: prof.warnings };
    },
    r2InLogSpace: () => true,
  },
  bnsl: { ...nlsOnly, warmStartOnly: true, starts: bnslStarts },
  'data-constrained': dataConstrainedStrategy(),
  'loss-to-loss': lossToLossStrategy(),
};

/** The strategy of a form (`bnsl-K` → `bnsl`). */
export function strategyOf(form: Form): FormStrategy {
  // Forms built at run time (customForm) carry their own strategy.
  if (form.strategy) return form.strategy;
  const key = (/^bnsl-\d$/.test(form.name) ? 'bnsl' : form.name) as FormName;
  const strategy = FORMS[key];
  if (!strategy) throw new LawsInputError(`no fitting strategy for form '${form.name}'`);
  return strategy;
}

/** Every default of a fit resolved once; a method the form does not accept is an input error. */
export function resolveFitOptions(
  form: Form,
  options: { method?: FitMethod; loss?: FitLoss; delta?: number; space?: 'log' | 'linear'; level?: number },
): ResolvedFitOptions {
  const strategy = strategyOf(form);
  const method = options.method ?? strategy.methods[0]!;
  if (!strategy.methods.includes(method)) {
    throw new LawsInputError(`form '${form.name}' is fitted by ${strategy.methods.map((m) => `'${m}'`).join(' or ')}, not '${method}'`);
  }
  const loss = options.loss ?? strategy.defaultLoss;
  const delta = loss === 'huber' ? (options.delta ?? strategy.defaultDelta ?? 1e-3) : Infinity;
  return { method, loss, delta, space: options.space ?? strategy.defaultSpace ?? 'log', level: options.level ?? 0.95 };
}

/** Bootstrap resamples run by default for a form (the CLI's `--bootstrap` default). */
export function defaultResamples(form: Form): number {
  return strategyOf(form).defaultResamples;
}
