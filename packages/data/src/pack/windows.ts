import { DataInputError } from '../errors.js';

/**
 * One evaluation window over `S = [prefix, t0, t1, ...]`: the model reads `input` and predicts
 * `target` (input shifted by one); only `target[scoreFrom..]` are scored, so summed over all windows
 * every document token is scored exactly once.
 */
export interface EvalWindow {
  input: Int32Array;
  target: Int32Array;
  /** First scored index into `target`; targets before it are context only. */
  scoreFrom: number;
  /** Number of scored targets (`target.length - scoreFrom`). */
  scored: number;
  /** Position in the document of the first scored token (0 = first document token). */
  firstScored: number;
}

export interface EvalWindowOptions {
  /** Model input length (tokens per window). */
  maxLength: number;
  /**
   * `disjoint` (lm-evaluation-harness `loglikelihood_rolling`): each window scores the next
   * maxLength tokens; the last window is filled up with earlier tokens as context.
   * `strided` (Hugging Face perplexity guide): windows start every `stride` tokens and score only
   * the tokens the previous window did not reach.
   */
  mode: 'disjoint' | 'strided';
  /** Window step for `strided` (1 <= stride <= maxLength). */
  stride?: number;
  /** Token before the document (BOS, or EOS for tokenizers without BOS) so the first token is scored too. */
  prefixId: number;
}

function window(seq: ArrayLike<number>, a: number, b: number, scoreStartPos: number): EvalWindow {
  const len = b - a;
  const input = new Int32Array(len);
  const target = new Int32Array(len);
  for (let j = 0; j < len; j++) {
    input[j] = seq[a + j] as number;
    target[j] = seq[a + j + 1] as number;
  }
  const scoreFrom = Math.max(0, scoreStartPos - (a + 1));
  return { input, target, scoreFrom, scored: len - scoreFrom, firstScored: a + scoreFrom };
}

/** Evaluation windows over one document's tokens (without specials). */
export function evalWindows(tokens: ArrayLike<number>, options: EvalWindowOptions): EvalWindow[] {
  const { maxLength, mode, prefixId } = options;
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw new DataInputError(`evalWindows: expected an integer maxLength >= 1, found ${maxLength}`);
  const n = tokens.length;
  const seq = new Int32Array(n + 1);
  seq[0] = prefixId;
  for (let i = 0; i < n; i++) seq[i + 1] = tokens[i] as number;
  const out: EvalWindow[] = [];
  if (n === 0) return out;
  // Windows cover target positions a+1..b of seq (document tokens a..b-1).
  if (mode === 'disjoint') {
    for (let end = Math.min(maxLength, n), prev = 0; prev < n; prev = end, end = Math.min(end + maxLength, n)) {
      out.push(window(seq, Math.max(0, end - maxLength), end, prev + 1));
    }
    return out;
  }
  if (mode !== 'strided') throw new DataInputError(`evalWindows: expected mode 'disjoint' or 'strided', found '${String(mode)}'`);
  const stride = options.stride ?? maxLength;
  if (!Number.isInteger(stride) || stride < 1 || stride > maxLength) {
    throw new DataInputError(`evalWindows: expected an integer stride in [1, maxLength=${maxLength}], found ${stride}`);
  }
  let prevEnd = 0;
  for (let a = 0; ; a += stride) {
    const b = Math.min(a + maxLength, n);
    out.push(window(seq, a, b, prevEnd + 1));
    prevEnd = b;
    if (b === n) break;
  }
  return out;
}

/** Windows stacked into [count, length] arrays, right-padded with `padId`; `mask` is 1 exactly where a target is scored. */
export interface WindowBatch {
  count: number;
  length: number;
  input: Int32Array;
  target: Int32Array;
  mask: Uint8Array;
}

/** Stack windows of different lengths for a batched forward pass; padding is never scored. */
export function stackWindows(windows: readonly EvalWindow[], padId: number): WindowBatch {
  const length = windows.reduce((m, w) => Math.max(m, w.input.length), 0);
  const count = windows.length;
  const input = new Int32Array(count * length).fill(padId);
  const target = new Int32Array(count * length).fill(padId);
  const mask = new Uint8Array(count * length);
  windows.forEach((w, i) => {
    input.set(w.input, i * length);
    target.set(w.target, i * length);
    mask.fill(1, i * length + w.scoreFrom, i * length + w.target.length);
  });
  return { count, length, input, target, mask };
}
