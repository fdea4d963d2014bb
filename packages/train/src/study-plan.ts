/**
 * The plan of a family-comparison study (issue #13): every training run at controlled compute, with its FLOPs
 * and an estimated time. Pure data; a runner trains the runs, the laws package fits them.
 *
 * The documented rule, per run of non-embedding size N (the ladder's achieved count, `scale` included):
 * - tokens budget = tokensPerParam × N (the same tokens per non-embedding parameter for every run);
 * - batch = the largest power of two ≤ defaultBatch with ⌊budget / (batch·seq)⌋ ≥ minSteps, floor 1 sequence;
 * - steps = ⌈budget / (batch·seq)⌉, but at least minSteps (only a too-small model/budget needs the floor, and
 *   then trains more than its budget: `tokensPerParam` in the run says so);
 * - warmup = min(defaultWarmup, ⌊10% of steps⌋); the schedule family (cosine to 10%) is the same for every run.
 * Runs: an LR sweep (every `lrGrid` value, extended past an edge that wins: study-lr-sweep.ts) at each family's
 * smallest size — its best run is that size's main run —
 * main runs at the other sizes with the sweep's LR, and `seeds − 1` extra seeds at the smallest and the largest
 * size of the first family. Every main run uses seed 0 (same initialisation seed and data order).
 */
import { familyLadder, flopsPerToken, type FamilyName, type ModelConfig } from '@scalewise/models';
import { TrainInputError } from './errors.js';

export interface FamilyStudyOptions {
  families: FamilyName[];
  /** Non-embedding parameter targets before `scale`, ascending. */
  targets: number[];
  tokensPerParam?: number;
  minSteps?: number;
  /** Training sequence length (tokens per row). */
  seq: number;
  /** Seeds at the replicated sizes (the main run counts as one). Default 3. */
  seeds?: number;
  /** Learning rates swept at each family's smallest size (≥ 3 values). */
  lrGrid: number[];
  /**
   * Values the runner may add beyond an end of `lrGrid` when that end is the best (study-lr-sweep.ts), at the grid's
   * spacing, one at a time. Not in `runs` or the estimate: they are smallest-size runs, known only after the sweep.
   * Default 0: the runner reports a winning end (lrSweepVerdict's warning) instead. Measured on the default study (all
   * three families' sweeps end at 0.01): with 2, wide-shallow and layer-shared moved to 0.033, their largest models
   * then trained 0.135 and 0.10 nats worse than at 0.01 and their exponents fell from 0.142 to 0.122 and 0.099: the
   * optimum moves with size, so an LR chosen at the smallest size alone sets part of the exponent.
   */
  lrExtensions?: number;
  /** Multiplies every size (and so every token budget). Default 1. */
  scale?: number;
  /** Rows per batch before the steps rule shrinks it. Default 16. */
  defaultBatch?: number;
  /** Warmup steps before the 10% cap. Default 100. */
  defaultWarmup?: number;
  /** Validation tokens scored once per run (forward FLOPs). Default 300,000. */
  validationTokens?: number;
  /** Measured training throughput in FLOP/s for the time estimate. Default 20e9 (tiny models, 2 cores). */
  throughput?: number;
  /** Tokenizer vocabulary. Default 259 (bytes). */
  vocabSize?: number;
  /** `familyLadder`'s ratioScale: 1/4 keeps deep-thin (dim/layers 6) and wide-shallow (16) apart at 6k–100k parameters. Default 1/4. */
  ratioScale?: number;
  /** `familyLadder`'s tolerance on the non-embedding count. Default 0.08. */
  tolerance?: number;
}

export interface PlannedRun {
  id: string;
  kind: 'lr-sweep' | 'main' | 'seed-replicate';
  family: FamilyName;
  /** Index of the size in `targets`. */
  sizeIndex: number;
  /** Target non-embedding parameters after `scale`. */
  target: number;
  nonEmbeddingParams: number;
  totalParams: number;
  config: ModelConfig;
  /** Tokens trained: steps × batchSize × seq. */
  tokens: number;
  /** tokens / nonEmbeddingParams as trained. */
  tokensPerParam: number;
  batchSize: number;
  steps: number;
  warmup: number;
  /** A number for sweep runs; 'sweep' where the family's best swept LR is used. */
  lr: number | 'sweep';
  seed: number;
  trainFlops: number;
  validationFlops: number;
}

export interface FamilyStudyPlan {
  options: Required<FamilyStudyOptions>;
  runs: PlannedRun[];
  trainFlops: number;
  validationFlops: number;
  totalFlops: number;
  /** totalFlops / throughput. */
  estimatedSeconds: number;
  rule: string;
}

const RULE =
  'tokens = tokensPerParam × N_non-embedding; batch = largest power of two ≤ defaultBatch with ⌊tokens/(batch·seq)⌋ ≥ minSteps ' +
  '(floor 1 sequence); steps = max(minSteps, ⌈tokens/(batch·seq)⌉); warmup = min(defaultWarmup, ⌊0.1·steps⌋)';

/** Batch, steps and warmup for a token budget under the rule above. */
export function stepsRule(
  budget: number,
  seq: number,
  o: { defaultBatch: number; minSteps: number; defaultWarmup: number },
): { batchSize: number; steps: number; warmup: number } {
  let batchSize = 1;
  while (batchSize * 2 <= o.defaultBatch && Math.floor(budget / (batchSize * 2 * seq)) >= o.minSteps) batchSize *= 2;
  const steps = Math.max(o.minSteps, Math.ceil(budget / (batchSize * seq)));
  return { batchSize, steps, warmup: Math.min(o.defaultWarmup, Math.floor(0.1 * steps)) };
}

function resolve(options: FamilyStudyOptions): Required<FamilyStudyOptions> {
  const o: Required<FamilyStudyOptions> = {
    tokensPerParam: 20,
    minSteps: 300,
    seeds: 3,
    scale: 1,
    defaultBatch: 16,
    defaultWarmup: 100,
    validationTokens: 300_000,
    throughput: 20e9,
    vocabSize: 259,
    ratioScale: 1 / 4,
    tolerance: 0.08,
    lrExtensions: 0,
    ...options,
  };
  const positive = (name: string, v: number, integer = false): void => {
    if (!(Number.isFinite(v) && v > 0) || (integer && !Number.isInteger(v)))
      throw new TrainInputError(`family study: ${name} must be a positive ${integer ? 'integer' : 'number'}, found ${v}`);
  };
  if (o.families.length < 1) throw new TrainInputError('family study: expected at least one family, found none');
  if (new Set(o.families).size !== o.families.length)
    throw new TrainInputError(`family study: families must be distinct, found ${o.families.join(', ')}`);
  if (o.targets.length < 2) throw new TrainInputError(`family study: expected at least 2 sizes, found ${o.targets.length}`);
  o.targets.forEach((t, i) => {
    positive(`targets[${i}]`, t);
    if (i > 0 && !(t > o.targets[i - 1]!))
      throw new TrainInputError(`family study: targets must be ascending, found ${o.targets[i - 1]} then ${t}`);
  });
  if (o.lrGrid.length < 3) throw new TrainInputError(`family study: the LR sweep needs at least 3 values, found ${o.lrGrid.length}`);
  o.lrGrid.forEach((lr, i) => positive(`lrGrid[${i}]`, lr));
  for (const key of ['seq', 'minSteps', 'seeds', 'defaultBatch'] as const) positive(key, o[key], true);
  for (const key of ['tokensPerParam', 'scale', 'throughput', 'ratioScale', 'tolerance'] as const) positive(key, o[key]);
  for (const key of ['defaultWarmup', 'lrExtensions', 'validationTokens'] as const) {
    if (!(Number.isInteger(o[key]) && o[key] >= 0))
      throw new TrainInputError(`family study: ${key} must be a non-negative integer, found ${o[key]}`);
  }
  return o;
}

/** A sweep run's id (also its cache key in a study's results): the planned grid and values added past it alike. */
export const sweepRunId = (family: string, sizeIndex: number, lr: number): string => `${family}-n${sizeIndex}-lr${lr}`;

/** Every run of a family-comparison study, with FLOPs (from `@scalewise/models` accounting) and an estimated time. */
export function planFamilyStudy(options: FamilyStudyOptions): FamilyStudyPlan {
  const o = resolve(options);
  const targets = o.targets.map((t) => t * o.scale);
  const runs: PlannedRun[] = [];
  o.families.forEach((family, familyIndex) => {
    const rungs = familyLadder(family, targets, {
      vocabSize: o.vocabSize,
      ratioScale: o.ratioScale,
      tolerance: o.tolerance,
      maxPositions: Math.max(o.seq, 512),
    });
    const last = rungs.length - 1;
    rungs.forEach((rung, sizeIndex) => {
      const n = rung.paramsNonEmbedding;
      const { batchSize, steps, warmup } = stepsRule(o.tokensPerParam * n, o.seq, o);
      const tokens = steps * batchSize * o.seq;
      const perToken = flopsPerToken(rung.config, o.seq);
      const base = {
        family,
        sizeIndex,
        target: targets[sizeIndex]!,
        nonEmbeddingParams: n,
        totalParams: rung.paramsTotal,
        config: rung.config,
        tokens,
        tokensPerParam: tokens / n,
        batchSize,
        steps,
        warmup,
        trainFlops: tokens * perToken.train.total,
        validationFlops: o.validationTokens * perToken.forward.total,
      };
      const id = `${family}-n${sizeIndex}`;
      if (sizeIndex === 0)
        o.lrGrid.forEach((lr) => runs.push({ ...base, id: sweepRunId(family, sizeIndex, lr), kind: 'lr-sweep', lr, seed: 0 }));
      else runs.push({ ...base, id, kind: 'main', lr: 'sweep', seed: 0 });
      if (familyIndex === 0 && (sizeIndex === 0 || sizeIndex === last)) {
        for (let seed = 1; seed < o.seeds; seed++)
          runs.push({ ...base, id: `${id}-seed${seed}`, kind: 'seed-replicate', lr: 'sweep', seed });
      }
    });
  });
  let trainFlops = 0;
  let validationFlops = 0;
  for (const r of runs) {
    trainFlops += r.trainFlops;
    validationFlops += r.validationFlops;
  }
  const totalFlops = trainFlops + validationFlops;
  return { options: o, runs, trainFlops, validationFlops, totalFlops, estimatedSeconds: totalFlops / o.throughput, rule: RULE };
}

/**
 * The default study: deep-thin, wide-shallow and layer-shared ladders of 5 sizes spaced ×2 (6k–96k non-embedding
 * parameters, 16×) on byte-level Brown, 20 tokens per parameter, ≥ 300 steps, 3 seeds, a 3-value LR sweep and
 * validation on the whole Brown validation split (~340k tokens with separators): ~675 s estimated at 20 GFLOP/s,
 * leaving room under 15 minutes for baselines, fits and the engine's slower small batches.
 */
export const DEFAULT_FAMILY_STUDY: FamilyStudyOptions = {
  families: ['deep-thin', 'wide-shallow', 'layer-shared'],
  targets: [6e3, 1.2e4, 2.4e4, 4.8e4, 9.6e4],
  tokensPerParam: 20,
  minSteps: 300,
  seq: 128,
  seeds: 3,
  lrGrid: [1e-3, 3e-3, 1e-2],
  validationTokens: 340_000,
  ratioScale: 1 / 4,
  tolerance: 0.08,
};

/**
 * `--quick`: two families × 4 sizes (6k–48k), 10 tokens per parameter, ≥ 150 steps, seq 64 and 100k validation
 * tokens: ~48 s estimated at 20 GFLOP/s, under 90 s. Both presets use ratioScale 1/4 and an 8% count tolerance,
 * the combination under which deep-thin and wide-shallow differ in shape at every size.
 */
export const QUICK_FAMILY_STUDY: FamilyStudyOptions = {
  families: ['deep-thin', 'wide-shallow'],
  targets: [6e3, 1.2e4, 2.4e4, 4.8e4],
  tokensPerParam: 10,
  minSteps: 150,
  seq: 64,
  seeds: 3,
  lrGrid: [1e-3, 3e-3, 1e-2],
  validationTokens: 100_000,
  ratioScale: 1 / 4,
  tolerance: 0.08,
};
