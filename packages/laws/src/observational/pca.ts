/**
 * Principal components of a model × benchmark score matrix, and PCA imputation of its missing cells, as Ruan et
 * al. (2024, "Observational Scaling Laws", Appx. B.3; ryoungj/ObsScaling utils/data.py `pca_impute`) do it:
 * standardise each column over its observed cells, start missing cells at the column mean, then repeatedly fit a
 * `components`-component PCA and replace the missing cells by their low-rank reconstruction until they stop
 * moving; undo the standardisation and clip to `bounds`. The capability PCA itself runs on the imputed raw scores,
 * mean-centred and not scaled (the scores share one 0–1 scale).
 */
import { LawsInputError } from '../errors.js';
import { symmetricEigen } from './eigen.js';

export interface PcaModel {
  /** Column means the components are centred on. */
  mean: Float64Array;
  /** Unit loading vectors, one per component, largest variance first; the entry of largest magnitude is positive. */
  loadings: Float64Array[];
  /** Variance along each component (covariance eigenvalues, n − 1 denominator). */
  explainedVariance: Float64Array;
  /** Share of the total variance along each component (sums to 1 over all components). */
  explainedVarianceRatio: Float64Array;
}

/** Centred covariance (n − 1 denominator) of complete rows, and their means. */
function covariance(rows: readonly ArrayLike<number>[], t: number): { mean: Float64Array; cov: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(t);
  for (const r of rows) for (let j = 0; j < t; j++) mean[j] = mean[j]! + r[j]! / n;
  const cov = new Float64Array(t * t);
  for (const r of rows) {
    for (let i = 0; i < t; i++) {
      const di = r[i]! - mean[i]!;
      for (let j = i; j < t; j++) cov[i * t + j] = cov[i * t + j]! + di * (r[j]! - mean[j]!);
    }
  }
  for (let i = 0; i < t; i++) {
    for (let j = i; j < t; j++) {
      cov[i * t + j] = cov[i * t + j]! / Math.max(1, n - 1);
      cov[j * t + i] = cov[i * t + j]!;
    }
  }
  return { mean, cov };
}

/**
 * PCA of complete rows (no NaN). Signs are fixed so each component's largest-magnitude loading is positive
 * (scikit-learn ≥ 1.5's convention): PC-1 then weighs every benchmark positively, so a higher PC-1 is a more
 * capable model.
 */
export function fitPca(rows: readonly ArrayLike<number>[]): PcaModel {
  if (rows.length < 2) throw new LawsInputError(`PCA needs at least 2 models, found ${rows.length}`);
  const t = rows[0]!.length;
  const { mean, cov } = covariance(rows, t);
  const { values, vectors } = symmetricEigen(cov, t);
  const explainedVariance = values.map((v) => Math.max(0, v));
  const total = explainedVariance.reduce((a, b) => a + b, 0);
  const loadings = vectors.map((v) => {
    let big = 0;
    for (let j = 1; j < t; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
    return v[big]! < 0 ? v.map((x) => -x) : v;
  });
  return { mean, loadings, explainedVariance, explainedVarianceRatio: explainedVariance.map((v) => (total > 0 ? v / total : 0)) };
}

/** Scores of one complete row on the first `k` components. */
export function pcaScores(model: PcaModel, row: ArrayLike<number>, k = model.loadings.length): Float64Array {
  return Float64Array.from({ length: k }, (_, c) => {
    let s = 0;
    const w = model.loadings[c]!;
    for (let j = 0; j < w.length; j++) s += w[j]! * (row[j]! - model.mean[j]!);
    return s;
  });
}

export interface ImputeOptions {
  /** Components of the low-rank reconstruction. Default 1 (as the paper's code). */
  components?: number;
  /** Imputed scores are clipped to this range; null for none. Default [0, 1] (accuracies). */
  bounds?: [number, number] | null;
  /** Stop when no missing cell moves more than this (in standard deviations). Default 1e-10. */
  tol?: number;
  maxIter?: number;
}

/** What imputation learned on the fitting rows: it imputes other rows (held-out models) without refitting. */
export interface Imputer {
  /** Column means and standard deviations (n denominator) over observed cells. */
  center: Float64Array;
  scale: Float64Array;
  /** The low-rank model of the standardised scores at convergence. */
  pca: { mean: ArrayLike<number>; loadings: readonly ArrayLike<number>[] };
  bounds: [number, number] | null;
  tol: number;
  maxIter: number;
}

function columnStats(rows: readonly ArrayLike<number>[], t: number): { center: Float64Array; scale: Float64Array } {
  const center = new Float64Array(t);
  const scale = new Float64Array(t);
  for (let j = 0; j < t; j++) {
    let n = 0;
    let s = 0;
    for (const r of rows) {
      if (Number.isNaN(r[j]!)) continue;
      n++;
      s += r[j]!;
    }
    if (n === 0) throw new LawsInputError(`column ${j + 1} has no observed value: nothing to impute it from`);
    center[j] = s / n;
    let ss = 0;
    for (const r of rows) if (!Number.isNaN(r[j]!)) ss += (r[j]! - center[j]!) ** 2;
    // A constant column is left unscaled (scikit-learn's StandardScaler does the same).
    scale[j] = Math.sqrt(ss / n) || 1;
  }
  return { center, scale };
}

/** Replace the missing (NaN) cells of standardised `z` by their reconstruction from `pca`, until they settle. */
function iterateFixed(z: Float64Array[], missing: boolean[][], pca: Imputer['pca'], tol: number, maxIter: number): void {
  const t = pca.mean.length;
  for (let it = 0; it < maxIter; it++) {
    let moved = 0;
    z.forEach((row, i) => {
      if (!missing[i]!.some(Boolean)) return;
      const recon = Float64Array.from(pca.mean as ArrayLike<number>);
      for (const w of pca.loadings) {
        let s = 0;
        for (let j = 0; j < t; j++) s += w[j]! * (row[j]! - pca.mean[j]!);
        for (let j = 0; j < t; j++) recon[j] = recon[j]! + s * w[j]!;
      }
      for (let j = 0; j < t; j++) {
        if (!missing[i]![j]) continue;
        moved = Math.max(moved, Math.abs(recon[j]! - row[j]!));
        row[j] = recon[j]!;
      }
    });
    if (moved <= tol) return;
  }
}

function finish(z: Float64Array[], imp: Imputer): Float64Array[] {
  return z.map((row) =>
    row.map((v, j) => {
      const x = v * imp.scale[j]! + imp.center[j]!;
      return imp.bounds ? Math.min(imp.bounds[1], Math.max(imp.bounds[0], x)) : x;
    }),
  );
}

/** Impute the NaN cells of `rows` (models × benchmarks) by iterative PCA; returns the completed rows and the imputer. */
export function pcaImpute(rows: readonly ArrayLike<number>[], options: ImputeOptions = {}): { rows: Float64Array[]; imputer: Imputer } {
  const t = rows[0]?.length ?? 0;
  const k = options.components ?? 1;
  if (!(k >= 1 && k <= t)) throw new LawsInputError(`imputation components must be between 1 and ${t}, found ${k}`);
  const { center, scale } = columnStats(rows, t);
  const missing = rows.map((r) => Array.from({ length: t }, (_, j) => Number.isNaN(r[j]!)));
  // Standardised, with missing cells at the column mean (0 after standardising).
  const z = rows.map((r) => Float64Array.from({ length: t }, (_, j) => (Number.isNaN(r[j]!) ? 0 : (r[j]! - center[j]!) / scale[j]!)));
  const tol = options.tol ?? 1e-10;
  const maxIter = options.maxIter ?? 1000;
  let pca: Imputer['pca'] = { mean: new Float64Array(t), loadings: [] };
  for (let it = 0; it < maxIter; it++) {
    const model = fitPca(z);
    pca = { mean: model.mean, loadings: model.loadings.slice(0, k) };
    const before = z.map((r) => Float64Array.from(r));
    iterateFixed(z, missing, pca, Infinity, 1);
    let moved = 0;
    z.forEach((r, i) => r.forEach((v, j) => (moved = Math.max(moved, Math.abs(v - before[i]![j]!)))));
    if (moved <= tol) break;
  }
  const imputer: Imputer = { center, scale, pca, bounds: options.bounds === undefined ? [0, 1] : options.bounds, tol, maxIter };
  return { rows: finish(z, imputer), imputer };
}

/** Impute other rows (held-out models) with an imputer fitted elsewhere: its PCA is kept fixed, as the paper does for test sets. */
export function imputeWith(imputer: Imputer, rows: readonly ArrayLike<number>[]): Float64Array[] {
  const t = imputer.center.length;
  const missing = rows.map((r) => Array.from({ length: t }, (_, j) => Number.isNaN(r[j]!)));
  const z = rows.map((r) =>
    Float64Array.from({ length: t }, (_, j) => (Number.isNaN(r[j]!) ? 0 : (r[j]! - imputer.center[j]!) / imputer.scale[j]!)),
  );
  iterateFixed(z, missing, imputer.pca, imputer.tol, imputer.maxIter);
  return finish(z, imputer);
}
