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

/**
 * Softmax attention forward. att: [B, H, T, T] receives the probabilities (0 where masked), kept for the backward.
 *   p[t, j] = softmax_j(q_t · k_j / √D) over allowed j,   y_t = Σ_j p[t, j] v_j
 */
export function softmaxAttentionForward(y: Arr, att: Arr, q: Arr, k: Arr, v: Arr, mask: Uint8Array, s: AttentionShape): void {
  const { B, T, H, KV, D } = s;
  const group = H / KV;
  const scale = 1 / Math.sqrt(D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        const ao = ((b * H + h) * T + t) * T;
        let max = -Infinity;
        for (let j = 0; j <= t; j++) {
          if (mask[t * T + j] === 0) continue;
          const ko = ((b * T + j) * KV + g) * D;
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
        const inv = 1 / z;
        y.fill(0, qo, qo + D);
        for (let j = 0; j <= t; j++) {
          const p = att[ao + j]! * inv;
          att[ao + j] = p;
          if (p === 0) continue;
          const vo = ((b * T + j) * KV + g) * D;
          for (let d = 0; d < D; d++) y[qo + d] = y[qo + d]! + p * v[vo + d]!;
        }
      }
    }
  }
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
  const { B, T, H, KV, D } = s;
  const group = H / KV;
  const scale = 1 / Math.sqrt(D);
  dq.fill(0);
  dk.fill(0);
  dv.fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        const ao = ((b * H + h) * T + t) * T;
        let sum = 0;
        for (let j = 0; j <= t; j++) {
          const p = att[ao + j]!;
          if (p === 0) {
            row[j] = 0;
            continue;
          }
          const vo = ((b * T + j) * KV + g) * D;
          let dp = 0;
          for (let d = 0; d < D; d++) {
            dp += dy[qo + d]! * v[vo + d]!;
            dv[vo + d] = dv[vo + d]! + p * dy[qo + d]!;
          }
          row[j] = dp;
          sum += p * dp;
        }
        for (let j = 0; j <= t; j++) {
          const p = att[ao + j]!;
          if (p === 0) continue;
          const ds = p * (row[j]! - sum) * scale;
          const ko = ((b * T + j) * KV + g) * D;
          for (let d = 0; d < D; d++) {
            dq[qo + d] = dq[qo + d]! + ds * k[ko + d]!;
            dk[ko + d] = dk[ko + d]! + ds * q[qo + d]!;
          }
        }
      }
    }
  }
}

/**
 * Causal linear attention forward, φ = elu + 1 (phiQ, phiK: φ(q), φ(k), same shapes as q, k):
 *   a[t, j] = φq_t · φk_j / Z_t,  Z_t = Σ_{j ≤ t} φq_t · φk_j + ε,   y_t = Σ_{j ≤ t} a[t, j] v_j.
 * No 1/√D scaling; ε as in `@scalewise/models` (Katharopoulos et al.).
 * Written in the quadratic form (same values as the O(T) prefix-sum form) so the backward can reuse a: [B, H, T, T].
 */
export function linearAttentionForward(y: Arr, att: Arr, z: Arr, phiQ: Arr, phiK: Arr, v: Arr, s: AttentionShape): void {
  const { B, T, H, KV, D } = s;
  const group = H / KV;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        const ao = ((b * H + h) * T + t) * T;
        let zt = 0;
        for (let j = 0; j <= t; j++) {
          const ko = ((b * T + j) * KV + g) * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += phiQ[qo + d]! * phiK[ko + d]!;
          att[ao + j] = dot;
          zt += dot;
        }
        att.fill(0, ao + t + 1, ao + T);
        zt += LINEAR_ATTENTION_EPS;
        z[(b * H + h) * T + t] = zt;
        const inv = 1 / zt;
        y.fill(0, qo, qo + D);
        for (let j = 0; j <= t; j++) {
          const a = att[ao + j]! * inv;
          att[ao + j] = a;
          const vo = ((b * T + j) * KV + g) * D;
          for (let d = 0; d < D; d++) y[qo + d] = y[qo + d]! + a * v[vo + d]!;
        }
      }
    }
  }
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
  const { B, T, H, KV, D } = s;
  const group = H / KV;
  dphiQ.fill(0);
  dphiK.fill(0);
  dv.fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        const ao = ((b * H + h) * T + t) * T;
        let sum = 0;
        for (let j = 0; j <= t; j++) {
          const a = att[ao + j]!;
          const vo = ((b * T + j) * KV + g) * D;
          let da = 0;
          for (let d = 0; d < D; d++) {
            da += dy[qo + d]! * v[vo + d]!;
            dv[vo + d] = dv[vo + d]! + a * dy[qo + d]!;
          }
          row[j] = da;
          sum += a * da;
        }
        const inv = 1 / z[(b * H + h) * T + t]!;
        for (let j = 0; j <= t; j++) {
          const ds = (row[j]! - sum) * inv;
          const ko = ((b * T + j) * KV + g) * D;
          for (let d = 0; d < D; d++) {
            dphiQ[qo + d] = dphiQ[qo + d]! + ds * phiK[ko + d]!;
            dphiK[ko + d] = dphiK[ko + d]! + ds * phiQ[qo + d]!;
          }
        }
      }
    }
  }
  for (let i = 0; i < dq.length; i++) dq[i] = dphiQ[i]! * (q[i]! > 0 ? 1 : phiQ[i]!);
  for (let i = 0; i < dk.length; i++) dk[i] = dphiK[i]! * (k[i]! > 0 ? 1 : phiK[i]!);
}
