/**
 * Measured training throughput for a study's time estimate: a few optimizer-free forward+backward steps of one
 * model at its planned batch shape, after one untimed step (the native engine builds its session then).
 */
import { flopsPerToken, initWeights, type ModelConfig, type ModelWeights } from '@scalewise/models';
import { createEngine } from './engines.js';
import { TrainInputError } from './errors.js';

export interface StepThroughput {
  secondsPerStep: number;
  /** Accounted training FLOPs (models `flopsPerToken(...).train.total`) per second. */
  flopsPerSecond: number;
  steps: number;
}

export async function measureStepThroughput(
  model: ModelConfig,
  options: {
    batchSize: number;
    seq: number;
    engine: string;
    threads?: number;
    steps?: number;
    /**
     * Engines stepping at once in this thread, each its own (default 1): what runs awaited together in one thread
     * each get. They take turns, since onnxruntime runs a session synchronously on its calling thread; runs on a run
     * pool's worker threads (run-pool.ts) really run at once: measure those with `RunPool.measureStepThroughput`.
     */
    concurrent?: number;
  },
): Promise<StepThroughput> {
  const steps = options.steps ?? 3;
  const concurrent = options.concurrent ?? 1;
  for (const [key, v] of [
    ['steps', steps],
    ['concurrent', concurrent],
  ] as const)
    if (!(Number.isInteger(v) && v >= 1)) throw new TrainInputError(`measureStepThroughput: ${key} must be a positive integer, found ${v}`);
  const { batchSize: B, seq: T } = options;
  const engines = await Promise.all(
    Array.from({ length: concurrent }, () =>
      createEngine(options.engine, model, options.threads === undefined ? {} : { threads: options.threads }),
    ),
  );
  try {
    const weights = initWeights(model, 0);
    const inputs = Int32Array.from({ length: B * T }, (_, i) => (i * 31 + 7) % Math.min(256, model.vocabSize));
    const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 17 + 3) % Math.min(256, model.vocabSize));
    const batch = { batch: B, seq: T, inputs, targets };
    const steppers = engines.map((engine) => {
      const grads: ModelWeights = new Map([...weights].map(([name, w]) => [name, new Float32Array(w.length)]));
      return () => engine.lossAndGrad(weights, grads, batch, 1, { overwrite: true });
    });
    await Promise.all(steppers.map((step) => step()));
    const start = performance.now();
    await Promise.all(
      steppers.map(async (step) => {
        for (let s = 0; s < steps; s++) await step();
      }),
    );
    // Each run's own pace while `concurrent` run together: what `estimateStudySeconds` divides among them.
    const secondsPerStep = (performance.now() - start) / 1000 / steps;
    return { secondsPerStep, flopsPerSecond: (flopsPerToken(model, T).train.total * B * T) / secondsPerStep, steps };
  } finally {
    for (const engine of engines) await engine.dispose();
  }
}

/**
 * Seconds for a study's runs from throughputs measured at a few sizes: each run's FLOPs at the throughput
 * interpolated log-log in non-embedding parameters (clamped to the measured range; tiny models are
 * overhead-bound, so one number for all sizes over- or under-estimates), divided by the runs side by side.
 */
export function estimateStudySeconds(
  runs: readonly { nonEmbeddingParams: number; trainFlops: number; validationFlops: number }[],
  measured: readonly { params: number; flopsPerSecond: number }[],
  parallel = 1,
): number {
  const points = [...measured].filter((m) => m.params > 0 && m.flopsPerSecond > 0).sort((a, b) => a.params - b.params);
  if (points.length === 0) throw new TrainInputError('estimateStudySeconds: expected at least one positive throughput measurement');
  if (!(Number.isInteger(parallel) && parallel >= 1))
    throw new TrainInputError(`estimateStudySeconds: parallel must be a positive integer, found ${parallel}`);
  const at = (n: number): number => {
    if (n <= points[0]!.params) return points[0]!.flopsPerSecond;
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1]!, points[i]!];
      if (n <= b.params) {
        const t = Math.log(n / a.params) / Math.log(b.params / a.params);
        return Math.exp(Math.log(a.flopsPerSecond) + t * Math.log(b.flopsPerSecond / a.flopsPerSecond));
      }
    }
    return points.at(-1)!.flopsPerSecond;
  };
  let seconds = 0;
  for (const r of runs) seconds += (r.trainFlops + r.validationFlops) / at(r.nonEmbeddingParams);
  return seconds / parallel;
}
