import { checkPositions, type CausalLM } from '../lm.js';
import { scoreWindows, type ScoreOptions } from '../ppl/score.js';
import type { ScoreWindow } from '../ppl/windows.js';
import { sampleSd } from '../ppl/bootstrap.js';
import type { McRequest } from './adapters.js';
import type { LoadedTask } from './read.js';
import type { TextTokenizer } from './tokenizer.js';

export interface TaskOptions extends ScoreOptions {
  /** Longest model input; longer requests keep their last tokens (lm-eval left truncation). Default 2048. */
  maxLength?: number;
  /** Token that stands in for an empty context; default the model's BOS id, else 0. */
  prefixToken?: number;
}

/** Per-question record (lm-eval `samples`): log-likelihood of each choice, predictions, gold. */
export interface McSample {
  id: string;
  gold: number;
  /** Σ ln p of each choice's continuation, nats. */
  loglikelihoods: number[];
  pred: number;
  pred_norm: number;
}

export interface TaskResult {
  task: string;
  version: number;
  n: number;
  /** Fraction correct, argmax of summed log-likelihood; stderr = sample sd / √n. */
  acc: number;
  acc_stderr: number;
  /** Fraction correct, argmax of log-likelihood per character of the choice; null when the task does not report it. */
  acc_norm: number | null;
  acc_norm_stderr: number | null;
  samples: McSample[];
}

/**
 * lm-eval `_encode_pair`: trailing spaces of the context move to the continuation; continuation tokens are the tail
 * of enc(context + continuation).
 */
export function encodePair(tokenizer: TextTokenizer, { context, continuation }: McRequest): { context: number[]; continuation: number[] } {
  const trimmed = context.replace(/\s+$/, '');
  const spaces = context.slice(trimmed.length);
  const whole = Array.from(tokenizer.encode(trimmed + spaces + continuation));
  const ctx = Array.from(tokenizer.encode(trimmed));
  return { context: ctx, continuation: whole.slice(ctx.length) };
}

function argmax(values: number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] as number)) best = i;
  });
  return best;
}

/** Zero-shot multiple choice, scored the way lm-evaluation-harness scores `multiple_choice` tasks. */
export async function evaluateTask(
  lm: CausalLM,
  tokenizer: TextTokenizer,
  task: LoadedTask,
  options: TaskOptions = {},
): Promise<TaskResult> {
  const maxLength = options.maxLength ?? 2048;
  checkPositions(lm.info, maxLength, 'max length');
  const prefix = options.prefixToken ?? lm.info.bosTokenId ?? 0;
  const windows: ScoreWindow[] = [];
  for (const item of task.items) {
    for (const req of item.requests) {
      const { context, continuation } = encodePair(tokenizer, req);
      const ctx = context.length > 0 ? context : [prefix];
      const cont = continuation.length > 0 ? continuation : [];
      const all = [...ctx, ...cont].slice(-(maxLength + 1));
      windows.push({ tokens: Int32Array.from(all), scored: Math.min(cont.length, all.length - 1) });
    }
  }
  // An empty continuation has log-likelihood 0; score only non-empty ones.
  const scorable = windows.map((w, i) => ({ w, i })).filter(({ w }) => w.scored > 0);
  const scores = await scoreWindows(
    lm,
    scorable.map(({ w }) => w),
    options,
  );
  const ll = new Float64Array(windows.length);
  scorable.forEach(({ i }, k) => {
    ll[i] = (scores[k] as Float64Array).reduce((s, v) => s + v, 0);
  });
  let at = 0;
  const samples: McSample[] = task.items.map((item) => {
    const lls = item.requests.map(() => ll[at++] as number);
    return {
      id: item.id,
      gold: item.gold,
      loglikelihoods: lls,
      pred: argmax(lls),
      pred_norm: argmax(lls.map((v, c) => v / (item.choiceLengths[c] || 1))),
    };
  });
  const n = samples.length;
  const acc = samples.map((s) => Number(s.pred === s.gold));
  const accNorm = samples.map((s) => Number(s.pred_norm === s.gold));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const hasNorm = task.adapter.metrics.includes('acc_norm');
  return {
    task: task.name,
    version: task.adapter.version,
    n,
    acc: mean(acc),
    acc_stderr: sampleSd(acc) / Math.sqrt(n),
    acc_norm: hasNorm ? mean(accNorm) : null,
    acc_norm_stderr: hasNorm ? sampleSd(accNorm) / Math.sqrt(n) : null,
    samples,
  };
}

/** Results shaped like lm-evaluation-harness output (`results`, `versions`, `n-shot`, `n-samples`, `config`), so its tooling reads them. */
export function lmEvalResults(results: readonly TaskResult[], lm: CausalLM, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    results: Object.fromEntries(
      results.map((r) => [
        r.task,
        {
          alias: r.task,
          'acc,none': r.acc,
          'acc_stderr,none': r.acc_stderr,
          ...(r.acc_norm !== null ? { 'acc_norm,none': r.acc_norm, 'acc_norm_stderr,none': r.acc_norm_stderr } : {}),
        },
      ]),
    ),
    versions: Object.fromEntries(results.map((r) => [r.task, r.version])),
    'n-shot': Object.fromEntries(results.map((r) => [r.task, 0])),
    higher_is_better: Object.fromEntries(results.map((r) => [r.task, { acc: true, ...(r.acc_norm !== null ? { acc_norm: true } : {}) }])),
    'n-samples': Object.fromEntries(results.map((r) => [r.task, { original: r.n, effective: r.n }])),
    config: {
      model: lm.info.backend,
      model_args: lm.info.path ?? null,
      batch_size: extra.batch_size ?? 1,
      device: lm.info.executionProvider,
      threads: lm.info.threads,
      dtype: lm.info.dtype,
      ...extra,
    },
  };
  return out;
}
