import type { SweepSpecInput } from '@scalewise/train';

export interface StudyOptions {
  quick: boolean;
  isoflop: boolean;
  seed: number;
  engine: 'native' | 'reference';
  threads?: number;
}

/** Everything a study run does, as plain data: saved with the results and used as the stages' cache keys. */
export interface StudyPlan {
  options: StudyOptions;
  /** Bootstrap resamples for the original study's intervals. */
  bootstrap: number;
  /** The ladder's sweep spec (`@scalewise/train` runSweep). */
  sweep: SweepSpecInput;
  /** IsoFLOP sweep (models × FLOP budgets), when asked for. */
  isoflop: SweepSpecInput | null;
  /** Random-weight MobileLLM presets measured for throughput and memory. */
  benchPresets: string[];
  /** llama-bench settings for every measured model. */
  bench: { pp: number; tg: number; reps: number };
}

/**
 * The default study fits in ~15 minutes on 2 cores, `--quick` in ~2: five "deep and thin" byte-level models
 * (non-embedding sizes spaced ×2) trained on Brown at a fixed tokens-per-parameter budget (Chinchilla's 20 by
 * default; 4 with --quick — the same ratio at every size keeps the ladder comparable).
 */
export function studyPlan(options: StudyOptions): StudyPlan {
  const quick = options.quick;
  const targets = quick ? [3e3, 6e3, 12e3, 24e3, 48e3] : [1e4, 2e4, 4e4, 8e4, 1.6e5];
  const training = {
    data: { corpus: 'brown', tokenizer: 'byte', seq: quick ? 64 : 128 },
    batchSize: quick ? 8 : 16,
    optimizer: { lr: 3e-3 },
    schedule: { kind: 'cosine', floor: 0.1 },
    eval: { every: 0, batches: quick ? 4 : 16 },
    checkpoint: { every: 0, keep: 1 },
    seed: options.seed,
    engine: options.engine,
    ...(options.threads ? { threads: options.threads } : {}),
  };
  const ladder = { targets, options: { count: 'non-embedding', policy: { kind: 'aspect', ratio: 8 }, maxPositions: 512 } };
  const sweep: SweepSpecInput = {
    name: 'ladder',
    training,
    models: { ladder },
    budgets: [{ tokensPerParam: quick ? 4 : 20, params: 'non-embedding' }],
  };
  // IsoFLOP runs need enough optimizer steps at the largest model and budgets that bracket the optimum; on 2 cores
  // that is only affordable with the tiny ladder, so --isoflop always uses it (about 5-10 minutes).
  const isoflop: SweepSpecInput | null = options.isoflop
    ? {
        name: 'isoflop',
        training: { ...training, data: { corpus: 'brown', tokenizer: 'byte', seq: 64 }, batchSize: 8, eval: { every: 0, batches: 8 } },
        models: { ladder: { ...ladder, targets: [3e3, 6e3, 12e3, 24e3, 48e3] } },
        budgets: [3e10, 1e11, 3e11].map((flops) => ({ flops })),
      }
    : null;
  return {
    options,
    bootstrap: quick ? 200 : 1000,
    sweep,
    isoflop,
    benchPresets: quick ? ['mobilellm-125m'] : ['mobilellm-125m', 'mobilellm-350m'],
    bench: quick ? { pp: 64, tg: 16, reps: 2 } : { pp: 512, tg: 128, reps: 3 },
  };
}
