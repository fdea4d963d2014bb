import type { AttentionConfig } from '@scalewise/models';
import type { Arr } from './types.js';

/** Shapes of one attention call. q, y: [B, T, H, D]; k, v: [B, T, KV, D]; query head h reads kv head ⌊h / (H / KV)⌋. */
export interface AttentionShape {
  B: number;
  T: number;
  H: number;
  KV: number;
  D: number;
}

/**
 * Which keys each query may attend to, as a [T, T] 0/1 matrix (row = query position t, column = key position j ≤ t).
 * `linear` attention is plain causal.
 */
export function attentionMask(kind: AttentionConfig, T: number): Uint8Array {
  const mask = new Uint8Array(T * T);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j <= t; j++) {
      let ok = true;
      if (kind.kind === 'sliding-window') ok = j > t - kind.window;
      else if (kind.kind === 'block-sparse') {
        ok = Math.floor(j / kind.blockSize) > Math.floor(t / kind.blockSize) - kind.localBlocks || j < kind.globalTokens;
      }
      mask[t * T + j] = ok ? 1 : 0;
    }
  }
  return mask;
}

/** Added to the linear-attention denominator, as the models package's forward does. */
export const LINEAR_ATTENTION_EPS = 1e-6;

/** Linear-attention feature map φ(x) = elu(x) + 1, written into out. */
export function eluPlusOne(out: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v + 1 : Math.exp(v);
  }
}

/** One (batch, query head, query position) row: q_t / y_t at qo in [B, T, H, D], its weight row at ao in [B, H, T, T]. */
interface Row {
  /** The row's index in [B, H, T] (ao = i · T). */
  i: number;
  b: number;
  /** The kv head this query head reads. */
  g: number;
  t: number;
  qo: number;
  ao: number;
}

/** Visits every row, in the order batch, query head, query position (one Row object, updated in place). */
function forEachRow(s: AttentionShape, visit: (r: Row) => void): void {
  const { B, T, H, KV, D } = s;
  const group = H / KV;
  const r: Row = { i: 0, b: 0, g: 0, t: 0, qo: 0, ao: 0 };
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        r.b = b;
        r.g = Math.floor(h / group);
        r.t = t;
        r.qo = ((b * T + t) * H + h) * D;
        r.i = (b * H + h) * T + t;
        r.ao = r.i * T;
        visit(r);
      }
    }
  }
}

/** Offset of key / value position j of the row's kv head in [B, T, KV, D]. */
const kvOffset = (s: AttentionShape, r: Row, j: number): number => ((r.b * s.T + j) * s.KV + r.g) * s.D;

/** y_t = Σ_{j ≤ t} p_j v_j with p_j = att[j] · inv, stored back into att (the backward reads it); p_j = 0 (masked) adds nothing. */
function mixValues(y: Arr, att: Arr, v: Arr, r: Row, inv: number, s: AttentionShape): void {
  const { qo, ao, t } = r;
  y.fill(0, qo, qo + s.D);
  for (let j = 0; j <= t; j++) {
    const p = att[ao + j]! * inv;
    att[ao + j] = p;
    if (p === 0) continue;
    const vo = kvOffset(s, r, j);
    for (let d = 0; d < s.D; d++) y[qo + d] = y[qo + d]! + p * v[vo + d]!;
  }
}

/**
 * Backward of y_t = Σ_j p_j v_j: dv_j += p_j dy_t and row[j] = dy_t · v_j; returns Σ_j p_j row[j]. With `skipZero`,
 * keys with p_j = 0 (masked) are passed over (row[j] = 0).
 */
function backValues(row: Arr, dv: Arr, dy: Arr, v: Arr, att: Arr, r: Row, s: AttentionShape, skipZero: boolean): number {
  const { qo, ao, t } = r;
  let sum = 0;
  for (let j = 0; j <= t; j++) {
    const p = att[ao + j]!;
    if (skipZero && p === 0) {
      row[j] = 0;
      continue;
    }
    const vo = kvOffset(s, r, j);
    let dp = 0;
    for (let d = 0; d < s.D; d++) {
      dp += dy[qo + d]! * v[vo + d]!;
      dv[vo + d] = dv[vo + d]! + p * dy[qo + d]!;
    }
    row[j] = dp;
    sum += p * dp;
  }
  return sum;
}

/** Backward of the scores a_t · b_j (j ≤ t) given their gradients ds: da_t += Σ_j ds_j b_j, db_j += ds_j a_t (ds_j = 0 adds nothing). */
function backScores(da: Arr, db: Arr, a: Arr, b: Arr, dScores: Float64Array, r: Row, s: AttentionShape): void {
  const { qo, t } = r;
  for (let j = 0; j <= t; j++) {
    const ds = dScores[j]!;
    if (ds === 0) continue;
    const ko = kvOffset(s, r, j);
    for (let d = 0; d < s.D; d++) {
      da[qo + d] = da[qo + d]! + ds * b[ko + d]!;
      db[ko + d] = db[ko + d]! + ds * a[qo + d]!;
    }
  }
}

/**
 * Softmax attention forward. att: [B, H, T, T] receives the probabilities (0 where masked), kept for the backward.
 *   p[t, j] = softmax_j(q_t · k_j / √D) over allowed j,   y_t = Σ_j p[t, j] v_j
 */
export function softmaxAttentionForward(y: Arr, att: Arr, q: Arr, k: Arr, v: Arr, mask: Uint8Array, s: AttentionShape): void {
  const { T, D } = s;
  const scale = 1 / Math.sqrt(D);
  forEachRow(s, (r) => {
    const { qo, ao, t } = r;
    let max = -Infinity;
    for (let j = 0; j <= t; j++) {
      if (mask[t * T + j] === 0) continue;
      const ko = kvOffset(s, r, j);
      let dot = 0;
      for (let d = 0; d < D; d++) dot += q[qo + d]! * k[ko + d]!;
      dot *= scale;
      att[ao + j] = dot;
      if (dot > max) max = dot;
    }
    let z = 0;
    for (let j = 0; j < T; j++) {
      if (j > t || mask[t * T + j] === 0) {
        att[ao + j] = 0;
        continue;
      }
      const e = Math.exp(att[ao + j]! - max);
      att[ao + j] = e;
      z += e;
    }
    mixValues(y, att, v, r, 1 / z, s);
  });
}

/**
 * Softmax attention backward; overwrites dq, dk, dv.  With dp[j] = dy_t · v_j:
 *   dv_j += p[t, j] dy_t,   ds[j] = p[t, j] (dp[j] − Σ_j' p[t, j'] dp[j']),
 *   dq_t += Σ_j ds[j] k_j / √D,   dk_j += ds[j] q_t / √D.
 * `row` is scratch of length T.
 */
export function softmaxAttentionBackward(
  dq: Arr,
  dk: Arr,
  dv: Arr,
  dy: Arr,
  att: Arr,
  q: Arr,
  k: Arr,
  v: Arr,
  row: Arr,
  s: AttentionShape,
): void {
  const scale = 1 / Math.sqrt(s.D);
  dq.fill(0);
  dk.fill(0);
  dv.fill(0);
  const ds = new Float64Array(s.T); // float64 whatever the precision, as the score gradients were never rounded
  forEachRow(s, (r) => {
    const sum = backValues(row, dv, dy, v, att, r, s, true);
    for (let j = 0; j <= r.t; j++) {
      const p = att[r.ao + j]!;
      ds[j] = p === 0 ? 0 : p * (row[j]! - sum) * scale;
    }
    backScores(dq, dk, q, k, ds, r, s);
  });
}

/**
 * Causal linear attention forward, φ = elu + 1 (phiQ, phiK: φ(q), φ(k), same shapes as q, k):
 *   a[t, j] = φq_t · φk_j / Z_t,  Z_t = Σ_{j ≤ t} φq_t · φk_j + ε,   y_t = Σ_{j ≤ t} a[t, j] v_j.
 * No 1/√D scaling; ε as in `@scalewise/models` (Katharopoulos et al.).
 * Written in the quadratic form (same values as the O(T) prefix-sum form) so the backward can reuse a: [B, H, T, T].
 */
export function linearAttentionForward(y: Arr, att: Arr, z: Arr, phiQ: Arr, phiK: Arr, v: Arr, s: AttentionShape): void {
  const { T, D } = s;
  forEachRow(s, (r) => {
    const { qo, ao, t } = r;
    let zt = 0;
    for (let j = 0; j <= t; j++) {
      const ko = kvOffset(s, r, j);
      let dot = 0;
      for (let d = 0; d < D; d++) dot += phiQ[qo + d]! * phiK[ko + d]!;
      att[ao + j] = dot;
      zt += dot;
    }
    att.fill(0, ao + t + 1, ao + T);
    zt += LINEAR_ATTENTION_EPS;
    z[r.i] = zt;
    mixValues(y, att, v, r, 1 / zt, s);
  });
}

/**
 * Linear attention backward; overwrites dq, dk, dv (gradients w.r.t. q and k, before φ).
 *   da[j] = dy_t · v_j,  dv_j += a[t, j] dy_t,  ds[j] = (da[j] − Σ_j' a[t, j'] da[j']) / Z_t,
 *   dφq_t = Σ_j ds[j] φk_j,  dφk_j += ds[j] φq_t,  dx = dφx · φ'(x), φ'(x) = 1 (x > 0) else eˣ.
 * dphiQ, dphiK are scratch with the shapes of q, k; row is scratch of length T.
 */
export function linearAttentionBackward(
  dq: Arr,
  dk: Arr,
  dv: Arr,
  dy: Arr,
  att: Arr,
  z: Arr,
  q: Arr,
  k: Arr,
  phiQ: Arr,
  phiK: Arr,
  v: Arr,
  dphiQ: Arr,
  dphiK: Arr,
  row: Arr,
  s: AttentionShape,
): void {
  dphiQ.fill(0);
  dphiK.fill(0);
  dv.fill(0);
  const ds = new Float64Array(s.T);
  forEachRow(s, (r) => {
    // Every key up to t has a weight (no mask): none is skipped, even one whose weight underflowed to 0.
    const sum = backValues(row, dv, dy, v, att, r, s, false);
    const inv = 1 / z[r.i]!;
    for (let j = 0; j <= r.t; j++) ds[j] = (row[j]! - sum) * inv;
    backScores(dphiQ, dphiK, phiQ, phiK, ds, r, s);
  });
  for (let i = 0; i < dq.length; i++) dq[i] = dphiQ[i]! * (q[i]! > 0 ? 1 : phiQ[i]!);
  for (let i = 0; i < dk.length; i++) dk[i] = dphiK[i]! * (k[i]! > 0 ? 1 : phiK[i]!);
}
