/**
 * Small dense linear algebra on Float64Array (row-major). The problems here are tiny (≤ 10 unknowns,
 * ≤ a few thousand rows), so hand-written Householder QR and Cholesky beat a general library on speed and
 * bundle size, and keep `@scalewise/laws` browser-safe with no dependencies in its hot paths.
 */

/** Solution of min ||A x − y||₂ for A (m×p, row-major, m ≥ p) by Householder QR; null if rank-deficient. */
export function leastSquares(a: Float64Array, m: number, p: number, y: ArrayLike<number>): Float64Array | null {
  const r = Float64Array.from(a);
  const b = Float64Array.from(y as ArrayLike<number>);
  const v = new Float64Array(m);
  let scale = 0;
  for (let i = 0; i < m * p; i++) scale = Math.max(scale, Math.abs(r[i]!));
  for (let k = 0; k < p; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * p + k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm <= 1e-13 * scale) return null;
    const alpha = r[k * p + k]! > 0 ? -norm : norm;
    let vnorm = 0;
    for (let i = k; i < m; i++) {
      v[i] = r[i * p + k]! - (i === k ? alpha : 0);
      vnorm += v[i]! ** 2;
    }
    if (vnorm === 0) continue;
    for (let j = k; j < p; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * r[i * p + j]!;
      const f = (2 * dot) / vnorm;
      for (let i = k; i < m; i++) r[i * p + j] = r[i * p + j]! - f * v[i]!;
    }
    let dot = 0;
    for (let i = k; i < m; i++) dot += v[i]! * b[i]!;
    const f = (2 * dot) / vnorm;
    for (let i = k; i < m; i++) b[i] = b[i]! - f * v[i]!;
  }
  const x = new Float64Array(p);
  for (let k = p - 1; k >= 0; k--) {
    let s = b[k]!;
    for (let j = k + 1; j < p; j++) s -= r[k * p + j]! * x[j]!;
    const d = r[k * p + k]!;
    if (Math.abs(d) <= 1e-13 * scale) return null;
    x[k] = s / d;
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix (p×p) by Cholesky; null if not positive definite. */
export function inverseSpd(h: Float64Array, p: number): Float64Array | null {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * p + i] = Math.sqrt(s);
      } else {
        l[i * p + j] = s / l[j * p + j]!;
      }
    }
  }
  // inv = L⁻ᵀ L⁻¹, column by column.
  const inv = new Float64Array(p * p);
  const col = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    for (let i = 0; i < p; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i * p + k]! * col[k]!;
      col[i] = s / l[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = col[i]!;
      for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * col[k]!;
      col[i] = s / l[i * p + i]!;
    }
    for (let i = 0; i < p; i++) inv[i * p + c] = col[i]!;
  }
  return inv;
}
