import os from 'node:os';
import type { FamilyName } from '@scalewise/models';
import { DEFAULT_FAMILY_STUDY, QUICK_FAMILY_STUDY, type FamilyStudyOptions, type SweepSpecInput } from '@scalewise/train';

export interface StudyOptions {
  quick: boolean;
  isoflop: boolean;
  seed: number;
  engine: 'native' | 'reference';
  threads?: number;
  /** Families compared (default: the preset's). */
  families?: FamilyName[];
  /** Multiplies every size and so every token budget (default 1). */
  scale?: number;
  /** LRs a family's sweep may add past a winning end of its grid (default 0: the study only warns). */
  lrExtensions?: number;
}

/** Everything a study run does, as plain data: saved with the results and used as the stages' cache keys. */
export interface StudyPlan {
  options: StudyOptions;
  /** Bootstrap resamples for the original study's intervals. */
  bootstrap: number;
  /** The family-comparison study (`@scalewise/train` planFamilyStudy options). */
  families: FamilyStudyOptions;
  /** Document-bootstrap resamples of every run's validation, and exponent-difference bootstrap resamples. */
  validationResamples: number;
  /** Training runs side by side (each on one engine thread; capped by the CPUs). */
  parallelRuns: number;
  comparisonResamples: number;
  /** IsoFLOP sweep (models × FLOP budgets), when asked for. */
  isoflop: SweepSpecInput | null;
  /** Random-weight MobileLLM presets measured for throughput and memory. */
  benchPresets: string[];
  /** llama-bench settings for every measured model. */
  bench: { pp: number; tg: number; reps: number };
}

/**
 * The default study compares three architecture families (`DEFAULT_FAMILY_STUDY`: 5 sizes 6k–96k non-embedding
 * parameters, 20 tokens per parameter, ≥ 300 steps) in about 9 minutes on 2 cores; `--quick` two families × 4
 * sizes (`QUICK_FAMILY_STUDY`, 10 tokens per parameter, ≥ 150 steps). Within a plan every run gets the same tokens
 * per non-embedding parameter, except where the steps floor asks for more.
 */
export function studyPlan(options: StudyOptions): StudyPlan {
  const quick = options.quick;
  const preset = quick ? QUICK_FAMILY_STUDY : DEFAULT_FAMILY_STUDY;
  const families: FamilyStudyOptions = {
    ...preset,
    ...(options.families ? { families: options.families } : {}),
    ...(options.scale && options.scale !== 1 ? { scale: options.scale } : {}),
    ...(options.lrExtensions ? { lrExtensions: options.lrExtensions } : {}),
  };
  // IsoFLOP runs need enough optimizer steps at the largest model and budgets that bracket the optimum; on 2 cores
  // that is only affordable with a tiny deep-and-thin ladder (about 5-10 minutes).
  const isoflop: SweepSpecInput | null = options.isoflop
    ? {
        name: 'isoflop',
        training: {
          data: { corpus: 'brown', tokenizer: 'byte', seq: 64 },
          batchSize: 8,
          optimizer: { lr: 3e-3 },
          schedule: { kind: 'cosine', floor: 0.1 },
          eval: { every: 0, batches: 8 },
          checkpoint: { every: 0, keep: 1 },
          seed: options.seed,
          engine: options.engine,
          ...(options.threads ? { threads: options.threads } : {}),
        },
        models: {
          ladder: {
            targets: [3e3, 6e3, 12e3, 24e3, 48e3],
            options: { count: 'non-embedding', policy: { kind: 'aspect', ratio: 8 }, maxPositions: 512 },
          },
        },
        budgets: [3e10, 1e11, 3e11].map((flops) => ({ flops })),
      }
    : null;
  return {
    options,
    bootstrap: quick ? 200 : 1000,
    families,
    validationResamples: quick ? 400 : 1000,
    parallelRuns: 2,
    comparisonResamples: quick ? 499 : 1999,
    isoflop,
    // --quick measures the trained models only: a random 125M shape alone costs ~10 s of its 90 s budget.
    benchPresets: quick ? [] : ['mobilellm-125m', 'mobilellm-350m'],
    // 5 repetitions; tg 32 keeps the random 350M shape (~2 tokens/s on 2 busy cores) near a minute.
    bench: quick ? { pp: 64, tg: 16, reps: 2 } : { pp: 256, tg: 32, reps: 5 },
  };
}

/**
 * How many runs train at once on this machine: `parallelRuns`; with --threads N, as many as keep N threads each
 * within the cores (so 2 runs × 2 threads never share 2 cores). Without --threads, a run pool gives each run its
 * share of the cores (`createRunPool`'s default), and one run at a time gets the engine's own choice.
 */
export function runsSideBySide(plan: StudyPlan, cores = os.cpus().length): number {
  return Math.max(1, Math.min(plan.parallelRuns, Math.floor(cores / (plan.options.threads ?? 1))));
}
