import { PANEL, type PanelMatrix } from './kernel-module.js';
import type { KernelExports } from './pool.js';

/**
 * The decoder's vector work (kernel-vector.ts, kernel-attention.ts), on the calling thread but `attend`, which the
 * kernels may split over their threads by heads; part of WasmKernels.
 */
export interface WasmVectorOps {
  /**
   * out[0..n) = x / √(mean(x²) + eps) · w (RMSNorm); x, w and out need room for ⌈n/4⌉·4 floats (x's and out's lanes
   * past n are set to 0).
   */
  rmsNorm(xOff: number, wOff: number, outOff: number, n: number, eps: number): void;
  /** x[0..n) += y[0..n). */
  addTo(xOff: number, yOff: number, n: number): void;
  /** out[i] = SiLU(g[i]) · u[i] for i < n (SwiGLU; e^x within ~2 float32 ulps). */
  swiglu(gOff: number, uOff: number, outOff: number, n: number): void;
  /** p[0..n) = softmax(p · scale), in place; p needs room for ⌈n/4⌉·4 floats (the lanes past n end as 0). */
  softmax(off: number, n: number, scale: number): void;
  /**
   * Decode attention of `heads` query heads at qOff (hd floats each; head h reads kv head ⌊h·KV/heads⌋ of `cache`):
   * scores over the first n cache columns, softmax(scores · scale), context written at ctxOff + h·hd. `cache[j]`:
   * K [hd, P] and V [P, hd] panel matrices, allocated so that every kv head's pair lies the same distance after the
   * previous one (allocMatrix(hd, P), allocMatrix(P, hd) in turn). att: room for ⌈n/32⌉·32 floats; ctx: heads·hd + 32.
   * With several threads and hd a multiple of 32, heads are split over them (each head then has a score buffer of the
   * kernels' own, and att is not written); the result is the same bit for bit.
   */
  attend(
    qOff: number,
    cache: ReadonlyArray<{ k: PanelMatrix; v: PanelMatrix }>,
    attOff: number,
    ctxOff: number,
    heads: number,
    n: number,
    scale: number,
  ): void;
  /** RoPE (rotate_half) in place on `heads` vectors of 2·half floats at xOff, with cos/sin rows of half floats. */
  rope(xOff: number, cosOff: number, sinOff: number, heads: number, half: number): void;
}

/** One `attend` call in bytes (kernel-attention.ts), for all its `heads`. */
export interface AttendJob {
  q: number;
  k0: number;
  v0: number;
  kvStride: number;
  att: number;
  ctx: number;
  heads: number;
  group: number;
  hd: number;
  n: number;
  kStride: number;
  vStride: number;
  scale: number;
}

/** What the vector ops need from the kernels instance (kernels.ts): its memory view and checks. */
export interface VectorOpsEnv {
  /** Run a checked attend: on the calling thread, or its heads split over the worker pool. */
  attend(job: AttendJob): void;
  view(): Float32Array;
  inMemory(what: string, off: number, floats: number): void;
  checkCount(what: string, v: number, max?: number): void;
  /** Throws once the kernels are disposed. */
  live(): void;
}

/**
 * The calling thread's vector work (kernel-vector.ts, kernel-attention.ts) behind the WasmKernels contract: offsets
 * and lengths in floats, checked against the memory, lengths that are not multiples of 4 handled here.
 */
export function vectorOps(ex: KernelExports, env: VectorOpsEnv): WasmVectorOps {
  const { inMemory, checkCount } = env;
  const live = (what: string, n: number, ...ranges: Array<[string, number]>) => {
    env.live();
    checkCount(`${what} length`, n);
    for (const [name, off] of ranges) inMemory(`${what} ${name}`, off, Math.ceil(n / 4) * 4);
  };
  const rmsNorm: WasmVectorOps['rmsNorm'] = (xOff, wOff, outOff, n, eps) => {
    live('rmsNorm', n, ['x', xOff], ['w', wOff], ['out', outOff]);
    const n4 = Math.ceil(n / 4) * 4;
    env.view().fill(0, xOff + n, xOff + n4);
    ex.rmsnorm(xOff * 4, wOff * 4, outOff * 4, n4 * 4, 1 / n, eps);
    env.view().fill(0, outOff + n, outOff + n4);
  };
  // The last n mod 4 elements in JavaScript: the kernels work on whole f32x4 lanes.
  const addTo: WasmVectorOps['addTo'] = (xOff, yOff, n) => {
    live('addTo', n, ['x', xOff], ['y', yOff]);
    const n4 = n & ~3;
    ex.addto(xOff * 4, yOff * 4, n4 * 4);
    const v = env.view();
    for (let i = n4; i < n; i++) v[xOff + i] = (v[xOff + i] as number) + (v[yOff + i] as number);
  };
  const swiglu: WasmVectorOps['swiglu'] = (gOff, uOff, outOff, n) => {
    live('swiglu', n, ['g', gOff], ['u', uOff], ['out', outOff]);
    const n4 = n & ~3;
    ex.swiglu(gOff * 4, uOff * 4, outOff * 4, n4 * 4);
    const v = env.view();
    for (let i = n4; i < n; i++) {
      const g = v[gOff + i] as number;
      v[outOff + i] = (g / (1 + Math.exp(-g))) * (v[uOff + i] as number);
    }
  };
  const softmax: WasmVectorOps['softmax'] = (off, n, scale) => {
    live('softmax', n, ['p', off]);
    const n4 = Math.ceil(n / 4) * 4;
    env.view().fill(-Infinity, off + n, off + n4); // e^-∞ = 0: the padding lanes add nothing
    ex.softmax(off * 4, n4 * 4, scale);
  };

  const attend: WasmVectorOps['attend'] = (qOff, cache, attOff, ctxOff, heads, n, scale) => {
    const first = cache[0];
    env.live();
    if (!first) throw new RangeError('wasm kernels: attend needs at least one kv head');
    const { k, v } = first;
    const hd = k.K;
    const KV = cache.length;
    checkCount('heads', heads);
    checkCount('n', n, Math.min(k.N, v.K));
    if (heads % KV !== 0) throw new RangeError(`wasm kernels: ${heads} heads for ${KV} kv heads`);
    const stride = KV > 1 ? (cache[1] as { k: PanelMatrix }).k.off - k.off : 0;
    cache.forEach((c, j) => {
      if (
        c.k.off !== k.off + j * stride ||
        c.v.off !== v.off + j * stride ||
        c.k.K !== hd ||
        c.v.N !== hd ||
        c.k.N !== k.N ||
        c.v.K !== v.K
      )
        throw new RangeError('wasm kernels: attend needs kv heads of one shape, evenly spaced in memory');
    });
    inMemory('attend q', qOff, heads * hd);
    inMemory('attend scores', attOff, Math.ceil(n / PANEL) * PANEL);
    inMemory('attend context', ctxOff, (heads - 1) * hd + Math.ceil(hd / PANEL) * PANEL);
    inMemory('attend cache', k.off, (KV - 1) * stride + Math.max(v.off - k.off + v.K * v.Npad, k.K * k.Npad));
    env.attend({
      q: qOff * 4,
      k0: k.off * 4,
      v0: v.off * 4,
      kvStride: stride * 4,
      att: attOff * 4,
      ctx: ctxOff * 4,
      heads,
      group: heads / KV,
      hd,
      n,
      kStride: k.panelStride * 4,
      vStride: v.panelStride * 4,
      scale,
    });
  };
  const rope: WasmVectorOps['rope'] = (xOff, cosOff, sinOff, heads, half) => {
    env.live();
    checkCount('heads', heads);
    checkCount('half', half);
    inMemory('rope x', xOff, 2 * heads * half);
    inMemory('rope cos', cosOff, half);
    inMemory('rope sin', sinOff, half);
    ex.rope(xOff * 4, cosOff * 4, sinOff * 4, heads, half);
  };

  return { rmsNorm, addTo, swiglu, softmax, attend, rope };
}
