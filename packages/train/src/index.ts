export { TrainError, TrainInputError } from './errors.js';
// Engines
export type { EngineFactory, TokenBatch, TrainingEngine } from './engine.js';
export { createEngine, ENGINE_NAMES, fastestEngine, type EngineName } from './engines.js';
export { createReferenceEngine } from './reference/engine.js';
export { ReferenceModel } from './reference/model.js';
// Trainer
export { resolveTrainingConfig, trainingConfigSchema, type ScheduleConfig, type TrainingConfig, type TrainingConfigInput } from './config.js';
export { learningRate } from './schedule.js';
export { AdamW, clipFactor, globalNorm, type AdamWOptions } from './optimizer.js';
export { loadTrainingData, rowsFromStream, RowSampler, validationBatches, type SamplerState, type TokenRows, type TrainingData } from './data.js';
export { listCheckpoints, loadCheckpoint, loadLatestCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint.js';
export { checkTrainingMemory } from './memory.js';
export { measureReferencePeakGflops, mfuFlopsPerToken, readMetrics, unigramEntropyBits, type MetricsRow, type StepMetrics, type ValidationMetrics } from './metrics.js';
export { train, type TrainOptions, type TrainResult } from './trainer.js';
export { readRunResult } from './run-result.js';
export { exportRunToOnnx } from './run-export.js';
export { Rng } from '@scalewise/core';
export { codeVersion } from './version.js';
// Sweeps
export {
  appendResult, expandSweep, readResults, runSweep, runTrainingJob, sweepSpecSchema,
  type SweepOutcome, type SweepRow, type SweepSpecInput, type TokenBudget, type TrainingJob, type TrainingJobInput,
} from './sweep.js';
// Native engine's graph side (no onnxruntime import here: the engine itself loads lazily through createEngine('native'))
export { buildTrainingGraph, NATIVE_ATTENTION_KINDS, type TrainingGraph, type TrainingGraphOptions } from './native/training-graph.js';
export { differentiate, GradContext, type DifferentiateOptions, type GradRule } from './native/autodiff.js';
export { GRAD_RULES, NON_DIFFERENTIABLE } from './native/rules.js';
// Family-comparison study plan
export {
  DEFAULT_FAMILY_STUDY, planFamilyStudy, QUICK_FAMILY_STUDY, stepsRule,
  type FamilyStudyOptions, type FamilyStudyPlan, type PlannedRun,
} from './study-plan.js';
// Whole-split validation with document-bootstrap intervals (issue #13)
export {
  bootstrapDocumentLosses, documentLosses, leadingDocuments, validateRun,
  type DocumentLosses, type ValidationDocuments, type ValidationEstimate,
} from './doc-validation.js';
export { estimateStudySeconds, measureStepThroughput, type StepThroughput } from './measure-throughput.js';
