/**
 * Power law y = a·x^b by ordinary least squares in log-log space (the original study's method), with t-based
 * confidence intervals, R² in log space, a profile-likelihood interval for b and prediction intervals.
 */
import { LawsInputError } from './errors.js';
import { power } from './forms.js';
import { chiSquareQuantile, studentTQuantile } from './distributions.js';
import type { FitResult } from './types.js';

export interface PowerOlsFit extends FitResult {
  /** Sufficient statistics for intervals: mean of ln x, Σ(ln x − mean)², degrees of freedom. */
  stats: { meanLnX: number; sxx: number; dof: number; lnA: number; seLnA: number; seB: number };
}

/** OLS of ln y on ln x (natural logs; a and b do not depend on the log base). */
export function fitPowerOls(x: ArrayLike<number>, y: ArrayLike<number>, level = 0.95): PowerOlsFit {
  const n = y.length;
  if (n < 3) throw new LawsInputError(`power OLS needs at least 3 points for an interval (2 parameters + 1 dof), found ${n}`);
  const lx = new Float64Array(n);
  const ly = new Float64Array(n);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    lx[i] = Math.log(x[i]!);
    ly[i] = Math.log(y[i]!);
    mx += lx[i]!;
    my += ly[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = lx[i]! - mx;
    const dy = ly[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) throw new LawsInputError('x has no spread: every row has the same x, so no exponent can be fitted');
  const b = sxy / sxx;
  const lnA = my - b * mx;
  const residuals = new Float64Array(n);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    residuals[i] = ly[i]! - (lnA + b * lx[i]!);
    rss += residuals[i]! ** 2;
  }
  const dof = n - 2;
  const s2 = rss / dof;
  const seB = Math.sqrt(s2 / sxx);
  const seLnA = Math.sqrt(s2 * (1 / n + (mx * mx) / sxx));
  const t = studentTQuantile(0.5 + level / 2, dof);
  const warnings: string[] = [];
  if (n < 6)
    warnings.push(`only ${n} points: the interval of b rests on ${dof} degrees of freedom; see profileExponentCi and fewer-points caveats`);
  return {
    form: power.name,
    n_points: n,
    params: { a: Math.exp(lnA), b },
    values: Float64Array.of(Math.exp(lnA), b),
    objective: rss,
    objectiveName: 'sum of squared log residuals (natural log)',
    r2: syy > 0 ? 1 - rss / syy : null,
    ci: { a: [Math.exp(lnA - t * seLnA), Math.exp(lnA + t * seLnA)], b: [b - t * seB, b + t * seB] },
    ci_level: level,
    ciMethod: `t (${dof} dof)`,
    method: 'ols-loglog',
    warnings,
    se: { a: Math.exp(lnA) * seLnA, b: seB },
    sigma: Math.sqrt(s2),
    residuals,
    stats: { meanLnX: mx, sxx, dof, lnA, seLnA, seB },
  };
}

/** Prediction interval for a new observation at x0 (log-space t interval, back-transformed). */
export function powerPredictionInterval(fit: PowerOlsFit, x0: number, level = 0.95): { estimate: number; lo: number; hi: number } {
  const { meanLnX, sxx, dof, lnA } = fit.stats;
  const b = fit.params.b!;
  const l0 = Math.log(x0);
  const mean = lnA + b * l0;
  const se = fit.sigma * Math.sqrt(1 + 1 / fit.n_points + (l0 - meanLnX) ** 2 / sxx);
  const t = studentTQuantile(0.5 + level / 2, dof);
  return { estimate: Math.exp(mean), lo: Math.exp(mean - t * se), hi: Math.exp(mean + t * se) };
}

/**
 * Profile-likelihood interval for the exponent b: the set of b whose best fit (a re-optimised) keeps
 * n·ln(RSS(b)/RSS_min) below the χ²₁ quantile. At small n this is narrower than the t interval (it ignores
 * the estimated variance's own uncertainty); `calibration: 'F'` uses the small-sample F/t calibration instead.
 */
export function profileExponentCi(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  level = 0.95,
  calibration: 'chi2' | 'F' = 'chi2',
): [number, number] {
  const fit = fitPowerOls(x, y, level);
  const n = fit.n_points;
  const { sxx, dof } = fit.stats;
  const rssMin = fit.objective;
  // RSS(b) = RSS_min + (b − b̂)²·Sxx for a linear model, so the boundary is closed-form.
  const cut =
    calibration === 'chi2'
      ? rssMin * (Math.exp(chiSquareQuantile(level, 1) / n) - 1)
      : (rssMin / dof) * studentTQuantile(0.5 + level / 2, dof) ** 2;
  const half = Math.sqrt(cut / sxx);
  const b = fit.params.b!;
  return [b - half, b + half];
}
