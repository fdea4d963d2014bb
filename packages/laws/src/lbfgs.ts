/**
 * L-BFGS minimiser with scale-aware stopping. Default tolerances of general-purpose optimisers are absolute
 * (scipy: ftol relative to max(|f|, 1), pgtol 1e-5), so on the Chinchilla objective (~1e-3) they stop at the
 * start point. Here every test is relative to the objective's own magnitude. All buffers live in a reusable
 * workspace so that thousands of multi-start runs allocate nothing in their inner loops.
 */

/** Objective: writes the gradient into `g` and returns the value at `x`. */
export type ObjectiveFn = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** Number of correction pairs kept. Default 10. */
  memory?: number;
  /** Maximum iterations. Default 1000. */
  maxIterations?: number;
  /** Stop when the decrease over one iteration is below relTol·|f|. Default 1e-12. */
  relTol?: number;
  /** Stop when max|g_i| ≤ gradTol·max(|f|, fFloor). Default 1e-9. */
  gradTol?: number;
  /** Floor for |f| in the tests above, for objectives whose minimum is exactly 0. Default 1e-300. */
  fFloor?: number;
  /**
   * Stop as 'stalled' when the objective fell by less than stallTol·|f| over the last `stallWindow`
   * iterations (0 = off). For multi-start screening: starts crawling along a plateau far above the best
   * optimum stop early; the winner is polished afterwards with the strict tests.
   */
  stallWindow?: number;
  stallTol?: number;
}

export interface LbfgsResult {
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: 'gradient' | 'relative-decrease' | 'max-iterations' | 'line-search' | 'non-finite' | 'stalled';
}

export class Lbfgs {
  readonly n: number;
  readonly m: number;
  private readonly s: Float64Array;
  private readonly y: Float64Array;
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private readonly g: Float64Array;
  private readonly gNew: Float64Array;
  private readonly d: Float64Array;
  private readonly xNew: Float64Array;
  private history = new Float64Array(0);

  constructor(n: number, memory = 10) {
    this.n = n;
    this.m = memory;
    this.s = new Float64Array(n * memory);
    this.y = new Float64Array(n * memory);
    this.rho = new Float64Array(memory);
    this.alpha = new Float64Array(memory);
    this.g = new Float64Array(n);
    this.gNew = new Float64Array(n);
    this.d = new Float64Array(n);
    this.xNew = new Float64Array(n);
  }

  /** Minimise `fg` starting from `x` (overwritten with the minimiser). */
  minimize(fg: ObjectiveFn, x: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
    const { n, m, s, y, rho, alpha, g, gNew, d, xNew } = this;
    const maxIt = options.maxIterations ?? 1000;
    const relTol = options.relTol ?? 1e-12;
    const gradTol = options.gradTol ?? 1e-9;
    const fFloor = options.fFloor ?? 1e-300;
    const window = options.stallWindow ?? 0;
    const stallTol = options.stallTol ?? 1e-6;
    if (this.history.length < window) this.history = new Float64Array(window);
    const hist = this.history;
    let f = fg(x, g);
    let evaluations = 1;
    if (!Number.isFinite(f)) return { f, iterations: 0, evaluations, converged: false, reason: 'non-finite' };
    let stored = 0;
    let head = 0;
    let stalls = 0;
    for (let it = 1; it <= maxIt; it++) {
      let gmax = 0;
      for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
      if (gmax <= gradTol * Math.max(Math.abs(f), fFloor)) {
        return { f, iterations: it - 1, evaluations, converged: true, reason: 'gradient' };
      }
      // Two-loop recursion: d = −H g.
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      for (let k = 0; k < stored; k++) {
        const j = (head - 1 - k + m) % m;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += s[j * n + i]! * d[i]!;
        const a = rho[j]! * dot;
        alpha[j] = a;
        for (let i = 0; i < n; i++) d[i] = d[i]! - a * y[j * n + i]!;
      }
      if (stored > 0) {
        const j = (head - 1 + m) % m;
        let yy = 0;
        for (let i = 0; i < n; i++) yy += y[j * n + i]! ** 2;
        const gamma = 1 / (rho[j]! * yy);
        for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
      } else {
        // First step: unit-length move in the steepest direction.
        let gn = 0;
        for (let i = 0; i < n; i++) gn += g[i]! ** 2;
        const sc = 1 / Math.max(Math.sqrt(gn), 1e-300);
        for (let i = 0; i < n; i++) d[i] = d[i]! * Math.min(sc, 1);
      }
      for (let k = stored - 1; k >= 0; k--) {
        const j = (head - 1 - k + m) % m;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += y[j * n + i]! * d[i]!;
        const b = rho[j]! * dot;
        for (let i = 0; i < n; i++) d[i] = d[i]! + (alpha[j]! - b) * s[j * n + i]!;
      }
      let slope = 0;
      for (let i = 0; i < n; i++) slope += g[i]! * d[i]!;
      if (!(slope < 0)) {
        // Not a descent direction (curvature info went stale): restart from steepest descent.
        stored = 0;
        for (let i = 0; i < n; i++) d[i] = -g[i]!;
        slope = 0;
        for (let i = 0; i < n; i++) slope -= g[i]! ** 2;
      }
      // Backtracking Armijo line search with safeguarded quadratic interpolation.
      let step = 1;
      let fNew = Number.NaN;
      let accepted = false;
      for (let ls = 0; ls < 40; ls++) {
        for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
        fNew = fg(xNew, gNew);
        evaluations++;
        if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) {
          accepted = true;
          break;
        }
        const q = Number.isFinite(fNew) ? (-slope * step * step) / (2 * (fNew - f - slope * step)) : step * 0.1;
        step = Math.min(0.5 * step, Math.max(0.1 * step, q));
      }
      if (!accepted) {
        return { f, iterations: it, evaluations, converged: stalls > 0, reason: 'line-search' };
      }
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        const si = xNew[i]! - x[i]!;
        const yi = gNew[i]! - g[i]!;
        s[head * n + i] = si;
        y[head * n + i] = yi;
        sy += si * yi;
        yy += yi * yi;
      }
      if (sy > 1e-16 * yy) {
        rho[head] = 1 / sy;
        head = (head + 1) % m;
        stored = Math.min(stored + 1, m);
      }
      const decrease = f - fNew;
      x.set(xNew);
      g.set(gNew);
      f = fNew;
      if (window > 0) {
        const slot = it % window;
        if (it >= window && hist[slot]! - f <= stallTol * Math.max(Math.abs(f), fFloor)) {
          return { f, iterations: it, evaluations, converged: false, reason: 'stalled' };
        }
        hist[slot] = f;
      }
      if (decrease <= relTol * Math.max(Math.abs(f), fFloor)) {
        // Require two consecutive tiny decreases: one short step is not convergence.
        if (++stalls >= 2) return { f, iterations: it, evaluations, converged: true, reason: 'relative-decrease' };
      } else {
        stalls = 0;
      }
    }
    return { f, iterations: maxIt, evaluations, converged: false, reason: 'max-iterations' };
  }
}
