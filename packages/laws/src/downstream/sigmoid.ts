/**
 * Step 2 of the OLMo ladder's task scaling law (Bhagia et al. 2024, "Establishing Task Scaling Laws via
 * Compute-Efficient Model Ladders", arXiv 2412.04403): accuracy as a sigmoid of the task loss L,
 *   Acc(L) = a / (1 + e^(−k·(L − L0))) + b,
 * b the accuracy floor (chance), a + b the ceiling; accuracy falls as loss grows, so k < 0 when a > 0.
 * Fitted by least squares on accuracy itself (linear residuals).
 */
import type { Form } from '../forms.js';
import type { FormStrategy } from '../strategies.js';

function evaluate(p: ArrayLike<number>, x: ArrayLike<number>, g: Float64Array | null): number {
  const [a, k, L0] = [p[0]!, p[1]!, p[2]!];
  const s = 1 / (1 + Math.exp(-k * (x[0]! - L0)));
  if (g) {
    const ds = s * (1 - s);
    g[0] = s;
    g[1] = a * ds * (x[0]! - L0);
    g[2] = -a * ds * k;
    g[3] = 1;
  }
  return a * s + p[3]!;
}

const strategy: FormStrategy = {
  methods: ['nls'],
  defaultLoss: 'ls',
  defaultSpace: 'linear',
  defaultResamples: 0,
  warmStartOnly: true,
  planByProfile: false,
  // Midpoints at quartiles of L, slopes of 2–20 per loss range, floor just under the lowest accuracy.
  starts: (_form, inputs, y) => {
    const L = Float64Array.from(inputs[0]!).sort();
    const [lo, hi] = [L[0]!, L[L.length - 1]!];
    const [minA, maxA] = [y.reduce((u, v) => Math.min(u, v)), y.reduce((u, v) => Math.max(u, v))];
    const span = Math.max(maxA - minA, 1e-3);
    const starts: number[][] = [];
    for (const q of [0.25, 0.5, 0.75])
      for (const c of [2, 5, 20])
        for (const widen of [1, 2]) starts.push([span * widen, -c / (hi - lo), L[Math.floor(q * (L.length - 1))]!, minA]);
    return starts;
  },
  r2InLogSpace: () => false,
};

/** Acc(L) = a / (1 + e^(−k·(L − L0))) + b; input x is the task loss. */
export const accuracySigmoid: Form = {
  name: 'accuracy-sigmoid',
  formula: 'acc = a / (1 + exp(−k·(L − L0))) + b',
  inputs: ['x'],
  params: ['a', 'k', 'L0', 'b'],
  positive: [false, false, false, false],
  predict: (p, x) => evaluate(p, x, null),
  gradient: (p, x, g) => evaluate(p, x, g),
  strategy,
};
