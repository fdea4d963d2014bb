// Where a model sits against a reference figure (e.g. an n-gram baseline in bits/byte), judged by its interval.

export interface BaselineComparison {
  /** The model's estimate minus the baseline (negative: the model is below it, i.e. better for a loss). */
  difference: number;
  /** 'beats': the whole interval is below the baseline; 'is worse than': above it; otherwise the interval holds it. */
  verdict: 'beats' | 'is worse than' | 'cannot be told apart from';
}

/** Place a loss-like estimate with its interval against a baseline: lower is better. */
export function placeAgainstBaseline(estimate: number, interval: readonly [number, number], baseline: number): BaselineComparison {
  const [lo, hi] = interval;
  const verdict = hi < baseline ? 'beats' : lo > baseline ? 'is worse than' : 'cannot be told apart from';
  return { difference: estimate - baseline, verdict };
}
