/** Messages between the explorer page and its fitting worker (structured-clone data only). */
import type { FitLoss, FitMethod } from '@scalewise/laws';

/** A built-in form as the page lists it (from laws' `FORMS`, so forms added there appear on their own). */
export interface FormInfo {
  name: string;
  formula: string;
  inputs: string[];
  params: string[];
  methods: FitMethod[];
  defaultLoss: FitLoss;
}

/**
 * What to fit: a built-in form by name, `custom` with a formula whose variables are bound to columns, or `downstream`
 * (task loss from N and D, then accuracy `y` from task loss: laws' fitDownstream).
 */
export interface FitRequest {
  form: string;
  /** Column per observation slot (`x`, or `N` and `D`), and the measured quantity `y`. */
  columns: { x?: string; N?: string; D?: string; U?: string; y: string; taskLoss?: string };
  /** Tokens from a FLOPs column, D = C / (6N), instead of a D column. */
  flops?: string;
  /** custom: the formula, its variables bound to columns, bounds (`alpha>0`) and starts (`alpha=0.1..1`). */
  formula?: string;
  bindings?: Record<string, string>;
  bounds?: string[];
  starts?: string[];
  dropTop: number;
  method?: FitMethod;
  loss?: FitLoss;
  delta?: number;
  /** Parameter intervals: the fit's own (profile where it has none; default), profile likelihood, or bootstrap. */
  intervals?: 'auto' | 'profile' | 'bootstrap';
  /** Prediction points as typed: `1e9, 1e10` for one-variable forms, `N:D, N:D` for joint ones. */
  predictAt: string;
}

export interface ParamRow {
  name: string;
  value: number;
  ci: [number, number] | null;
}

/** One observation with its fitted value; inputs under their slot names. */
export interface PointRow {
  x?: number;
  N?: number;
  D?: number;
  U?: number;
  y: number;
  fitted: number;
  residual: number;
}

/** A prediction with its prediction interval (null where none is available for the form yet). */
export interface PredictionRow {
  x?: number;
  N?: number;
  D?: number;
  U?: number;
  y: number;
  pi: [number, number] | null;
}

/** The compute-optimal model at one budget; intervals arrive with the bands (laws' `optimalAllocation`). */
export interface FrontierRow {
  flops: number;
  N: number;
  D: number;
  tokensPerParam: number;
  N_ci?: [number, number];
  D_ci?: [number, number];
  tokensPerParam_ci?: [number, number];
}

export interface FitView {
  form: string;
  formula: string;
  inputs: string[];
  labels: Record<string, string>;
  params: ParamRow[];
  ciLevel: number;
  ciMethod: string;
  objective: number;
  objectiveName: string;
  r2: number | null;
  sigma: number;
  method: string;
  loss: FitLoss;
  space: 'log' | 'linear';
  warnings: string[];
  n: number;
  points: PointRow[];
  /** One-variable forms: the law on a grid over the data's range (its band arrives with `banded`). */
  curve: PredictionRow[];
  predictions: PredictionRow[];
  /** How `pi` was computed, or why there is none. */
  bandNote: string;
  /** chinchilla: compute-optimal N and D over budgets spanning the data's compute. */
  frontier: FrontierRow[] | null;
  /** How the frontier's intervals were made, or that they are coming. */
  frontierNote: string;
  /** Time of the fit itself in the worker (ms). */
  fitMs: number;
  /** Time of the intervals beyond the fit (profile or bootstrap refits; ms). */
  intervalMs: number;
}

/** The prediction intervals of the last fit, computed after it is shown. */
export interface BandsView {
  predictions: PredictionRow[];
  curve: PredictionRow[];
  note: string;
  /** chinchilla: the frontier with bootstrap intervals (null: none; `frontierNote` says why). */
  frontier: FrontierRow[] | null;
  frontierNote: string;
  /** Parameters with the intervals of this step, when it has better ones than the fit's (downstream: two-step bootstrap). */
  params?: ParamRow[];
  ciMethod?: string;
}

/** One row of laws' `comparisonTable` (as `scalewise fit --compare`), or a form left out with the reason in `failed`. */
export interface ComparisonRow {
  form: string;
  k: number;
  aicc: number | null;
  delta: number | null;
  bic: number | null;
  /** Mean absolute relative error of held-out predictions (`cv` says how rows were held out). */
  looError: number | null;
  /** Absolute relative error predicting the row of the largest input from the others. */
  extrapolationError: number | null;
  cv: string;
  preferred: boolean;
  failed?: string;
}

export interface ComparisonView {
  rows: ComparisonRow[];
  preferred: string | null;
  reason: string;
  /** Warnings of the comparison (a cross-validation or extrapolation refit that failed). */
  note: string;
}

export interface TableInfo {
  name: string;
  rows: number;
  columns: string[];
  numeric: string[];
}

export type ToWorker =
  | { kind: 'load'; id: number; name: string; text: string }
  | { kind: 'fit'; id: number; request: FitRequest }
  | { kind: 'bands'; id: number }
  | { kind: 'compare'; id: number; request: FitRequest };

export type FromWorker =
  | { kind: 'ready'; forms: FormInfo[] }
  | { kind: 'loaded'; id: number; table: TableInfo }
  | { kind: 'fitted'; id: number; view: FitView }
  | { kind: 'banded'; id: number; view: BandsView }
  | { kind: 'compared'; id: number; view: ComparisonView }
  | { kind: 'error'; id: number; message: string };
