// PROVISIONAL: a plain-JavaScript implementation of the wasm kernel contract (/work/wt/wasm-interface.ts), so the decode
// engine can be built and tested before the WebAssembly SIMD kernels land. At merge this file is replaced by the wasm one;
// nothing else may depend on anything here beyond the contract (PanelMatrix, WasmKernels, createWasmKernels).

/** A matrix W [K, N] stored for `gemv` in column panels of 32: panel p holds W[0..K, 32p..32p+32) row by row (K×32 floats). */
export interface PanelMatrix {
  /** Float offset (into `f32()`) of panel 0, 64-byte aligned. */
  readonly off: number;
  /** Rows (the reduction length) the matrix was allocated with. */
  readonly K: number;
  /** Columns (outputs) the matrix was allocated with; the storage is padded with zeros to `Npad` = ⌈N/32⌉·32. */
  readonly N: number;
  readonly Npad: number;
  /** Floats from one panel to the next (K·32 for a packed matrix). */
  readonly panelStride: number;
}

export interface WasmKernels {
  /** Threads `gemv` uses (the calling thread plus threads − 1 workers). */
  readonly threads: number;
  /** Float32 view of the whole linear memory. Take a fresh view after `alloc`/`packMatrix`/`allocMatrix` (memory may grow). */
  f32(): Float32Array;
  /** Reserve `floats` zero-filled float32 slots, 64-byte aligned; returns the float offset. Never freed before `dispose`. */
  alloc(floats: number): number;
  /** Copy W [K, N] (row-major Float32Array) into a new panel matrix. */
  packMatrix(w: Float32Array, K: number, N: number): PanelMatrix;
  /** A new zero-filled panel matrix [K, N] (e.g. a KV cache written element by element). */
  allocMatrix(K: number, N: number): PanelMatrix;
  /** Float offset of element (k, n) of `m`, for writing a cache row or column in place. */
  index(m: PanelMatrix, k: number, n: number): number;
  /**
   * y[0..n) = x[0..k) · W[0..k, 0..n): only the first `k` rows (default m.K) and the first ⌈n/32⌉ panels (default all) are read.
   * xOff, yOff: float offsets; y must have room for ⌈n/32⌉·32 floats (the padded tail is written too). Synchronous.
   */
  gemv(xOff: number, m: PanelMatrix, yOff: number, k?: number, n?: number): void;
  /** Stop the workers (the process must be able to exit afterwards). */
  dispose(): Promise<void>;
}

const PANEL = 32;
const ALIGN = 16; // floats in 64 bytes

/** Create the (provisional, single-threaded JavaScript) kernels; `threads` is accepted and ignored. */
export async function createWasmKernels(options: { threads?: number; maxBytes?: number } = {}): Promise<WasmKernels> {
  const maxFloats = Math.floor((options.maxBytes ?? 3 * 2 ** 30) / 4);
  let mem = new Float32Array(1 << 16);
  let used = 0;
  const acc = new Float64Array(PANEL);

  const alloc = (floats: number): number => {
    if (!Number.isInteger(floats) || floats < 0) throw new RangeError(`alloc: floats must be a non-negative integer, found ${floats}`);
    const off = Math.ceil(used / ALIGN) * ALIGN;
    const end = off + floats;
    if (end > maxFloats) throw new RangeError(`alloc: ${end * 4} bytes exceed the memory maximum of ${maxFloats * 4} bytes`);
    if (end > mem.length) {
      const grown = new Float32Array(Math.min(maxFloats, Math.max(end, mem.length * 2)));
      grown.set(mem.subarray(0, used));
      mem = grown;
    }
    used = end;
    return off;
  };
  const allocMatrix = (K: number, N: number): PanelMatrix => {
    const Npad = Math.ceil(N / PANEL) * PANEL;
    return { off: alloc(K * Npad), K, N, Npad, panelStride: K * PANEL };
  };
  const index = (m: PanelMatrix, k: number, n: number): number => m.off + Math.floor(n / PANEL) * m.panelStride + k * PANEL + (n % PANEL);

  return {
    threads: 1,
    f32: () => mem,
    alloc,
    allocMatrix,
    index,
    packMatrix(w, K, N) {
      if (w.length !== K * N) throw new RangeError(`packMatrix: expected ${K}×${N} = ${K * N} floats, found ${w.length}`);
      const m = allocMatrix(K, N);
      for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) mem[index(m, k, n)] = w[k * N + n] as number;
      return m;
    },
    gemv(xOff, m, yOff, k = m.K, n = m.N) {
      const panels = Math.ceil(n / PANEL);
      for (let p = 0; p < panels; p++) {
        acc.fill(0);
        const base = m.off + p * m.panelStride;
        for (let r = 0; r < k; r++) {
          const xv = mem[xOff + r] as number;
          const row = base + r * PANEL;
          for (let j = 0; j < PANEL; j++) acc[j] = (acc[j] as number) + xv * (mem[row + j] as number);
        }
        for (let j = 0; j < PANEL; j++) mem[yOff + p * PANEL + j] = acc[j] as number;
      }
    },
    dispose: async () => {},
  };
}
