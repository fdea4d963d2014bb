/**
 * Loss-to-loss transfer (Brandfonbrener et al. 2024, "Loss-to-Loss Prediction: Scaling Laws for All Datasets",
 * arXiv 2411.12925): across models, the loss L₂ on one dataset is a shifted power law of the loss L₁ on another,
 *   L₂ = K·(L₁ − E₁)^κ + E₂,
 * E₁ and E₂ the irreducible losses of the two datasets. Every parameter is positive; E₁ < min L₁ is kept by the
 * fit (the prediction is undefined below E₁, so the optimiser never steps there).
 */
import type { Form } from '../forms.js';

export const lossToLoss: Form = {
  name: 'loss-to-loss',
  formula: 'y = K·(x − E1)^kappa + E2',
  inputs: ['x'],
  params: ['K', 'kappa', 'E1', 'E2'],
  positive: [true, true, true, true],
  predict: (p, x) => {
    const t = x[0]! - p[2]!;
    return t > 0 ? p[0]! * t ** p[1]! + p[3]! : Number.NaN;
  },
  gradient: (p, x, g) => {
    const t = x[0]! - p[2]!;
    if (!(t > 0)) {
      g.fill(Number.NaN);
      return Number.NaN;
    }
    const tk = t ** p[1]!;
    g[0] = tk;
    g[1] = p[0]! * tk * Math.log(t);
    g[2] = (-p[0]! * p[1]! * tk) / t;
    g[3] = 1;
    return p[0]! * tk + p[3]!;
  },
};

/**
 * Loss-to-loss with E₁ kept below `minL1` on every evaluation: a bootstrap resample that leaves out the model with the
 * smallest L₁ still may not put E₁ above it (that model's loss was observed, so E₁ lies below it).
 */
export function lossToLossBelow(minL1: number): Form {
  return {
    ...lossToLoss,
    predict: (p, x) => (p[2]! < minL1 ? lossToLoss.predict(p, x) : Number.NaN),
    gradient: (p, x, g) => (p[2]! < minL1 ? lossToLoss.gradient(p, x, g) : (g.fill(Number.NaN), Number.NaN)),
  };
}
