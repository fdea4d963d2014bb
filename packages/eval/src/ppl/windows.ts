import { EvalInputError } from '../errors.js';

/**
 * One scoring window: the model reads `tokens[0 .. n-2]` and predicts `tokens[1 .. n-1]`;
 * only the last `scored` predictions count (earlier ones are context already scored elsewhere).
 */
export interface ScoreWindow {
  tokens: Int32Array;
  scored: number;
}

export interface WindowOptions {
  /** Longest model input (tokens the model reads per forward pass). */
  maxLength: number;
  /** Tokens advanced per window; = maxLength gives lm-eval disjoint windows, < maxLength the HF strided scheme. */
  stride: number;
  /** Token prepended to the document so its first token is scored (BOS/EOT); null scores from the second token. */
  prefixToken: number | null;
}

function check(options: WindowOptions): void {
  const { maxLength, stride } = options;
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new EvalInputError(`max length must be a positive integer, found ${maxLength}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > maxLength) {
    throw new EvalInputError(`stride must be an integer in [1, max length = ${maxLength}], found ${stride}`);
  }
}

/**
 * Windows that score every token of a document exactly once.
 *
 * - `stride = maxLength` reproduces lm-evaluation-harness `get_rolling_token_windows` + `make_disjoint_window`
 *   (context_len 1): the first window reads the prefix token and the first maxLength-1 tokens; each later window
 *   scores the next maxLength tokens (fewer at the end) reading the maxLength tokens before each target.
 * - `stride < maxLength` reproduces the Hugging Face "perplexity of fixed-length models" loop: windows start every
 *   `stride` tokens, read up to maxLength tokens and score only the tokens not scored by the previous window.
 */
export function rollingWindows(doc: ArrayLike<number>, options: WindowOptions): ScoreWindow[] {
  check(options);
  const { maxLength, stride, prefixToken } = options;
  const seq = Int32Array.from(prefixToken === null ? Array.from(doc) : [prefixToken, ...Array.from(doc)]);
  const m = seq.length;
  if (m < 2) return [];
  const windows: ScoreWindow[] = [];
  if (stride === maxLength) {
    // Targets are seq positions 1..m-1; each window's input is the (up to) maxLength tokens before its last target.
    let predicted = 1;
    while (predicted < m) {
      const count = Math.min(maxLength, m - predicted);
      const end = predicted + count; // exclusive end of targets
      const start = Math.max(0, end - 1 - maxLength);
      windows.push({ tokens: seq.slice(start, end), scored: count });
      predicted = end;
    }
    return windows;
  }
  let prevEnd = 0;
  for (let begin = 0; begin < m; begin += stride) {
    const end = Math.min(begin + maxLength, m);
    const scored = Math.min(end - prevEnd, end - begin - 1);
    if (scored > 0) windows.push({ tokens: seq.slice(begin, end), scored });
    prevEnd = end;
    if (end === m) break;
  }
  return windows;
}
