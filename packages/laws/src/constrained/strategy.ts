/** Fitting strategy of the data-constrained form: starts from VarPro fits of the base law on (N′, D′) at a few decay constants. */
import { fitChinchilla } from '../chinchilla.js';
import { logSpaceNlsStrategy } from '../log-nls-strategy.js';
import type { FormStrategy } from '../strategies.js';
import { dataConstrained, effectiveData, effectiveParams, MUENNIGHOFF_2023 } from './form.js';

const FULL = dataConstrained.params;

/** Starts in the full parameter space: for a few (R_D*, R_N*), the base law fitted by VarPro on (N′, D′). */
function fullStarts(inputs: Float64Array[], y: Float64Array, fixed: Readonly<Record<string, number>>): number[][] {
  const [N, D, U] = inputs as [Float64Array, Float64Array, Float64Array];
  const rds = fixed.R_D_star !== undefined ? [fixed.R_D_star] : [1.5, 5, 15.4, 60];
  const rns = fixed.R_N_star !== undefined ? [fixed.R_N_star] : [1.5, 5.3, 20];
  const baseFixed = ['E', 'A', 'B', 'alpha', 'beta'].every((k) => k in fixed);
  const starts: number[][] = [];
  for (const rd of rds) {
    for (const rn of rns) {
      let base = [MUENNIGHOFF_2023.E, MUENNIGHOFF_2023.A, MUENNIGHOFF_2023.B, MUENNIGHOFF_2023.alpha, MUENNIGHOFF_2023.beta];
      if (!baseFixed) {
        const Np = N.map((n, i) => effectiveParams(n, U[i]!, rn));
        const Dp = D.map((d, i) => effectiveData(d, U[i]!, rd));
        // A start that cannot be computed (degenerate N′ or D′ spread) is skipped; the others remain.
        try {
          base = Array.from(fitChinchilla(Np, Dp, y, { delta: Infinity, polish: 2 }).values);
        } catch {
          continue;
        }
      }
      const full = [...base, rn, rd];
      starts.push(FULL.map((name, j) => fixed[name] ?? full[j]!));
    }
  }
  return starts;
}

/** How the data-constrained form (or one with fixed parameters) is fitted: multi-start NLS in log space. */
export function dataConstrainedStrategy(fixed: Readonly<Record<string, number>> = {}): FormStrategy {
  return logSpaceNlsStrategy((form, inputs, y) =>
    fullStarts(inputs, y, fixed).map((s) => form.params.map((name) => s[FULL.indexOf(name)]!)),
  );
}
