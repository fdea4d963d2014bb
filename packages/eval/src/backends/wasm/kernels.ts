import { availableParallelism } from 'node:os';
import { PAGE_BYTES, wasmApi, type WasmMemory } from '@scalewise/core/wasm';
import { alternativeStreams, DEFAULT_VARIANT, kernelModuleBytes, PANEL, type PanelMatrix } from './kernel-module.js';
import {
  createWorkerPool,
  OP_ATTEND,
  OP_GEMM4,
  OP_GEMV,
  OP_GEMV_ALT,
  OP_GEMVQ8,
  OP_SUM,
  type KernelExports,
  type WorkerPool,
} from './pool.js';
import { q8Layout, writeQ8, type Q8Matrix } from './q8.js';
import { vectorOps, type AttendJob, type WasmVectorOps } from './vector-ops.js';
import { createWayGate, createWorkerGate, type WorkerGate } from './worker-gate.js';
import {
  ALIGN_FLOATS,
  checkCount,
  CLAIM_DIVISOR,
  DEFAULT_MAX_BYTES,
  headScoreFloats,
  MIN_PARALLEL_WORK,
  Q8_MIN_CLAIM,
  STREAMS_MARGIN,
  type WasmKernelOptions,
} from './kernel-options.js';

export { attendScratchBytes, checkCount, MIN_PARALLEL_WORK, STREAMS_MARGIN, type WasmKernelOptions } from './kernel-options.js';

export type { Q8Matrix } from './q8.js';
export type { PanelMatrix } from './kernel-module.js';

/** The kernels contract; the decoder's vector work (`rmsNorm` … `rope`) is declared in vector-ops.ts. */
export interface WasmKernels extends WasmVectorOps {
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
   * xOff, yOff: float offsets; y must have room for ⌈n/32⌉·32 floats (the padded tail is written too). Synchronous: when it
   * returns, y is complete. Splits panels across the threads when the work is large enough to pay for the hand-off.
   */
  gemv(xOff: number, m: PanelMatrix, yOff: number, k?: number, n?: number): void;
  /**
   * Y = X · W for `rows` rows (prefill): row r of X at xOff + r·ldx (m.K floats read), row r of Y at yOff + r·ldy
   * (m.Npad floats written). Rows go in groups of 4 sharing each weight load: X and Y need room for ⌈rows/4⌉·4 rows.
   * Each row of Y equals `gemv` of that row of X exactly. Split across the threads like `gemv`.
   */
  gemm(xOff: number, ldx: number, m: PanelMatrix, yOff: number, ldy: number, rows: number): void;
  /**
   * Pack an int8 matrix with one float32 scale per block of `blockSize` along K: q [N, K/blockSize, blockSize] as
   * onnxruntime's MatMulNBits (bits 8) stores it (Uint8Array: q + 128; Int8Array: q), scales [N · K/blockSize].
   * K must be a multiple of blockSize (a power of 2 ≥ 16).
   */
  packQ8Matrix(q: Int8Array | Uint8Array, scales: Float32Array, K: number, N: number, blockSize: number): Q8Matrix;
  /**
   * y[0..Npad) = W · x for a packed int8 matrix: x [K] float32 at float offset xOff is quantized per block to int8
   * (quantizeRowQ8, as onnxruntime's CompInt8 does), dotted in integers, scaled per block in float32. y needs
   * ⌈N/4⌉·4 floats. Split over the threads like `gemv`.
   */
  gemvQ8(xOff: number, m: Q8Matrix, yOff: number): void;
  /** Stop the workers (the process must be able to exit afterwards). */
  dispose(): Promise<void>;
}

/** Beyond the contract: the bandwidth probe's read kernel, split over the threads like `gemv`. */
export interface WasmKernelsWithSum extends WasmKernels {
  /** Products run by the calling thread alone because the worker gate measured (or probed) that way (worker-gate.ts). */
  bypassedJobs(): number;
  /** gemv products that read their panels the alternative way (`alternativeStreams`) because the streams gate chose it. */
  alternativeGemvs(): number;
  /** Panel streams of gemv's first and alternative ways. */
  readonly gemvStreams: readonly [number, number];
  /** Sum of `floats` floats from float offset `off` (both multiples of 16). */
  sum(off: number, floats: number): number;
}

export async function createWasmKernels(options: WasmKernelOptions = {}): Promise<WasmKernelsWithSum> {
  const threads = options.threads ?? Math.min(2, availableParallelism());
  checkCount('threads', threads, 16);
  if (threads < 1) throw new RangeError('wasm kernels: threads must be at least 1');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPages = Math.floor(maxBytes / PAGE_BYTES);
  if (!(maxPages >= 1 && maxPages <= 65536)) throw new RangeError(`wasm kernels: maxBytes must be in [64 KiB, 4 GiB], got ${maxBytes}`);
  const minParallelWork = options.minParallelWork ?? MIN_PARALLEL_WORK;
  const claimDivisor = options.claimDivisor ?? CLAIM_DIVISOR;
  checkCount('claimDivisor', claimDivisor, 64);
  if (claimDivisor < 1) throw new RangeError('wasm kernels: claimDivisor must be at least 1');
  const shared = threads > 1;
  const variant = options.variant ?? DEFAULT_VARIANT;
  const module = new wasmApi.Module(kernelModuleBytes({ shared, maxPages }, variant));
  const initial = Math.min(16, maxPages);
  const memory: WasmMemory = new wasmApi.Memory(shared ? { initial, maximum: maxPages, shared } : { initial, maximum: maxPages });
  const ex = new wasmApi.Instance(module, { env: { mem: memory } }).exports as unknown as KernelExports;
  const callerClaims = options.callerClaims ?? true;
  const splitAttend = options.splitAttend ?? true;
  const pool: WorkerPool | null = shared ? await createWorkerPool(threads - 1, module, memory, ex, { callerClaims }) : null;
  // Products go to the calling thread alone while that measures faster than with the workers (worker-gate.ts). Not the
  // bandwidth probe's sum, which must read with every thread it names; nor when the caller leaves every piece to them.
  const gate: WorkerGate = createWorkerGate(options.workerGate);
  // gemv's panel streams, measured the same way (STREAMS_MARGIN). Each gate leaves products out while the other probes,
  // so that neither takes the other's probe for a change of host.
  const streams = createWayGate({ margin: STREAMS_MARGIN, enabled: options.variant === undefined, ...options.streamsGate });
  /** One product: on the calling thread (`alone`) when `macs` is too small to split or the gate says so, else over the pool. */
  const product = (macs: number, units: number, alone: () => void, op: number, params: number[], minUnits = 1, scale = 0) => {
    if (pool === null || macs < minParallelWork || units < 2) alone();
    else if (!callerClaims) pool.run(op, params, units, minUnits, claimDivisor, scale);
    else {
      const start = performance.now();
      if (gate.useWorkers()) pool.run(op, params, units, minUnits, claimDivisor, scale);
      else alone();
      if (!streams.probing) gate.record(performance.now() - start, macs);
    }
  };

  let view = new Float32Array(memory.buffer);
  let top = ALIGN_FLOATS; // offset 0 stays unused, so no valid allocation is 0
  let disposed = false;

  const alloc = (floats: number): number => {
    checkCount('alloc size', floats);
    const off = Math.ceil(top / ALIGN_FLOATS) * ALIGN_FLOATS;
    const end = off + Math.ceil(floats / ALIGN_FLOATS) * ALIGN_FLOATS;
    if (end * 4 > memory.buffer.byteLength) {
      const pages = Math.ceil((end * 4 - memory.buffer.byteLength) / PAGE_BYTES);
      if (memory.buffer.byteLength / PAGE_BYTES + pages > maxPages) {
        throw new RangeError(`wasm kernels: ${(end * 4) / 2 ** 20} MiB needed, over maxBytes ${maxBytes / 2 ** 20} MiB`);
      }
      memory.grow(pages);
      view = new Float32Array(memory.buffer);
    }
    top = end;
    return off;
  };

  const allocMatrix = (K: number, N: number): PanelMatrix => {
    checkCount('K', K);
    checkCount('N', N);
    const Npad = Math.ceil(N / PANEL) * PANEL;
    return { off: alloc(K * Npad), K, N, Npad, panelStride: K * PANEL };
  };

  const index = (m: PanelMatrix, k: number, n: number) => m.off + Math.floor(n / PANEL) * m.panelStride + k * PANEL + (n % PANEL);

  const packMatrix = (w: Float32Array, K: number, N: number): PanelMatrix => {
    if (w.length !== K * N) throw new RangeError(`wasm kernels: packMatrix got ${w.length} floats for [${K}, ${N}]`);
    const m = allocMatrix(K, N);
    for (let p = 0; p * PANEL < N; p++) {
      const width = Math.min(PANEL, N - p * PANEL);
      let dst = m.off + p * m.panelStride;
      for (let k = 0; k < K; k++, dst += PANEL) view.set(w.subarray(k * N + p * PANEL, k * N + p * PANEL + width), dst);
    }
    return m;
  };

  const inMemory = (what: string, off: number, floats: number) => {
    if (!Number.isInteger(off) || off < 0 || off + floats > view.length) {
      throw new RangeError(`wasm kernels: ${what} [${off}, ${off + floats}) is outside the memory`);
    }
  };

  const gemv = (xOff: number, m: PanelMatrix, yOff: number, k = m.K, n = m.N) => {
    if (disposed) throw new Error('wasm kernels: used after dispose()');
    checkCount('k', k, m.K);
    checkCount('n', n, m.Npad);
    const panels = Math.ceil(n / PANEL);
    inMemory('x', xOff, k);
    inMemory('y', yOff, panels * PANEL);
    inMemory('matrix', m.off, panels === 0 ? 0 : (panels - 1) * m.panelStride + m.K * PANEL);
    const stride = m.panelStride * 4;
    const [macs, params] = [k * panels * PANEL, [xOff * 4, m.off * 4, yOff * 4, k, stride]];
    const first = streams.useFirst();
    const kernel = first ? ex.gemv : ex.gemvAlt;
    const start = performance.now();
    product(macs, panels, () => kernel(xOff * 4, m.off * 4, yOff * 4, k, panels, stride), first ? OP_GEMV : OP_GEMV_ALT, params);
    if (!gate.probing) streams.record(performance.now() - start, macs);
  };

  const gemm = (xOff: number, ldx: number, m: PanelMatrix, yOff: number, ldy: number, rows: number) => {
    if (disposed) throw new Error('wasm kernels: used after dispose()');
    checkCount('rows', rows);
    checkCount('ldx', ldx);
    checkCount('ldy', ldy);
    if (ldx < m.K || ldy < m.Npad) throw new RangeError(`wasm kernels: gemm rows of ${ldx} / ${ldy} floats for [${m.K}, ${m.Npad}]`);
    const groups = Math.ceil(rows / 4);
    const panels = m.Npad / PANEL;
    if (groups === 0 || panels === 0) return;
    inMemory('x', xOff, (4 * groups - 1) * ldx + m.K);
    inMemory('y', yOff, (4 * groups - 1) * ldy + m.Npad);
    inMemory('matrix', m.off, (panels - 1) * m.panelStride + m.K * PANEL);
    const stride = m.panelStride * 4;
    const alone = () => ex.gemm4(xOff * 4, m.off * 4, yOff * 4, m.K, panels, stride, ldx * 4, ldy * 4, groups);
    product(4 * groups * m.K * m.Npad, panels, alone, OP_GEMM4, [xOff * 4, m.off * 4, yOff * 4, m.K, stride, ldx * 4, ldy * 4, groups]);
  };

  // Quantized x (int8 values kept as int16, then its block scales), sized for the largest K packed so far.
  let scratch = { off: 0, K: 0 };
  const packQ8Matrix = (q: Int8Array | Uint8Array, scales: Float32Array, K: number, N: number, blockSize: number): Q8Matrix => {
    const { Npad, groupStride, groups } = q8Layout(K, N, blockSize);
    if (q.length !== N * K) throw new RangeError(`wasm kernels: packQ8Matrix got ${q.length} weights for [${N}, ${K}]`);
    if (K > scratch.K) scratch = { off: alloc(K / 2 + K / 16), K };
    const off = alloc((groups * groupStride) / 4);
    writeQ8(new Uint8Array(memory.buffer), off * 4, q, scales, K, N, blockSize);
    return { off, K, N, Npad, blockSize, groupStride };
  };

  const gemvQ8 = (xOff: number, m: Q8Matrix, yOff: number) => {
    if (disposed) throw new Error('wasm kernels: used after dispose()');
    const groups = m.Npad / 4;
    inMemory('x', xOff, m.K);
    inMemory('y', yOff, m.Npad);
    inMemory('matrix', m.off, (groups * m.groupStride) / 4);
    const xq = scratch.off * 4;
    const blocks = m.K / m.blockSize;
    ex.quantQ8(xOff * 4, xq, blocks, m.blockSize); // q8.ts quantizeRowQ8 in SIMD (~10× faster than in JS)
    const alone = () => ex.gemvQ8(xq, m.off * 4, yOff * 4, blocks, m.blockSize / 16, groups);
    product(m.K * m.Npad, groups, alone, OP_GEMVQ8, [xq, m.off * 4, yOff * 4, blocks, m.groupStride], Q8_MIN_CLAIM);
  };

  const sum = (off: number, floats: number): number => {
    if (disposed) throw new Error('wasm kernels: used after dispose()');
    if (off % ALIGN_FLOATS !== 0 || floats % ALIGN_FLOATS !== 0) throw new RangeError('wasm kernels: sum needs multiples of 16 floats');
    inMemory('sum range', off, floats);
    if (pool === null || floats === 0) return ex.sum(off * 4, floats * 4);
    return pool.run(OP_SUM, [off * 4], floats / ALIGN_FLOATS, 1, claimDivisor).reduce((a, b) => a + b, 0);
  };

  // A split attend's score buffers, one per head (the caller's own one serves it alone), grown by doubling.
  let headScores = { off: 0, floats: 0, heads: 0 };
  const attend = (a: AttendJob) => {
    const alone = () => ex.attend(a.q, a.k0, a.v0, a.kvStride, a.att, a.ctx, 0, a.heads, a.group, a.hd, a.n, a.kStride, a.vStride, a.scale);
    // A head writes ⌈hd/32⌉ whole panels of context: only whole panels keep one thread's heads out of another's.
    if (pool === null || !splitAttend || a.hd % PANEL !== 0) {
      alone();
      return;
    }
    const need = headScoreFloats(a.n);
    if (need > headScores.floats || a.heads > headScores.heads) {
      // attendScratchBytes bounds what this takes over an engine's life
      const floats = Math.max(need, headScores.floats);
      const heads = Math.max(a.heads, headScores.heads);
      headScores = { off: alloc(heads * floats), floats, heads };
    }
    const extra = [headScores.off * 4, headScores.floats * 4, a.group, a.hd, a.n, a.kStride, a.vStride];
    product(2 * a.heads * a.hd * a.n, a.heads, alone, OP_ATTEND, [a.q, a.k0, a.v0, a.kvStride, a.ctx, ...extra], 1, a.scale);
  };

  const vector = vectorOps(ex, {
    attend,
    view: () => view,
    inMemory,
    checkCount,
    live: () => {
      if (disposed) throw new Error('wasm kernels: used after dispose()');
    },
  });

  return {
    threads,
    f32: () => view,
    ...vector,
    alloc,
    packMatrix,
    allocMatrix,
    index,
    gemv,
    gemm,
    packQ8Matrix,
    gemvQ8,
    sum,
    bypassedJobs: () => gate.bypassed,
    alternativeGemvs: () => streams.second,
    gemvStreams: [variant.streams ?? 1, alternativeStreams(variant)],
    async dispose() {
      if (disposed) return;
      disposed = true;
      await pool?.dispose();
    },
  };
}
