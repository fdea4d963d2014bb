/**
 * The explorer's downstream mode: laws' `fitDownstream` (task loss from N and D by the chinchilla law, then accuracy
 * as a sigmoid of task loss). The fit shows first with each step's own intervals; the bands step refits both steps
 * on bootstrap resamples of the runs (laws' intervals for the combined accuracy prediction).
 */
import { accuracySigmoid, fitDownstream, getForm, LawsInputError, type DownstreamFit, type DownstreamRuns } from '@scalewise/laws';
import { BAND_BOOTSTRAP } from './bands.js';
import { observationsFor, parsePredictAt } from './observations.js';
import type { BandsView, FitRequest, FitView, PointRow } from './protocol.js';
import type { ExplorerTable } from './table.js';

/** What the page lists for the mode (it is no single form of laws' `FORMS`). */
export const DOWNSTREAM_INFO = {
  name: 'downstream',
  formula: 'task loss L = E + A/N^alpha + B/D^beta (chinchilla), then accuracy = a / (1 + e^(−k·(L − L0))) + b',
  inputs: ['N', 'D'],
  params: [...getForm('chinchilla').params, ...accuracySigmoid.params],
} as const;

export interface DownstreamContext {
  runs: DownstreamRuns;
  labels: NonNullable<Parameters<typeof fitDownstream>[1]>['labels'];
  at: { N: number; D: number }[];
}

/** The runs of the request: N and D (or D from FLOPs) as for chinchilla, the task-loss column and the accuracy (y). */
function runsFor(table: ExplorerTable, request: FitRequest): { runs: DownstreamRuns; labels: Record<string, string> } {
  if (request.dropTop !== 0) throw new LawsInputError('drop top: the downstream mode keeps every run (set it to 0)');
  const taskLoss = request.columns.taskLoss;
  if (!taskLoss) throw new LawsInputError('choose a column for the task loss');
  const chinchilla = getForm('chinchilla');
  const step1 = observationsFor(table, chinchilla, { ...request, columns: { ...request.columns, y: taskLoss } });
  const acc = observationsFor(table, chinchilla, request);
  const labels = { ...step1.labels, taskLoss, acc: request.columns.y, y: request.columns.y };
  return { runs: { N: step1.obs.N!, D: step1.obs.D!, taskLoss: step1.obs.y, acc: acc.obs.y }, labels };
}

const accuracyAt = (fit: DownstreamFit, N: number, D: number): number =>
  accuracySigmoid.predict(fit.accuracy.values, [getForm('chinchilla').predict(fit.taskLoss.values, [N, D])]);

/** Fit both steps (no bootstrap yet) and describe the fit as the page shows any other. */
export function runDownstreamFit(
  table: ExplorerTable,
  request: FitRequest,
  now: () => number,
): { view: FitView; context: DownstreamContext } {
  const { runs, labels } = runsFor(table, request);
  const at = parsePredictAt(request.predictAt, ['N', 'D']).map((p) => ({ N: p.N!, D: p.D! }));
  const start = now();
  const fit = fitDownstream(runs, { resamples: 0, predict: at, labels });
  const fitMs = now() - start;
  const points: PointRow[] = Array.from(runs.acc, (y, i) => {
    const fitted = accuracyAt(fit, runs.N[i]!, runs.D[i]!);
    return { N: runs.N[i]!, D: runs.D[i]!, y, fitted, residual: y - fitted };
  });
  const acc = fit.accuracy;
  const view: FitView = {
    form: 'downstream',
    formula: DOWNSTREAM_INFO.formula,
    inputs: ['N', 'D'],
    labels: { N: labels.N!, D: labels.D!, y: labels.acc! },
    params: DOWNSTREAM_INFO.params.map((name) => ({ name, value: fit.params[name]!, ci: fit.ci[name] ?? null })),
    ciLevel: fit.level,
    ciMethod: fit.ciMethod,
    objective: acc.objective,
    objectiveName: `accuracy step, ${acc.objectiveName}; task-loss step on ${labels.taskLoss}: ${fit.taskLoss.objective.toPrecision(6)}`,
    r2: acc.r2,
    sigma: acc.sigma,
    method: `two steps: chinchilla ${fit.taskLoss.method}, then sigmoid ${acc.method}`,
    loss: 'ls',
    space: 'linear',
    warnings: fit.warnings,
    n: runs.acc.length,
    points,
    curve: [],
    predictions: fit.predictions.map((p) => ({ N: p.N, D: p.D, y: p.accuracy, pi: null })),
    bandNote: 'computing intervals (both steps refitted on bootstrap resamples)…',
    frontier: null,
    frontierNote: '',
    fitMs,
    intervalMs: 0,
  };
  return { view, context: { runs, labels, at } };
}

/** Accuracy predictions with laws' two-step bootstrap intervals (both steps refitted on each resample of the runs). */
export function runDownstreamBands(context: DownstreamContext): BandsView {
  const fit = fitDownstream(context.runs, { ...BAND_BOOTSTRAP, predict: context.at, labels: context.labels });
  const boot = fit.bootstrap!;
  const level = `${Math.round(fit.level * 100)}%`;
  return {
    predictions: fit.predictions.map((p) => ({ N: p.N, D: p.D, y: p.accuracy, pi: p.accuracy_ci })),
    curve: [],
    note:
      `${level} interval of the expected accuracy (task loss ${fit.predictions.map((p) => p.task_loss.toPrecision(4)).join(', ')}): ` +
      `both steps refitted on ${boot.successful} bootstrap resamples of the runs (seed ${boot.seed}; laws' fitDownstream)`,
    frontier: null,
    frontierNote: '',
    params: DOWNSTREAM_INFO.params.map((name) => ({ name, value: fit.params[name]!, ci: fit.ci[name] ?? null })),
    ciMethod: fit.ciMethod,
  };
}
