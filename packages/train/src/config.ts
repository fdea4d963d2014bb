import { parseConfigJson, resolveConfig, type ModelConfig } from '@scalewise/models';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { TrainInputError } from './errors.js';

const int = (min: number) => z.number().int().min(min);

const scheduleSchema = z.discriminatedUnion('kind', [
  /** Linear warmup, then cosine from the peak down to `floor` × peak at the last step (MobileLLM: floor 0.1). */
  z.strictObject({ kind: z.literal('cosine'), warmup: int(0).optional(), floor: z.number().min(0).max(1).default(0.1) }),
  /** Warmup-stable-decay: linear warmup, constant peak, then linear decay to `floor` × peak over the last `decayFraction` of steps. */
  z.strictObject({
    kind: z.literal('wsd'),
    warmup: int(0).optional(),
    decayFraction: z.number().gt(0).max(1).default(0.2),
    floor: z.number().min(0).max(1).default(0),
  }),
  z.strictObject({ kind: z.literal('constant'), warmup: int(0).default(0) }),
]);

/** float32's smallest normal number, 2⁻¹²⁶. */
const FLOAT32_MIN_NORMAL = 2 ** -126;

/** The training config file format (JSON). Every field but `model` and `tokens`/`steps` has a default. */
export const trainingConfigSchema = z.strictObject({
  /** A preset name, a path to a config JSON, or an inline ModelConfig / HF config.json object. */
  model: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  data: z
    .strictObject({
      /** `brown` or a path (see `@scalewise/data` loadCorpus). */
      corpus: z.string().min(1).default('brown'),
      /** `byte` or a Hugging Face tokenizer folder. */
      tokenizer: z.string().min(1).default('byte'),
      /** Tokens per training row (the model's context during training). */
      seq: int(1).default(128),
    })
    .prefault({}),
  /** Training tokens (inputs processed, = steps × batchSize × gradAccum × seq, rounded up to whole steps). */
  tokens: z.number().int().positive().optional(),
  /** Optimizer steps; alternative to `tokens`. */
  steps: z.number().int().positive().optional(),
  batchSize: int(1).default(16),
  /** Micro-batches per optimizer step (gradient accumulation). */
  gradAccum: int(1).default(1),
  optimizer: z
    .strictObject({
      lr: z.number().positive().default(3e-3),
      beta1: z.number().min(0).lt(1).default(0.9),
      beta2: z.number().min(0).lt(1).default(0.95),
      // AdamW computes in float32: a smaller ε would round to 0 or lose precision, and a parameter whose gradients are
      // all 0 would then become 0/0 = NaN.
      eps: z.number().min(FLOAT32_MIN_NORMAL, 'must be at least 1.18e-38 (float32, as AdamW computes)').default(1e-8),
      weightDecay: z.number().min(0).default(0.1),
      decayEmbeddings: z.boolean().default(false),
      decayNorms: z.boolean().default(false),
      /** Global gradient-norm clip; 0 disables clipping. */
      clip: z.number().min(0).default(1),
    })
    .prefault({}),
  schedule: scheduleSchema.prefault({ kind: 'cosine' }),
  eval: z
    .strictObject({
      /** Validate every this many steps (0 = only at the end). */
      every: int(0).default(0),
      /** Validation batches (of batchSize rows) per evaluation; the same rows every time. */
      batches: int(1).default(4),
    })
    .prefault({}),
  checkpoint: z
    .strictObject({
      /** Checkpoint every this many steps (0 = only at the end). */
      every: int(0).default(0),
      /** Checkpoints kept on disk (oldest deleted first). */
      keep: int(1).default(2),
    })
    .prefault({}),
  seed: z.number().int().min(0).default(0),
  engine: z.enum(['reference', 'native']).default('reference'),
  threads: int(1).optional(),
  /** Peak GFLOP/s that MFU is measured against; measured on the engine's own matmul when absent. */
  peakGflops: z.number().positive().optional(),
});

export type TrainingConfigInput = z.input<typeof trainingConfigSchema>;
type Parsed = z.output<typeof trainingConfigSchema>;
export type ScheduleConfig = Parsed['schedule'];

/** A fully resolved training config: the model is a ModelConfig, steps and warmup are set. Saved with every checkpoint and result. */
export interface TrainingConfig extends Omit<Parsed, 'model' | 'tokens' | 'steps' | 'schedule'> {
  model: ModelConfig;
  steps: number;
  /** Training tokens actually processed: steps × batchSize × gradAccum × data.seq. */
  tokens: number;
  schedule: ScheduleConfig & { warmup: number };
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let at = input;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/**
 * Validate and resolve a training config (parsed JSON). Throws TrainInputError naming the first bad
 * field(s), e.g. `training config: field 'optimizer.lr': Too small: expected number to be >0 (found -1)`.
 */
export function resolveTrainingConfig(input: unknown, options: { cwd?: string; where?: string } = {}): TrainingConfig {
  const where = options.where ?? 'training config';
  if (isResolved(input)) return input;
  const parsed = trainingConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 3).map((issue) => {
      const field = issue.path.map(String).join('.') || '(root)';
      const found = valueAt(input, issue.path);
      return `field '${field}': ${issue.message}${found === undefined ? '' : ` (found ${JSON.stringify(found)})`}`;
    });
    throw new TrainInputError(`${where}: ${lines.join('; ')}`, { cause: parsed.error });
  }
  const c = parsed.data;
  let model: ModelConfig;
  try {
    model = typeof c.model === 'string' ? resolveConfig(c.model, options.cwd) : parseConfigJson(c.model, `${where} field 'model'`);
  } catch (error) {
    throw new TrainInputError(`${where}: field 'model': ${(error as Error).message}`, { cause: error });
  }
  if (c.data.seq > model.maxPositions)
    throw new TrainInputError(`${where}: field 'data.seq' (${c.data.seq}) exceeds the model's maxPositions (${model.maxPositions})`);
  const tokensPerStep = c.batchSize * c.gradAccum * c.data.seq;
  if (c.steps === undefined && c.tokens === undefined)
    throw new TrainInputError(`${where}: field 'tokens' or 'steps' is required, found neither`);
  if (c.steps !== undefined && c.tokens !== undefined)
    throw new TrainInputError(`${where}: give only one of fields 'tokens' and 'steps', found both`);
  const steps = c.steps ?? Math.max(1, Math.ceil((c.tokens ?? 0) / tokensPerStep));
  // Default warmup: 5% of steps, at most MobileLLM's 1000.
  const warmup = c.schedule.warmup ?? Math.min(1000, Math.ceil(0.05 * steps));
  if (warmup > steps) throw new TrainInputError(`${where}: field 'schedule.warmup' (${warmup} steps) exceeds the run's ${steps} steps`);
  const { tokens: _tokens, steps: _steps, ...rest } = c;
  // Corpus paths resolve against the config's folder, and are stored absolute so a resume from elsewhere reads the same files.
  const corpus =
    c.data.corpus === 'brown' || isAbsolute(c.data.corpus) ? c.data.corpus : resolve(options.cwd ?? process.cwd(), c.data.corpus);
  return { ...rest, data: { ...c.data, corpus }, model, steps, tokens: steps * tokensPerStep, schedule: { ...c.schedule, warmup } };
}

function isResolved(input: unknown): input is TrainingConfig {
  const c = input as Partial<TrainingConfig> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.model === 'object' &&
    c.model !== null &&
    typeof (c.model as ModelConfig).dim === 'number' &&
    typeof c.steps === 'number' &&
    typeof c.schedule === 'object' &&
    typeof c.schedule?.warmup === 'number' &&
    typeof c.tokens === 'number'
  );
}
