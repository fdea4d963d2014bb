// The public API of @scalewise/train: configure and run training, checkpoints, metrics, sweeps and study plans.
// Engine parts and optimizer internals are under '@scalewise/train/internals', the native engine's autodiff and
// gradient rules under '@scalewise/train/kernels', test fixtures under '@scalewise/train/testing'.

// Errors
export { TrainError, TrainInputError } from './errors.js';

// Engines
export type { GradOptions, TokenBatch, TrainingEngine } from './engine.js';
export { createEngine, ENGINE_NAMES, fastestEngine, type EngineName } from './engines.js';

// Training
export {
  resolveTrainingConfig,
  trainingConfigSchema,
  type ScheduleConfig,
  type TrainingConfig,
  type TrainingConfigInput,
} from './config.js';
export { learningRate } from './schedule.js';
export { loadTrainingData, validationBatches, type TokenRows, type TrainingData } from './data.js';
export { train, type TrainOptions, type TrainResult } from './trainer.js';
export { listCheckpoints, loadCheckpoint, loadLatestCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint.js';
export { checkTrainingMemory } from './memory.js';
export { exportRunToOnnx } from './run-export.js';
export { readRunResult } from './run-result.js';
export { readMetrics, type MetricsRow, type StepMetrics, type ValidationMetrics } from './metrics.js';
export { codeVersion } from './version.js';

// Sweeps
export { expandSweep, readResults, runSweep, sweepSpecSchema, type SweepOutcome, type SweepRow, type SweepSpecInput } from './sweep.js';

// Family-comparison study plan
export {
  DEFAULT_FAMILY_STUDY,
  planFamilyStudy,
  QUICK_FAMILY_STUDY,
  type FamilyStudyOptions,
  type FamilyStudyPlan,
  type PlannedRun,
} from './study-plan.js';
export { lrSweepRun, lrSweepVerdict, type LrSweepPoint, type LrSweepVerdict } from './study-lr-sweep.js';
// Whole-split validation with document-bootstrap intervals (issue #13)
export { validateRun, type ValidationDocuments, type ValidationEstimate } from './doc-validation.js';
export { estimateStudySeconds, measureStepThroughput, type StepThroughput } from './measure-throughput.js';
// Runs side by side on worker threads
export { createRunPool, type PooledRun, type RunPool, type RunPoolOptions } from './run-pool.js';
export type { JobValidation, TrainedJob } from './train-job.js';
