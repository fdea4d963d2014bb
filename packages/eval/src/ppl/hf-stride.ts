import { EvalInputError } from '../errors.js';
import { checkPositions, type CausalLM, type ModelInfo } from '../lm.js';
import { scoreWindows, type ScoreOptions } from './score.js';
import type { ScoreWindow } from './windows.js';

export interface HfStrideOptions extends ScoreOptions {
  /** Tokens per window, as the guide's `max_length` counts them (the window's last token is read, never predicted from). */
  maxLength: number;
  /** Tokens each window starts after the previous one (the guide's `stride`), 1 ≤ stride ≤ maxLength. */
  stride: number;
}

/**
 * Perplexity by the Hugging Face guide "Perplexity of fixed-length models", one token sequence. The guide's
 * accumulation has had three forms; each is reported, so a published number can be matched to the code that made it.
 */
export interface HfStrideResult {
  recipe: 'hf-stride';
  /** exp(Σ NLL / Σ scored tokens): every scored token weighs the same (the definition the guide states). */
  perplexity: number;
  /** Which form `perplexity` is. */
  variant: 'token_weighted';
  /** The same statistic accumulated as each published form of the guide's code does. */
  guide_variants: {
    /** exp(Σ NLL / Σ scored tokens). */
    token_weighted: number;
    /** First form: `nlls.append(outputs.loss * trg_len)`, `exp(stack(nlls).sum() / end_loc)`. */
    trg_len_weighted: number;
    /** Second form: `nlls.append(outputs.loss)`, `exp(stack(nlls).mean())`: a mean of window means. */
    mean_of_window_means: number;
    /** Current form: `nll_sum += outputs.loss * (num_valid_tokens - 1)`, `exp(nll_sum / n_tokens)`. */
    loss_tokens_weighted: number;
  };
  /** Mean negative log-likelihood per scored token, nats. */
  nll_per_token: number;
  /** Σ ln p over the scored tokens, nats (≤ 0). */
  log_likelihood: number;
  /** Tokens in the sequence (the guide's seq_len). */
  sequence_tokens: number;
  /** Tokens whose prediction was scored: seq_len − 1 (the first token has no context). */
  scored_tokens: number;
  windows: number;
  max_length: number;
  stride: number;
  units: Record<string, string>;
  model: ModelInfo;
}

const UNITS = {
  perplexity: 'perplexity per token (exp of mean nats/token)',
  nll_per_token: 'nats per token',
  log_likelihood: 'nats',
};

interface GuideWindow {
  window: ScoreWindow;
  /** The guide's trg_len: labels left unmasked (end_loc − prev_end_loc). */
  trgLen: number;
}

/**
 * The guide's loop, literally: windows `ids[begin : begin + maxLength]` for begin = 0, stride, 2·stride, ... until a
 * window reaches the end; labels before the last trg_len = end − prev_end are −100; the model shifts labels by
 * one, so label 0 is never scored.
 */
function guideWindows(ids: ArrayLike<number>, maxLength: number, stride: number): GuideWindow[] {
  const seqLen = ids.length;
  const out: GuideWindow[] = [];
  let prevEnd = 0;
  for (let begin = 0; begin < seqLen; begin += stride) {
    const end = Math.min(begin + maxLength, seqLen);
    const trgLen = end - prevEnd;
    const tokens = Int32Array.from(Array.prototype.slice.call(ids, begin, end) as number[]);
    out.push({ window: { tokens, scored: Math.min(trgLen, tokens.length - 1) }, trgLen });
    prevEnd = end;
    if (end === seqLen) break;
  }
  return out;
}

/** Score one token sequence (BOS included, if the tokenizer adds one) with the HF strided recipe. */
export async function hfStridePerplexity(lm: CausalLM, ids: ArrayLike<number>, options: HfStrideOptions): Promise<HfStrideResult> {
  const { maxLength, stride } = options;
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new EvalInputError(`max length must be an integer ≥ 2, found ${maxLength}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > maxLength)
    throw new EvalInputError(`stride must be an integer in [1, max length = ${maxLength}], found ${stride}`);
  if (ids.length < 2) throw new EvalInputError(`hf-stride perplexity needs a sequence of at least 2 tokens, found ${ids.length}`);
  // The guide feeds whole windows of maxLength tokens: the model needs that many positions.
  checkPositions(lm.info, Math.min(maxLength, ids.length), 'max length');
  const windows = guideWindows(ids, maxLength, stride);
  const scores = await scoreWindows(
    lm,
    windows.map((w) => w.window),
    options,
  );
  let ll = 0;
  let scored = 0;
  let trgWeighted = 0;
  let windowMeans = 0;
  let lossTokens = 0;
  let lossTokensWeighted = 0;
  scores.forEach((lp, i) => {
    const { trgLen } = windows[i] as GuideWindow;
    let sum = 0;
    for (const v of lp) sum += v;
    const loss = -sum / lp.length; // outputs.loss: mean over the valid shifted labels
    ll += sum;
    scored += lp.length;
    trgWeighted += loss * trgLen;
    windowMeans += loss;
    // num_valid_tokens = trg_len (labels not −100); the guide subtracts 1 per window for the label shift.
    lossTokens += trgLen - 1;
    lossTokensWeighted += loss * (trgLen - 1);
  });
  const nll = -ll / scored;
  return {
    recipe: 'hf-stride',
    perplexity: Math.exp(nll),
    variant: 'token_weighted',
    guide_variants: {
      token_weighted: Math.exp(nll),
      // The last window ends at seq_len, the guide's final end_loc.
      trg_len_weighted: Math.exp(trgWeighted / ids.length),
      mean_of_window_means: Math.exp(windowMeans / windows.length),
      // ≥ 1: the first window's trg_len is min(maxLength, seq_len) ≥ 2.
      loss_tokens_weighted: Math.exp(lossTokensWeighted / lossTokens),
    },
    nll_per_token: nll,
    log_likelihood: ll,
    sequence_tokens: ids.length,
    scored_tokens: scored,
    windows: windows.length,
    max_length: maxLength,
    stride,
    units: UNITS,
    model: lm.info,
  };
}
