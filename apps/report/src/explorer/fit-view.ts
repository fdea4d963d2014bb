/** One fit as the page shows it: laws' `fitLaw` on the chosen columns, fitted values, bands and the frontier. */
import {
  bootstrapFit,
  computeOptimal,
  fitLaw,
  optimalAllocation,
  profileIntervals,
  resolveFitOptions,
  type BootstrapResult,
  type FitOptions,
  type FitResult,
  type Form,
  type Observations,
} from '@scalewise/laws';
import { BAND_BOOTSTRAP, pointPredictions, predictWithBands } from './bands.js';
import { formFor, observationsFor, parsePredictAt } from './observations.js';
import type { BandsView, FitRequest, FitView, FrontierRow, PointRow } from './protocol.js';
import type { ExplorerTable } from './table.js';

/** Points of the law's curve over the data's range (one-variable forms). */
const CURVE_POINTS = 60;
/** Budgets on the compute-optimal frontier, from the data's smallest run to 100x its largest. */
const FRONTIER_POINTS = 25;

function logGrid(lo: number, hi: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => lo * (hi / lo) ** (i / (k - 1)));
}

function range(a: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]!);
    hi = Math.max(hi, a[i]!);
  }
  return [lo, hi];
}

function pointRows(form: Form, obs: Observations, values: ArrayLike<number>, residuals: ArrayLike<number>): PointRow[] {
  const slots = form.inputs;
  return Array.from({ length: obs.y.length }, (_, i) => {
    const row: PointRow = { y: obs.y[i]!, fitted: 0, residual: residuals[i]! };
    for (const s of slots) row[s] = obs[s]![i]!;
    row.fitted = form.predict(
      values,
      slots.map((s) => row[s]!),
    );
    return row;
  });
}

/** Hoffmann's closed form over a grid of budgets C = 6·N·D spanning the data (chinchilla only). */
function frontierRows(obs: Observations, params: Record<string, number>): FrontierRow[] {
  const flops = Float64Array.from(obs.y, (_, i) => 6 * obs.N![i]! * obs.D![i]!);
  const [lo, hi] = range(flops);
  return logGrid(lo, hi * 100, FRONTIER_POINTS).map((C) => {
    const o = computeOptimal({ A: params.A!, B: params.B!, alpha: params.alpha!, beta: params.beta!, E: params.E }, C);
    return { flops: C, N: o.N_opt, D: o.D_opt, tokensPerParam: o.tokensPerParam };
  });
}

/** Intervals as asked: the fit's own, profile likelihood where the fit has none (or when asked), or bootstrap. */
function intervalsFor(obs: Observations, fit: FitResult, options: FitOptions, how: FitRequest['intervals']): BootstrapResult | undefined {
  const mode = how ?? 'auto';
  if (mode === 'bootstrap') {
    const boot = bootstrapFit(obs, fit, options, { ...BAND_BOOTSTRAP, level: fit.ci_level });
    fit.ci = boot.ci;
    fit.ciMethod =
      `bootstrap percentile (${BAND_BOOTSTRAP.resamples} resamples, seed ${BAND_BOOTSTRAP.seed}, ` + `${boot.successful} refits converged)`;
    return boot;
  }
  if (mode === 'profile' || Object.keys(fit.ci).length === 0) {
    const prof = profileIntervals(obs, { ...options, level: fit.ci_level }, undefined, fit);
    fit.ci = prof.ci;
    fit.ciMethod = prof.method;
    fit.warnings.push(...prof.warnings);
  }
  return undefined;
}

/** What the bands step needs from the fit (kept in the worker between the two messages). */
export interface FitContext {
  obs: Observations;
  fit: FitResult;
  options: FitOptions & { form: Form };
  at: Record<string, number>[];
  curveAt: Record<string, number>[];
  boot?: BootstrapResult;
  /** chinchilla: the frontier's point estimates, to give intervals in the bands step. */
  frontier: FrontierRow[] | null;
}

/** Intervals of the frontier from laws' `optimalAllocation` over the bootstrap refits behind the bands. */
function frontierWithIntervals(context: FitContext, boot: BootstrapResult): { rows: FrontierRow[] | null; note: string } {
  const { obs, fit, options, frontier } = context;
  if (!frontier) return { rows: null, note: '' };
  const level = `${Math.round(boot.level * 100)}%`;
  try {
    const alloc = optimalAllocation(
      obs,
      fit,
      options,
      frontier.map((r) => r.flops),
      { boot },
    );
    const rows = alloc.points.map((p) => ({
      flops: p.flops,
      N: p.N,
      D: p.D,
      tokensPerParam: p.tokens_per_param,
      N_ci: p.N_ci,
      D_ci: p.D_ci,
      tokensPerParam_ci: p.tokens_per_param_ci,
    }));
    const excluded = alloc.excluded > 0 ? `; ${alloc.excluded} refits without an optimum (an exponent ≤ 0) left out` : '';
    return { rows, note: `${level} intervals: percentiles over ${alloc.draws} bootstrap refits (laws' optimalAllocation)${excluded}` };
  } catch (error) {
    return { rows: null, note: `no intervals: ${(error as Error).message}` };
  }
}

/** Prediction bands for the fit's predictions and curve: a second step, so the fit shows before its bootstrap runs. */
export function runBands(context: FitContext): BandsView {
  const { obs, fit, options, at, curveAt } = context;
  // One set of refits for the prediction bands and the frontier's intervals (the fit's own when it bootstrapped).
  const boot = context.boot ?? (context.frontier ? bootstrapFit(obs, fit, options, { ...BAND_BOOTSTRAP, level: fit.ci_level }) : undefined);
  const all = predictWithBands(obs, fit, options, [...at, ...curveAt], fit.ci_level, boot);
  const frontier = boot ? frontierWithIntervals(context, boot) : { rows: null, note: '' };
  return {
    predictions: all.rows.slice(0, at.length),
    curve: all.rows.slice(at.length),
    note: all.note,
    frontier: frontier.rows,
    frontierNote: frontier.note,
  };
}

/** Options of the fit (form, method, loss, δ); one place so the fit and its comparison agree. */
export function fitOptionsFor(form: Form, request: FitRequest, labels: Record<string, string>): FitOptions & { form: Form } {
  const options: FitOptions & { form: Form } = { form, labels };
  if (request.method) options.method = request.method;
  if (request.loss) options.loss = request.loss;
  if (request.loss === 'huber' && request.delta !== undefined) options.delta = request.delta;
  return options;
}

/** Fit the request on the table; every input problem is a LawsInputError naming the column, row or item. */
export function runFit(
  table: ExplorerTable,
  request: FitRequest,
  now: () => number = () => Date.now(),
): { view: FitView; context: FitContext } {
  const form = formFor(request);
  const { obs, labels, dropped } = observationsFor(table, form, request);
  const options = fitOptionsFor(form, request, labels);
  const resolved = resolveFitOptions(form, options);
  const at = parsePredictAt(request.predictAt, form.inputs);
  const start = now();
  const fit = fitLaw(obs, options);
  const fitMs = now() - start;
  const boot = intervalsFor(obs, fit, options, request.intervals);
  const intervalMs = now() - start - fitMs;
  let curveAt: Record<string, number>[] = [];
  if (form.inputs.length === 1) {
    const [lo, hi] = range(obs[form.inputs[0]!]!);
    curveAt = logGrid(lo, hi, CURVE_POINTS).map((v) => ({ [form.inputs[0]!]: v }));
  }
  const frontier = fit.form === 'chinchilla' ? frontierRows(obs, fit.params) : null;
  const warnings = [...fit.warnings];
  if (dropped > 0) warnings.unshift(`dropped the ${dropped} rows with the highest ${labels.y}`);
  const view: FitView = {
    form: fit.form,
    formula: form.formula,
    inputs: [...form.inputs],
    labels,
    params: form.params.map((name) => ({ name, value: fit.params[name]!, ci: fit.ci[name] ?? null })),
    ciLevel: fit.ci_level,
    ciMethod: fit.ciMethod,
    objective: fit.objective,
    objectiveName: fit.objectiveName,
    r2: fit.r2,
    sigma: fit.sigma,
    method: fit.method,
    loss: resolved.loss,
    space: resolved.space,
    warnings,
    n: fit.n_points,
    points: pointRows(form, obs, fit.values, fit.residuals),
    curve: pointPredictions(form, fit, curveAt),
    predictions: pointPredictions(form, fit, at),
    bandNote: 'computing prediction intervals…',
    frontier,
    frontierNote: frontier ? 'computing intervals (bootstrap refits)…' : '',
    fitMs,
    intervalMs,
  };
  return { view, context: { obs, fit, options, at, curveAt, frontier, ...(boot ? { boot } : {}) } };
}
