import { evalWindows } from '@scalewise/data';
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
 * Windows that score every token of a document exactly once; the windows themselves come from @scalewise/data's
 * `evalWindows` (the one windowing implementation), in this package's `ScoreWindow` shape.
 *
 * - `stride = maxLength` reproduces lm-evaluation-harness `get_rolling_token_windows` + `make_disjoint_window`
 *   (context_len 1): the first window reads the prefix token and the first maxLength-1 tokens; each later window
 *   scores the next maxLength tokens (fewer at the end) reading the maxLength tokens before each target.
 * - `stride < maxLength` reproduces the Hugging Face "perplexity of fixed-length models" loop: windows of
 *   maxLength tokens start every `stride` tokens and score only the tokens not scored by the previous window.
 *   HF's max_length counts the window's last token, whose prediction is never used, so the model reads
 *   maxLength − 1 tokens: `evalWindows` strided with maxLength − 1 (its maxLength is what the model reads).
 */
export function rollingWindows(doc: ArrayLike<number>, options: WindowOptions): ScoreWindow[] {
  check(options);
  const { maxLength, stride, prefixToken } = options;
  // Without a prefix token the document's first token plays its part: it is read, never scored.
  const [prefixId, body] = prefixToken === null ? [doc[0], Array.prototype.slice.call(doc, 1) as number[]] : [prefixToken, doc];
  if (prefixId === undefined || body.length === 0) return [];
  const windows =
    stride === maxLength
      ? evalWindows(body, { maxLength, mode: 'disjoint', prefixId })
      : evalWindows(body, { maxLength: maxLength - 1, mode: 'strided', stride, prefixId });
  return windows.map((w) => {
    const tokens = new Int32Array(w.input.length + 1);
    tokens.set(w.input);
    tokens[w.input.length] = w.target[w.target.length - 1] as number;
    return { tokens, scored: w.scored };
  });
}
