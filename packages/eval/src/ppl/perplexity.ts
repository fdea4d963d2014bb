import { bitsPerByte } from '@scalewise/core';
import { EvalInputError } from '../errors.js';
import { countWords } from '@scalewise/data';
import { checkPositions, type CausalLM, type ModelInfo } from '../lm.js';
import { bootstrapRatios, type DocTotals } from './bootstrap.js';
import { scoreWindows, type ScoreOptions } from './score.js';
import { rollingWindows, type ScoreWindow } from './windows.js';

/** A document to score: its token ids, and its text (or word/byte counts) for word and byte perplexity. */
export interface PplDocument {
  id?: string;
  tokens: ArrayLike<number>;
  /** Source text; words = `len(re.split(r"\s+", text))` (@scalewise/data `countWords`) and bytes = UTF-8 length, as lm-eval counts them. */
  text?: string;
  words?: number;
  bytes?: number;
}

export interface PerplexityOptions extends ScoreOptions {
  /** Longest model input in tokens (default 1024). */
  maxLength?: number;
  /** Window step in tokens (default = maxLength: lm-eval disjoint windows). */
  stride?: number;
  /** Token prepended to each document; default the model's BOS id; null: the first token is not scored. */
  prefixToken?: number | null;
  /** Bootstrap resamples over documents for standard errors (default 1000; 0 disables). */
  bootstrap?: number;
  seed?: number;
}

/** Corpus perplexity, lm-eval `loglikelihood_rolling` style, with counts and units. */
export interface PerplexityResult {
  /** exp(−Σ ln p / Σ tokens). */
  token_perplexity: number;
  /** exp(−Σ ln p / Σ words); null without text or word counts. */
  word_perplexity: number | null;
  /** exp(−Σ ln p / Σ bytes); null without text or byte counts. */
  byte_perplexity: number | null;
  /** −Σ ln p / Σ bytes / ln 2. */
  bits_per_byte: number | null;
  /** Mean negative log-likelihood per scored token, nats. */
  nll_per_token: number;
  /** Σ ln p over every scored token, nats (≤ 0). */
  log_likelihood: number;
  tokens: number;
  words: number | null;
  bytes: number | null;
  documents: number;
  windows: number;
  max_length: number;
  stride: number;
  prefix_token: number | null;
  /** Bootstrap standard errors over documents (null with fewer than 2 documents or bootstrap = 0). */
  stderr: { nll_per_token: number; token_perplexity: number; bits_per_byte: number | null } | null;
  bootstrap_samples: number;
  units: Record<string, string>;
  model: ModelInfo;
}

const UNITS = {
  token_perplexity: 'perplexity per token (exp of mean nats/token)',
  word_perplexity: 'perplexity per whitespace-separated word',
  byte_perplexity: 'perplexity per UTF-8 byte',
  bits_per_byte: 'bits per UTF-8 byte',
  nll_per_token: 'nats per token',
  log_likelihood: 'nats',
};

/** Score documents with rolling windows and report token/word/byte perplexity and bits per byte. */
export async function perplexity(lm: CausalLM, docs: readonly PplDocument[], options: PerplexityOptions = {}): Promise<PerplexityResult> {
  const maxLength = options.maxLength ?? 1024;
  const stride = options.stride ?? maxLength;
  checkPositions(lm.info, maxLength, 'max length');
  const prefixToken = options.prefixToken === undefined ? (lm.info.bosTokenId ?? null) : options.prefixToken;
  const windows: ScoreWindow[] = [];
  const owner: number[] = [];
  docs.forEach((doc, d) => {
    for (const w of rollingWindows(doc.tokens, { maxLength, stride, prefixToken })) {
      windows.push(w);
      owner.push(d);
    }
  });
  if (windows.length === 0)
    throw new EvalInputError(
      `perplexity: nothing to score in ${docs.length} documents (empty corpus, or single-token documents without a prefix token)`,
    );
  const scores = await scoreWindows(lm, windows, options);
  const totals: DocTotals[] = docs.map((doc) => ({
    logLik: 0,
    tokens: 0,
    words: doc.words ?? (doc.text !== undefined ? countWords(doc.text) : 0),
    bytes: doc.bytes ?? (doc.text !== undefined ? Buffer.byteLength(doc.text, 'utf8') : 0),
  }));
  scores.forEach((lp, i) => {
    const t = totals[owner[i] as number] as DocTotals;
    for (const v of lp) t.logLik += v;
    t.tokens += lp.length;
  });
  const sum = (key: keyof DocTotals) => totals.reduce((s, t) => s + t[key], 0);
  const ll = sum('logLik');
  const tokens = sum('tokens');
  const haveWords = docs.every((d) => d.words !== undefined || d.text !== undefined);
  const haveBytes = docs.every((d) => d.bytes !== undefined || d.text !== undefined);
  const words = haveWords ? sum('words') : null;
  const bytes = haveBytes ? sum('bytes') : null;
  const nll = -ll / tokens;
  const samples = options.bootstrap ?? 1000;
  const boot = samples > 0 ? bootstrapRatios(totals, samples, options.seed ?? 1234) : null;
  return {
    token_perplexity: Math.exp(nll),
    word_perplexity: words ? Math.exp(-ll / words) : null,
    byte_perplexity: bytes ? Math.exp(-ll / bytes) : null,
    bits_per_byte: bytes ? bitsPerByte(-ll, bytes) : null,
    nll_per_token: nll,
    log_likelihood: ll,
    tokens,
    words,
    bytes,
    documents: docs.length,
    windows: windows.length,
    max_length: maxLength,
    stride,
    prefix_token: prefixToken,
    // Delta method: se(exp(x)) ≈ exp(x)·se(x).
    stderr: boot
      ? {
          nll_per_token: boot.nllPerToken,
          token_perplexity: Math.exp(nll) * boot.nllPerToken,
          bits_per_byte: bytes ? boot.bitsPerByte : null,
        }
      : null,
    bootstrap_samples: boot ? samples : 0,
    units: UNITS,
    model: lm.info,
  };
}

/** Mean loss over given windows (every scored target counted once), for comparison with a trainer's validation loss. */
export async function windowLoss(
  lm: CausalLM,
  windows: readonly ScoreWindow[],
  options: ScoreOptions = {},
): Promise<{ nll_per_token: number; perplexity: number; tokens: number }> {
  const scores = await scoreWindows(lm, windows, options);
  let ll = 0;
  let tokens = 0;
  for (const lp of scores) {
    for (const v of lp) ll += v;
    tokens += lp.length;
  }
  if (tokens === 0) throw new EvalInputError('windowLoss: no windows to score');
  return { nll_per_token: -ll / tokens, perplexity: Math.exp(-ll / tokens), tokens };
}
