import { PANEL, type KernelVariant } from './kernel-module.js';
import type { WorkerGateOptions } from './worker-gate.js';

// createWasmKernels' options and the tuning behind their defaults (kernels.ts).

export interface WasmKernelOptions {
  threads?: number;
  maxBytes?: number;
  /** Below this many multiply-adds (k · padded n) the calling thread runs gemv alone. */
  minParallelWork?: number;
  /** Inner-loop shape (benchmarks compare them). Given, gemv keeps its streams unless `streamsGate` enables the gate. */
  variant?: KernelVariant;
  /**
   * How gemv chooses between its variant's panel streams and `alternativeStreams` (one panel at a time against three),
   * by measuring both (worker-gate.ts's algorithm; default margin STREAMS_MARGIN). Default: enabled unless `variant` is given.
   */
  streamsGate?: WorkerGateOptions;
  /** Each claim of a job takes what is left ÷ (claimDivisor × threads) (default 1): larger ends the threads closer together. */
  claimDivisor?: number;
  /** false: the calling thread leaves every piece to the workers (tests prove the workers' path with it). */
  callerClaims?: boolean;
  /** How products choose between the workers and the calling thread alone, by measuring both (worker-gate.ts). */
  workerGate?: WorkerGateOptions;
  /** false: `attend` always runs on the calling thread (benchmarks compare; default true: split by heads). */
  splitAttend?: boolean;
}

export const ALIGN_FLOATS = 16; // 64 bytes
export const DEFAULT_MAX_BYTES = 3 * 2 ** 30;
/**
 * Measured by bench/wasm-gemv.ts (in cache, the worst case for splitting; 2 threads, several runs): [64, 1024] 7–10 µs
 * alone vs 8–12 µs split, [64, 2048] 14–21 vs 11–18 µs, [64, 4096] 28–42 vs 22–27 µs. Under ~128K multiply-adds the
 * hand-off costs about what the second thread saves.
 */
export const MIN_PARALLEL_WORK = 128 * 1024;
/**
 * Each claim takes half of what is left at 2 threads: fewer, longer runs through memory. A MobileLLM-125M decode at
 * 2 threads, same process, alternated: fp32 71.7 → 77.6 tokens/s, int8 130 → 147 against left ÷ 4 (on a host where
 * two threads read 2× the bandwidth of one).
 */
export const CLAIM_DIVISOR = 1;
/**
 * Which panel streams gemv reads fastest depends on the host, so the kernels measure it as they go. MobileLLM-125M
 * decode, same process, alternated (bench/wasm-gemv.ts and whole decodes): on a Xeon three panels at once were 1.44×
 * faster than one at 1 thread and 1.36–1.40× at 2; on an EPYC one panel was 1.13× faster at 1 thread and 1.08× at 2
 * (43.2 vs 38.2 and 59.7 vs 55.3 tokens/s). A margin under the worker gate's: the gains to find are smaller.
 */
export const STREAMS_MARGIN = 0.05;
/** Groups of 4 outputs in the smallest int8 claim (a compare-and-swap per 32 outputs at least). */
export const Q8_MIN_CLAIM = 8;

/** Floats of one head's score buffer for `n` keys when `attend` is split: ⌈n/32⌉·32 rounded up to a power of 2, ≥ 1024. */
export function headScoreFloats(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1024, Math.ceil(n / PANEL) * PANEL)));
}

/**
 * Bytes the kernels allocate for themselves when `attend` is split over threads: a score buffer per head, grown by
 * doubling (headScoreFloats) to the largest n seen, so at most twice the last size. Callers that size `maxBytes` from
 * their own allocations add this.
 */
export function attendScratchBytes(heads: number, positions: number): number {
  return 4 * 2 * heads * headScoreFloats(positions);
}

export function checkCount(what: string, v: number, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`wasm kernels: ${what} must be an integer in [0, ${max}], got ${v}`);
}
