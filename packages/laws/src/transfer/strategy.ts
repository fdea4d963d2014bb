/** Fitting strategy of loss-to-loss: starts on a grid of (E₁, E₂) below the smallest losses, K and κ by log-log OLS. */
import type { Form } from '../forms.js';
import { fitPowerOls } from '../ols.js';
import { logSpaceNlsStrategy } from '../log-nls-strategy.js';
import type { FormStrategy } from '../strategies.js';

const FRACTIONS = [0.3, 0.7, 0.95];

function lossToLossStarts(fixed: Readonly<Record<string, number>>) {
  return (form: Form, inputs: Float64Array[], y: Float64Array): number[][] => {
    const x = inputs[0]!;
    const [minX, minY] = [x.reduce((a, b) => Math.min(a, b)), y.reduce((a, b) => Math.min(a, b))];
    const starts: number[][] = [];
    for (const fx of fixed.E1 !== undefined ? [NaN] : FRACTIONS) {
      for (const fy of fixed.E2 !== undefined ? [NaN] : FRACTIONS) {
        const e1 = fixed.E1 ?? fx * minX;
        const e2 = fixed.E2 ?? fy * minY;
        // K, κ from log-log OLS of (L₂ − E₂) on (L₁ − E₁); skipped when the shift leaves a non-positive value.
        const xs = Array.from(x, (v) => v - e1);
        const ys = Array.from(y, (v) => v - e2);
        if (xs.some((v) => !(v > 0)) || ys.some((v) => !(v > 0))) continue;
        try {
          const ols = fitPowerOls(xs, ys);
          const full: Record<string, number> = { K: ols.params.a!, kappa: Math.max(ols.params.b!, 1e-3), E1: e1, E2: e2 };
          starts.push(form.params.map((name) => full[name]!));
        } catch {
          continue;
        }
      }
    }
    return starts;
  };
}

/** How loss-to-loss (or a version with E₁ / E₂ held) is fitted; the CLI bootstraps by default. */
export function lossToLossStrategy(fixed: Readonly<Record<string, number>> = {}): FormStrategy {
  return logSpaceNlsStrategy(lossToLossStarts(fixed));
}
