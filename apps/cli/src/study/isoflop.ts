import path from 'node:path';
import { approach2, computeOptimal, fitChinchilla, isoflopBracketing, type Approach2Result } from '@scalewise/laws';
import { createRunPool, runSweep, type SweepRow, type SweepSpecInput } from '@scalewise/train';
import type { ProgressEvent } from '../progress.js';

export interface IsoflopStudy {
  runs: { model: string; params_total: number; tokens: number; flops: number; val_loss: number }[];
  /** Chinchilla approach 3 on every run: L(N, D) = E + A/N^α + B/D^β (loss in nats/token, N total params). */
  chinchilla: { params: Record<string, number>; objective: number; objectiveName?: string; method: string; warnings: string[] } | null;
  /** Approach 2: a parabola in ln N per budget, then N_opt(C) = k·C^a. */
  approach2: Approach2Result | null;
  /** Compute-optimal allocation from the approach-3 fit at each budget. */
  optimal: { C: number; N_opt: number; D_opt: number; tokensPerParam: number }[];
  warnings: string[];
}

/** Runs a sweep into a folder: `runSweep` here, or the queue's (`scalewise study --queue`). */
export type SweepRunner = (
  spec: SweepSpecInput,
  outDir: string,
  onProgress: (event: ProgressEvent) => void,
) => Promise<{ interrupted: boolean; rows: SweepRow[] }>;

/** A sweep on this machine: `parallel` runs at once on a run pool's worker threads (`threads` each), or in turn. */
export function localSweepRunner(parallel: number, threads: number | undefined): SweepRunner {
  return async (spec, outDir, onProgress) => {
    if (parallel <= 1) return runSweep(spec, { outDir, onProgress });
    const pool = await createRunPool({ size: parallel, ...(threads ? { threads } : {}) });
    try {
      return await runSweep(spec, { outDir, onProgress, pool });
    } finally {
      await pool.close();
    }
  };
}

/** The optional IsoFLOP grid: the ladder's models at a few fixed FLOP budgets (tokens = C / 6N). */
export async function runIsoflopStudy(
  spec: SweepSpecInput,
  outDir: string,
  onProgress: (event: ProgressEvent) => void,
  sweep: SweepRunner = localSweepRunner(1, undefined),
): Promise<IsoflopStudy> {
  const outcome = await sweep(spec, path.join(outDir, 'isoflop'), onProgress);
  if (outcome.interrupted) throw new Error('IsoFLOP training was interrupted; re-run the same command to resume');
  const runs = outcome.rows.map((r) => ({
    model: r.model,
    params_total: r.params_total,
    tokens: r.tokens,
    val_loss: r.val_loss,
    flops: 'flops' in r.budget ? r.budget.flops : r.flops_6nd,
  }));
  const points = runs.map((r) => ({ N: r.params_total, C: r.flops, loss: r.val_loss }));
  // An optimum at the edge of the grid means the budgets do not bracket it: approach 2 and the allocation extrapolate.
  const bracket = isoflopBracketing(points);
  const warnings: string[] = [];
  let chinchilla: IsoflopStudy['chinchilla'] = null;
  const optimal: IsoflopStudy['optimal'] = [];
  try {
    const fit = fitChinchilla(
      Float64Array.from(runs, (r) => r.params_total),
      Float64Array.from(runs, (r) => r.tokens),
      Float64Array.from(runs, (r) => r.val_loss),
    );
    chinchilla = {
      params: fit.params,
      objective: fit.objective,
      objectiveName: fit.objectiveName,
      method: fit.method,
      warnings: fit.warnings,
    };
    const p = fit.params as { A: number; B: number; alpha: number; beta: number };
    for (const { C } of bracket.budgets) optimal.push(computeOptimal(p, C));
  } catch (error) {
    warnings.push(`Chinchilla fit failed: ${(error as Error).message}`);
  }
  warnings.push(...bracket.warnings);
  let a2: Approach2Result | null = null;
  try {
    a2 = approach2(points);
    warnings.push(...(a2.warnings ?? []));
  } catch (error) {
    warnings.push(`approach 2 not possible: ${(error as Error).message}`);
  }
  return { runs, chinchilla, approach2: a2, optimal, warnings };
}
