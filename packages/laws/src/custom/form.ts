/** `customForm`: a typed Form, with its own fitting strategy, from a formula a researcher writes. */
import { LawsInputError } from '../errors.js';
import type { Form, InputName } from '../forms.js';
import type { FitLoss, FormStrategy } from '../strategies.js';
import { checkGradient, compileFormula } from './compile.js';
import { defaultStart, nudgeInside, parseBounds, parseStarts, startGrid } from './options.js';
import { parseFormula } from './parse.js';

export interface CustomFormOptions {
  /** Names bound to columns (default: whichever of x, N, D appear); at most three. */
  variables?: readonly string[];
  /**
   * Bounds such as `alpha>0` (fitted as its logarithm), `c<1`, `f>=0.5` or `0<rho<1` (a shift or a logistic):
   * the fit keeps each parameter inside its range.
   */
  bounds?: readonly string[];
  /** Starts such as `E=1.5` or ranges `alpha=0.1..1`; parameters without one start at 1. */
  starts?: readonly string[];
  /** Values per start range (default 4). */
  rangePoints?: number;
  /** Full starting points (natural units, in the order of `params`), tried in addition to the grid. */
  startPoints?: readonly (readonly number[])[];
  /** Default loss of fits of this form (default least squares). */
  loss?: FitLoss;
  /** Default Huber threshold (default 1e-3). */
  delta?: number;
  /** Default residual space (default log). */
  space?: 'log' | 'linear';
  /** Name reported as `form` (default `custom`). */
  name?: string;
}

export interface CustomForm extends Form {
  /** The user's variable names, in the order of `inputs` (the observation slots they are read from). */
  readonly variables: readonly string[];
  /** Name on the left of `=` in the formula, if any. */
  readonly response?: string;
  readonly strategy: FormStrategy;
}

/** Starting points beyond this are refused: each is one L-BFGS run. */
export const MAX_CUSTOM_STARTS = 5000;
const SLOTS: readonly InputName[] = ['x', 'N', 'D'];
const CHECK_INPUTS = [0.5, 2, 30, 1e3, 1e6];

/** Observation slots for the variables: x, N and D read their own, other names take the free ones. */
function slotsFor(variables: readonly string[]): InputName[] {
  if (variables.length > SLOTS.length)
    throw new LawsInputError(`a formula takes at most ${SLOTS.length} variables, found ${variables.length} (${variables.join(', ')})`);
  const free = SLOTS.filter((s) => !variables.includes(s));
  return variables.map((v) => ((SLOTS as readonly string[]).includes(v) ? (v as InputName) : free.shift()!));
}

/**
 * Build a form from a formula such as `E + A*N^(-alpha) + B*D^(-beta)`. Throws LawsInputError, with the position in
 * the formula, on a formula outside the allowed language, without parameters, or whose gradient fails its check.
 */
export function customForm(formula: string, options: CustomFormOptions = {}): CustomForm {
  const parsed = parseFormula(formula, options.variables);
  const { params, variables } = parsed;
  const bounds = parseBounds(options.bounds ?? [], params);
  const points = options.rangePoints ?? 4;
  if (!Number.isInteger(points) || points < 2 || points > 50)
    throw new LawsInputError(`rangePoints must be an integer in [2, 50], found ${points}`);
  const values = parseStarts(options.starts ?? [], params, bounds, points);
  const grid = startGrid(params, values, MAX_CUSTOM_STARTS, bounds);
  for (const s of options.startPoints ?? []) {
    if (s.length !== params.length || !Array.from(s).every(Number.isFinite)) {
      throw new LawsInputError(`a start point needs ${params.length} finite values (${params.join(', ')}), found ${s.length}`);
    }
  }
  const starts = [...grid, ...(options.startPoints ?? []).map((s) => Array.from(s))];
  if (starts.length > MAX_CUSTOM_STARTS) throw new LawsInputError(`${starts.length} starting points: at most ${MAX_CUSTOM_STARTS}`);
  const compiled = compileFormula(formula, parsed);
  const centre = params.map((name) => {
    const vs = values.get(name);
    const range = bounds.ranges.get(name);
    return vs ? vs[Math.floor(vs.length / 2)]! : range ? nudgeInside(range, defaultStart(range)) : 1;
  });
  const checks: [number[], number[]][] = [];
  for (const scale of [1, 1.3]) {
    // The second set of check points moves each parameter by 30% where its bounds allow.
    const at = centre.map((c, j) => {
      const range = bounds.ranges.get(params[j]!);
      const moved = c * scale;
      return !range || (moved > range.lower && moved < range.upper) ? moved : c;
    });
    CHECK_INPUTS.forEach((_, t) => checks.push([at, variables.map((_, i) => CHECK_INPUTS[(t + i) % CHECK_INPUTS.length]!)]));
  }
  checkGradient(formula, parsed, compiled, checks);
  const loss = options.loss ?? 'ls';
  if (options.delta !== undefined && !(options.delta > 0 && Number.isFinite(options.delta)))
    throw new LawsInputError(`delta must be a positive number, found ${options.delta}`);
  const strategy: FormStrategy = {
    methods: ['nls'],
    defaultLoss: loss,
    defaultDelta: options.delta,
    defaultSpace: options.space,
    defaultResamples: 0,
    // Bootstrap refits of forms with many starts begin at the main optimum only.
    warmStartOnly: starts.length > 20,
    planByProfile: false,
    starts: () => starts.map((s) => s.slice()),
    r2InLogSpace: () => (options.space ?? 'log') === 'log',
  };
  return {
    name: options.name ?? 'custom',
    formula,
    inputs: slotsFor(variables),
    params,
    positive: params.map((p) => bounds.positive.has(p)),
    bounds: params.map((p) => {
      const r = bounds.ranges.get(p);
      return r && !bounds.positive.has(p) ? ([r.lower, r.upper] as const) : undefined;
    }),
    predict: compiled.predict,
    gradient: compiled.gradient,
    variables,
    response: parsed.response,
    strategy,
  };
}
