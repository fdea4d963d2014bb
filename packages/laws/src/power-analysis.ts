/**
 * The original MobileLLM study, done right, as a reusable recipe for any (size, metric) table:
 * a log-log power fit with t, profile and bootstrap intervals, the same fit in loss units when the metric
 * is perplexity, an exponent test against a reference law in matching units, a diminishing-returns table
 * with delta-method intervals, and prediction intervals for extrapolation.
 */
import { exponentTest, type ExponentTest } from './analysis.js';
import { bootstrapFit } from './bootstrap.js';
import { studentTQuantile } from './distributions.js';
import { LawsInputError } from './errors.js';
import { fitPowerOls, powerPredictionInterval, profileExponentCi, type PowerOlsFit } from './ols.js';
import { convertY, type XUnit, type YUnit } from './units.js';

export interface PowerAnalysisInput {
  /** Model sizes (or tokens, FLOPs) in `xUnit`. */
  x: readonly number[];
  /** Measured metric in `yUnit` (perplexity or loss_nats for a conversion to loss units). */
  y: readonly number[];
  xUnit: XUnit;
  yUnit: YUnit;
  /** Row labels for tables. */
  names?: readonly string[];
  /** The same models' sizes in the reference's x unit (e.g. non-embedding params for Kaplan's α_N). */
  xForReference?: readonly number[];
  /** Reference exponent of y ∝ x^exponent in loss units, e.g. Kaplan: −0.076 vs params_non_embedding. */
  reference?: { name: string; exponent: number; xUnit: XUnit };
  /** Sizes to extrapolate to (prediction intervals). */
  extrapolateTo?: readonly number[];
  level?: number;
  bootstrapResamples?: number;
  seed?: number;
}

export interface ExponentSummary {
  yUnit: YUnit;
  xUnit: XUnit;
  a: number;
  b: number;
  r2: number | null;
  ci: { t: [number, number]; profile: [number, number]; bootstrap: [number, number] | null };
  se: number;
  dof: number;
}

export interface DiminishingReturnsRow {
  from: string;
  to: string;
  xFrom: number;
  xTo: number;
  yFrom: number;
  yTo: number;
  dy: number;
  dyCi: [number, number];
  /** Δy between the two measured rows (what the original study reported, e.g. −2.98 PPL), beside the fitted dy. */
  observedDy: number;
  /** Δy per 1e8 additional x (per 100M params when x counts parameters). */
  dyPer100M: number;
  dyPer100MCi: [number, number];
  ratio: number;
  ratioCi: [number, number];
}

export interface PowerAnalysis {
  level: number;
  n: number;
  fit: PowerOlsFit;
  /** The fit in the metric's own units. */
  exponent: ExponentSummary;
  /** The fit after converting y to loss (nats/token); present when y was perplexity. */
  lossExponent: ExponentSummary | null;
  /** Exponent test against the reference in loss units and the reference's x units. */
  referenceTest:
    | (ExponentTest & {
        reference: string;
        referenceExponent: number;
        /** The loss-unit fit in the reference's x units: loss = estimateA · x^estimate. */
        estimate: number;
        estimateA: number;
        xUnit: XUnit;
      })
    | null;
  diminishingReturns: DiminishingReturnsRow[];
  extrapolations: { x: number; estimate: number; lo: number; hi: number; yUnit: YUnit }[];
  warnings: string[];
}

function summarize(
  x: readonly number[],
  y: ArrayLike<number>,
  xUnit: XUnit,
  yUnit: YUnit,
  level: number,
  resamples: number,
  seed: number,
): { fit: PowerOlsFit; summary: ExponentSummary } {
  const fit = fitPowerOls(x, y, level);
  let bootstrap: [number, number] | null = null;
  if (resamples > 0) {
    const boot = bootstrapFit({ x, y }, fit, { form: 'power', level }, { resamples, seed, level });
    // With very few rows most resamples repeat one size; report the interval only when most refits succeeded.
    if (boot.successful >= resamples / 2 && boot.ci.b) bootstrap = boot.ci.b;
  }
  return {
    fit,
    summary: {
      yUnit,
      xUnit,
      a: fit.params.a!,
      b: fit.params.b!,
      r2: fit.r2,
      ci: { t: fit.ci.b!, profile: profileExponentCi(x, y, level, 'F'), bootstrap },
      se: fit.stats.seB,
      dof: fit.stats.dof,
    },
  };
}

/**
 * Δy between consecutive sizes with delta-method intervals from the OLS covariance of (ln a, b);
 * the ratio y_to / y_from = (x_to / x_from)^b takes its interval straight from b's.
 */
function diminishing(
  fit: PowerOlsFit,
  x: readonly number[],
  y: readonly number[],
  names: readonly string[],
  level: number,
): DiminishingReturnsRow[] {
  const { meanLnX, sxx, dof, lnA } = fit.stats;
  const b = fit.params.b!;
  const s2 = fit.sigma ** 2;
  const varB = s2 / sxx;
  const varLnA = s2 * (1 / fit.n_points + (meanLnX * meanLnX) / sxx);
  const cov = (-meanLnX * s2) / sxx;
  const t = studentTQuantile(0.5 + level / 2, dof);
  const order = x.map((_, i) => i).sort((i, j) => x[i]! - x[j]!);
  const predict = (v: number) => Math.exp(lnA + b * Math.log(v));
  const rows: DiminishingReturnsRow[] = [];
  for (let k = 1; k < order.length; k++) {
    const i = order[k - 1]!;
    const j = order[k]!;
    const [x1, x2] = [x[i]!, x[j]!];
    const [y1, y2] = [predict(x1), predict(x2)];
    const dy = y2 - y1;
    const gLnA = dy;
    const gB = y2 * Math.log(x2) - y1 * Math.log(x1);
    const se = Math.sqrt(Math.max(0, gLnA * gLnA * varLnA + gB * gB * varB + 2 * gLnA * gB * cov));
    const per = 1e8 / (x2 - x1);
    const [bLo, bHi] = fit.ci.b!;
    const r = x2 / x1;
    rows.push({
      from: names[i] ?? String(x1),
      to: names[j] ?? String(x2),
      xFrom: x1,
      xTo: x2,
      yFrom: y1,
      yTo: y2,
      dy,
      dyCi: [dy - t * se, dy + t * se],
      observedDy: y[j]! - y[i]!,
      dyPer100M: dy * per,
      dyPer100MCi: [(dy - t * se) * per, (dy + t * se) * per],
      ratio: y2 / y1,
      ratioCi: [Math.min(r ** bLo, r ** bHi), Math.max(r ** bLo, r ** bHi)],
    });
  }
  return rows;
}

export function analyzePowerLaw(input: PowerAnalysisInput): PowerAnalysis {
  const level = input.level ?? 0.95;
  const resamples = input.bootstrapResamples ?? 1000;
  const seed = input.seed ?? 0;
  const n = input.x.length;
  if (input.y.length !== n) throw new LawsInputError(`analyzePowerLaw: x has ${n} values but y has ${input.y.length}`);
  if (input.xForReference && input.xForReference.length !== n) {
    throw new LawsInputError(`analyzePowerLaw: xForReference has ${input.xForReference.length} values, expected ${n}`);
  }
  const names = input.names ?? input.x.map(String);
  const warnings: string[] = [];
  const { fit, summary } = summarize(input.x, input.y, input.xUnit, input.yUnit, level, resamples, seed);
  warnings.push(...fit.warnings);

  let lossY: Float64Array | null = null;
  if (input.yUnit === 'loss_nats') lossY = Float64Array.from(input.y);
  else if (input.yUnit === 'perplexity') lossY = convertY(input.y, 'perplexity', 'loss_nats');
  const lossExponent =
    input.yUnit === 'perplexity' && lossY ? summarize(input.x, lossY, input.xUnit, 'loss_nats', level, resamples, seed).summary : null;

  let referenceTest: PowerAnalysis['referenceTest'] = null;
  if (input.reference) {
    if (!lossY) {
      warnings.push(`no exponent test against ${input.reference.name}: ${input.yUnit} cannot be converted to loss (nats/token)`);
    } else {
      const xs = input.xForReference ?? input.x;
      const xUnit = input.xForReference ? input.reference.xUnit : input.xUnit;
      const refFit = fitPowerOls(xs, lossY, level);
      const lnX = xs.map(Math.log);
      const mean = lnX.reduce((s, v) => s + v, 0) / n;
      const sdLnX = Math.sqrt(lnX.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      const test = exponentTest(
        { value: refFit.params.b!, se: refFit.stats.seB, dof: refFit.stats.dof, sdLnX, yUnit: 'loss_nats', xUnit },
        { value: input.reference.exponent, yUnit: 'loss_nats', xUnit: input.reference.xUnit },
        { alpha: 1 - level },
      );
      referenceTest = {
        ...test,
        reference: input.reference.name,
        referenceExponent: input.reference.exponent,
        estimate: refFit.params.b!,
        estimateA: refFit.params.a!,
        xUnit,
      };
      warnings.push(...test.warnings);
    }
  }

  const extrapolations = (input.extrapolateTo ?? []).map((x0) => ({
    x: x0,
    ...powerPredictionInterval(fit, x0, level),
    yUnit: input.yUnit,
  }));
  return {
    level,
    n,
    fit,
    exponent: summary,
    lossExponent,
    referenceTest,
    diminishingReturns: diminishing(fit, input.x, input.y, names, level),
    extrapolations,
    warnings,
  };
}
