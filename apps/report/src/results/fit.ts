import { fitPowerOls, powerPredictionInterval } from '@scalewise/laws';
import { logSpace } from '../specs/curves.js';
import type { FitCurvePoint, MeasuredPoint } from '../specs/scaling.js';
import type { Cell } from '../types.js';
import { describeFitSize } from './describe.js';

/** A descriptive power-law fit of one metric against size, ready to draw and tabulate. */
export interface PowerFitSummary {
  curve: FitCurvePoint[];
  /** One row of the fits table. */
  row: Record<string, Cell>;
  /** e.g. "y = 1152·N^-0.2457, b 95% CI [-0.306, -0.185] (4 points, 2 dof), R² = 0.9935". */
  subtitle: string;
  warnings: string[];
}

const sig = (v: number, d = 4) => Number(v.toPrecision(d)).toString();

/**
 * Log-log OLS power law y = a·N^b through @scalewise/laws (`fitPowerOls`), with its 95% prediction
 * band over the plotted range. Returns a reason instead when a fit would mislead: fewer than 3
 * points, or several rows at the same size (e.g. different token budgets mixed together).
 */
export function powerFit(points: readonly MeasuredPoint[], metric: string): PowerFitSummary | { skipped: string } {
  const xs = points.map((p) => p.x);
  if (new Set(xs).size !== xs.length) return { skipped: `${metric}: not fitted, several rows share a model size (mixed token budgets?)` };
  if (points.length < 3) {
    return { skipped: `${metric}: not fitted, a power law with an interval needs ≥ 3 sizes, found ${points.length}` };
  }
  try {
    const fit = fitPowerOls(
      xs,
      points.map((p) => p.y),
    );
    const a = fit.params.a as number;
    const b = fit.params.b as number;
    const [lo, hi] = fit.ci.b ?? [Number.NaN, Number.NaN];
    const min = Math.min(...xs);
    const max = Math.max(...xs);
    const curve = logSpace(min / 1.25, max * 1.25, 40).map((x) => {
      const pi = powerPredictionInterval(fit, x);
      return { x, y: pi.estimate, lower: pi.lo, upper: pi.hi };
    });
    const r2 = fit.r2 === null ? '—' : sig(fit.r2);
    return {
      curve,
      row: { metric, n: fit.n_points, dof: fit.stats.dof, a, b, 'b 95% CI low': lo, 'b 95% CI high': hi, 'R² (log-log)': fit.r2 },
      subtitle:
        `y = ${sig(a)}·N^${sig(b)}, b 95% CI [${sig(lo, 3)}, ${sig(hi, 3)}] (` +
        `${describeFitSize(fit.n_points, fit.stats.dof, 'points')}), R² = ${r2}`,
      warnings: fit.warnings.map((w) => `${metric}: ${w}`),
    };
  } catch (error) {
    return { skipped: `${metric}: not fitted (${(error as Error).message})` };
  }
}
