/**
 * Variable projection: for fixed exponents the laws E + A·x^(−α) and E + A/N^α + B/D^β are linear in
 * (E, A[, B]), so those are solved exactly by (weighted) linear least squares and only the exponents are
 * searched. In linear space this is exact; for Hoffmann's log-space Huber objective it is not (the linear
 * parameters enter through a log), so the projected solution serves as the starting point of a full L-BFGS
 * polish on the real objective.
 */
import { leastSquares } from './linalg.js';

/** Linear LS of y on columns [1, N^−α, D^−β] (or [1, x^−α] when D is omitted); null when degenerate. */
export function projectLinear(
  alpha: number,
  beta: number,
  N: Float64Array,
  D: Float64Array | null,
  y: Float64Array,
  weights?: ArrayLike<number>,
): Float64Array | null {
  const n = y.length;
  const p = D ? 3 : 2;
  const a = new Float64Array(n * p);
  const yy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sw = weights === undefined ? 1 : Math.sqrt(weights[i]!);
    a[i * p] = sw;
    a[i * p + 1] = sw * N[i]! ** -alpha;
    if (D) a[i * p + 2] = sw * D[i]! ** -beta;
    yy[i] = sw * y[i]!;
  }
  return leastSquares(a, n, p, yy);
}
