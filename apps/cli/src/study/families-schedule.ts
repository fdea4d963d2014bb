import {
  estimateStudySeconds,
  measureStepThroughput,
  planFamilyStudy,
  type FamilyStudyPlan,
  type RunPool,
  type StepThroughput,
} from '@scalewise/train';
import type { StudyPlan } from './plan.js';

// The family stage's scheduling helpers: how many runs are in flight, and the time estimate printed before training.

/** Map with at most `limit` calls in flight, results in input order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Measured throughput: 3 timed steps of the smallest and of the largest model, `parallel` copies stepping at once as
 * the study will run them (on the pool's worker threads when it trains there; the slowest copy counts); each run's
 * time uses the throughput interpolated log-log at its size.
 */
export async function estimatePlan(
  plan: StudyPlan,
  parallel: number,
  /** Engine threads of each run (undefined: the engine's default). */
  threads = plan.options.threads,
  pool?: RunPool,
): Promise<{ plan: FamilyStudyPlan; measuredOn: string; seconds: number }> {
  const draft = planFamilyStudy(plan.families);
  const bySize = [...draft.runs].sort((a, b) => a.nonEmbeddingParams - b.nonEmbeddingParams);
  const measured: StepThroughput[] = [];
  for (const run of [bySize[0]!, bySize.at(-1)!]) {
    const options = { batchSize: run.batchSize, seq: plan.families.seq, engine: plan.options.engine, ...(threads ? { threads } : {}) };
    if (pool) {
      const copies = await Promise.all(Array.from({ length: parallel }, () => pool.measureStepThroughput(run.config, options)));
      measured.push(copies.reduce((a, b) => (b.flopsPerSecond < a.flopsPerSecond ? b : a)));
    } else measured.push(await measureStepThroughput(run.config, { ...options, concurrent: parallel }));
  }
  const points = [bySize[0]!, bySize.at(-1)!].map((r, i) => ({
    params: r.nonEmbeddingParams,
    flopsPerSecond: measured[i]!.flopsPerSecond,
  }));
  const seconds = estimateStudySeconds(draft.runs, points, parallel);
  const measuredOn =
    `3 timed training steps${parallel > 1 ? `, ${parallel} at once,` : ''} each of ${bySize[0]!.config.name} (` +
    `${(measured[0]!.flopsPerSecond / 1e9).toFixed(2)} GFLOP/s) and ` +
    `${bySize.at(-1)!.config.name} (${(measured[1]!.flopsPerSecond / 1e9).toFixed(2)}` +
    ` GFLOP/s)${threads ? ` at ${threads} thread${threads === 1 ? '' : 's'} each` : ''}, interpolated log-log in size, ` +
    `${parallel} run${parallel === 1 ? '' : 's'} side by side`;
  return { plan: planFamilyStudy({ ...plan.families, throughput: draft.totalFlops / seconds }), measuredOn, seconds };
}
