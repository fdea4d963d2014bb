/**
 * Chinchilla approaches 2 and 3 on the same IsoFLOP table, side by side: rows grouped into budgets (C = 6ND when
 * only tokens are given, with a tolerance for float noise), approach 2's parabolas and N_opt ∝ C^a, and the
 * joint fit L(N, D) = E + A/N^α + B/D^β whose a = β/(α+β) is the same exponent. Approach 1 from training curves
 * is `approach1FromCurves`.
 */
import { bootstrapFit, bootstrapQuantity } from './bootstrap.js';
import { LawsInputError } from './errors.js';
import { fitLaw } from './fit.js';
import { dropTop } from './prepare.js';
import { approach1, approach2, isoflopBracketing, type Approach2Result, type IsoflopRun } from './isoflop.js';

/** Rows of an IsoFLOP sweep: N and loss, with tokens D or compute C (the other is derived through C = 6ND). */
export interface IsoflopTable {
  N: ArrayLike<number>;
  D?: ArrayLike<number>;
  C?: ArrayLike<number>;
  loss: ArrayLike<number>;
}

export interface BudgetGroup {
  /** Geometric mean of the rows' compute (FLOPs). */
  C: number;
  runs: number;
  /** max C / min C − 1 within the group. */
  spread: number;
}

/**
 * Budgets from per-row compute: sorted values are chained into one budget while consecutive values differ by at
 * most `relTol` (relative). `index[i]` is row i's budget.
 */
export function groupBudgets(C: ArrayLike<number>, relTol = 1e-6): { index: Int32Array; budgets: BudgetGroup[] } {
  if (!(relTol >= 0 && relTol < 1)) throw new LawsInputError(`budget tolerance must be in [0, 1), found ${relTol}`);
  const order = Array.from({ length: C.length }, (_, i) => i).sort((i, j) => C[i]! - C[j]!);
  const index = new Int32Array(C.length);
  const members: number[][] = [];
  let prev = Number.NaN;
  for (const i of order) {
    if (!(C[i]! <= prev * (1 + relTol))) members.push([]);
    members.at(-1)!.push(i);
    index[i] = members.length - 1;
    prev = C[i]!;
  }
  const budgets = members.map((m) => {
    const logs = m.map((i) => Math.log(C[i]!));
    return {
      C: Math.exp(logs.reduce((a, b) => a + b, 0) / m.length),
      runs: m.length,
      spread: Math.exp(Math.max(...logs) - Math.min(...logs)) - 1,
    };
  });
  return { index, budgets };
}

export interface IsoflopAnalysisOptions {
  /** Relative tolerance for grouping compute into budgets (default 1e-6: float noise of 6ND). */
  tolerance?: number;
  /** Bootstrap resamples for approach 3's intervals (default 200; 0 for none). */
  resamples?: number;
  seed?: number;
  level?: number;
  /** Drop the rows with the highest loss first (Besiroglu et al. drop 5 of Chinchilla's 245). */
  dropTop?: number;
}

export interface Approach3Summary {
  params: Record<string, number>;
  /** Percentile bootstrap intervals of the parameters (absent without resamples). */
  ci?: Record<string, [number, number]>;
  /** N_opt = k·C^a with a = β/(α+β), k = G·6^(−a), G = (αA/(βB))^(1/(α+β)). */
  a: number;
  a_ci?: [number, number];
  k: number;
  k_ci?: [number, number];
  objective: number;
  objectiveName?: string;
  method: string;
  resamples: number;
  warnings: string[];
}

export interface IsoflopAnalysis {
  budgets: (BudgetGroup & { best_N: number; best_loss: number; at_edge: boolean; N_opt_approach3?: number })[];
  approach2: Approach2Result | null;
  approach3: Approach3Summary | null;
  warnings: string[];
}

function checked(name: string, col: ArrayLike<number> | undefined, n: number): ArrayLike<number> | undefined {
  if (!col) return undefined;
  if (col.length !== n) throw new LawsInputError(`column ${name} has ${col.length} rows, N has ${n}`);
  for (let i = 0; i < n; i++)
    if (!(col[i]! > 0 && Number.isFinite(col[i]!)))
      throw new LawsInputError(`row ${i + 1}, column ${name}: expected a finite positive number, found ${col[i]}`);
  return col;
}

/** Approaches 2 and 3 on one table; each approach that cannot run leaves a warning and a null. */
export function isoflopAnalysis(table: IsoflopTable, options: IsoflopAnalysisOptions = {}): IsoflopAnalysis {
  const n = table.N.length;
  const N = checked('N', table.N, n)!;
  const loss = checked('loss', table.loss, n)!;
  const Dgiven = checked('D', table.D, n);
  const Cgiven = checked('C', table.C, n);
  if (!Dgiven === !Cgiven) throw new LawsInputError('give exactly one of D (tokens) and C (FLOPs)');
  const drop = options.dropTop ?? 0;
  if (!Number.isInteger(drop) || drop < 0 || drop >= n)
    throw new LawsInputError(`dropTop must be an integer in [0, ${n - 1}], found ${drop}`);
  const kept = dropTop(loss, drop);
  const C = Float64Array.from(kept, (i) => Cgiven?.[i] ?? 6 * N[i]! * Dgiven![i]!);
  const D = Float64Array.from(kept, (i, k) => Dgiven?.[i] ?? C[k]! / (6 * N[i]!));
  const Nk = Float64Array.from(kept, (i) => N[i]!);
  const lossK = Float64Array.from(kept, (i) => loss[i]!);
  const groups = groupBudgets(C, options.tolerance ?? 1e-6);
  const runs: IsoflopRun[] = Array.from(kept, (_, k) => ({ N: Nk[k]!, C: groups.budgets[groups.index[k]!]!.C, loss: lossK[k]! }));
  const bracket = isoflopBracketing(runs);
  const warnings = drop > 0 ? [`dropped the ${drop} rows with the highest loss`] : [];
  warnings.push(...bracket.warnings);
  let a2: Approach2Result | null = null;
  try {
    a2 = approach2(runs);
    warnings.push(...(a2.warnings ?? []));
  } catch (error) {
    if (!(error instanceof LawsInputError)) throw error;
    warnings.push(`approach 2 not possible: ${error.message}`);
  }
  const a3 = approach3(Nk, D, lossK, options, warnings);
  const budgets = groups.budgets.map((g, b) => {
    const best = bracket.budgets[b]!;
    const nOpt = a3 ? a3.k * g.C ** a3.a : undefined;
    return {
      ...g,
      best_N: best.bestN,
      best_loss: best.bestLoss,
      at_edge: best.atEdge,
      ...(nOpt === undefined ? {} : { N_opt_approach3: nOpt }),
    };
  });
  return { budgets, approach2: a2, approach3: a3, warnings };
}

function approach3(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  loss: ArrayLike<number>,
  options: IsoflopAnalysisOptions,
  warnings: string[],
): Approach3Summary | null {
  const obs = { N, D, y: loss };
  const fitOptions = { form: 'chinchilla' as const, level: options.level };
  let fit;
  try {
    fit = fitLaw(obs, { ...fitOptions, intervals: false });
  } catch (error) {
    warnings.push(`approach 3 not possible: ${(error as Error).message}`);
    return null;
  }
  const exponent = (p: ArrayLike<number>): { a: number; k: number } => {
    // Parameter order of the chinchilla form: E, A, B, alpha, beta.
    const [A, B, al, be] = [p[1]!, p[2]!, p[3]!, p[4]!];
    const a = be / (al + be);
    return { a, k: ((al * A) / (be * B)) ** (1 / (al + be)) * 6 ** -a };
  };
  const { a, k } = exponent(fit.values);
  const resamples = options.resamples ?? 200;
  const out: Approach3Summary = {
    params: fit.params,
    a,
    k,
    objective: fit.objective,
    objectiveName: fit.objectiveName,
    method: fit.method,
    resamples,
    warnings: fit.warnings,
  };
  if (resamples > 0) {
    const boot = bootstrapFit(obs, fit, fitOptions, { resamples, seed: options.seed ?? 0 });
    out.ci = boot.ci;
    out.a_ci = bootstrapQuantity(boot, (v) => exponent(v).a);
    out.k_ci = bootstrapQuantity(boot, (v) => exponent(v).k);
    if (boot.failed > 0) warnings.push(`approach 3: ${boot.failed} of ${resamples} bootstrap refits failed`);
  }
  return out;
}

/** Checkpoints of training runs: one row per (run, tokens seen). */
export interface TrainingCurves {
  run: readonly string[];
  N: ArrayLike<number>;
  D: ArrayLike<number>;
  loss: ArrayLike<number>;
}

/**
 * Approach 1 from checkpoints: rows grouped into one curve per run (N constant within a run), then at each budget
 * the run with the lowest interpolated loss at D = C/(6N). Default budgets: `budgetCount` log-spaced over the
 * compute range reached by at least two curves.
 */
export function approach1FromCurves(
  curves: TrainingCurves,
  budgets?: readonly number[],
  budgetCount = 10,
): Approach2Result & { budgets: number[]; curves: number } {
  const byRun = new Map<string, { N: number; D: number[]; loss: number[]; row: number }>();
  for (let i = 0; i < curves.run.length; i++) {
    const key = curves.run[i]!;
    const cv = byRun.get(key) ?? { N: curves.N[i]!, D: [], loss: [], row: i + 1 };
    if (cv.N !== curves.N[i])
      throw new LawsInputError(`row ${i + 1}: run '${key}' has N = ${curves.N[i]} here but N = ${cv.N} in row ${cv.row}`);
    cv.D.push(curves.D[i]!);
    cv.loss.push(curves.loss[i]!);
    byRun.set(key, cv);
  }
  const list = [...byRun.values()].map((cv) => {
    const order = cv.D.map((_, i) => i).sort((i, j) => cv.D[i]! - cv.D[j]!);
    return { N: cv.N, D: order.map((i) => cv.D[i]!), loss: order.map((i) => cv.loss[i]!) };
  });
  if (list.length < 2) throw new LawsInputError(`approach 1 needs training curves of at least 2 runs, found ${list.length}`);
  let chosen = budgets ? [...budgets] : [];
  if (!budgets) {
    const spans = list.filter((cv) => cv.D.length > 1).map((cv) => [6 * cv.N * cv.D[0]!, 6 * cv.N * cv.D.at(-1)!] as const);
    const lo = Math.min(...spans.map((s) => s[0]));
    const hi = Math.max(...spans.map((s) => s[1]));
    const grid = Array.from({ length: 400 }, (_, i) => lo * (hi / lo) ** (i / 399));
    const covered = grid.filter((C) => spans.filter(([a, b]) => C >= a && C <= b).length >= 2);
    if (covered.length < 2) throw new LawsInputError('approach 1: no compute budget is reached by two or more training curves');
    const [c0, c1] = [covered[0]!, covered.at(-1)!];
    chosen = Array.from({ length: budgetCount }, (_, i) => c0 * (c1 / c0) ** (i / (budgetCount - 1)));
  }
  return { ...approach1(list, chosen), budgets: chosen, curves: list.length };
}
