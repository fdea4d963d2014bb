// '@scalewise/train/internals': building blocks under the public API (reference engine, optimizer, sampler, MFU
// accounting, single sweep jobs, the native engine's graph). No stability promise: these may change in any minor
// release. No onnxruntime import here: the native engine itself loads lazily through createEngine('native').

// Engines
export type { EngineFactory } from './engine.js';
export { createReferenceEngine } from './reference/engine.js';
export { ReferenceModel } from './reference/model.js';
export { buildTrainingGraph, NATIVE_ATTENTION_KINDS, type TrainingGraph, type TrainingGraphOptions } from './native/training-graph.js';

// Optimizer, sampling and metrics internals
export { AdamW, clipFactor, globalNorm, type AdamWOptions } from './optimizer.js';
export { RowSampler, rowsFromStream, type SamplerState } from './data.js';
export { measureReferencePeakGflops, mfuFlopsPerToken, unigramEntropyBits } from './metrics.js';

// Sweep and study-plan parts
export { appendResult, runTrainingJob, type TokenBudget, type TrainingJob, type TrainingJobInput } from './sweep.js';
export { stepsRule } from './study-plan.js';
export { trainAndValidate } from './train-job.js';
export { progressOfRun } from './run-progress.js';
export { shareOfCores } from './run-pool.js';

// Whole-split validation parts (validateRun combines them)
export { bootstrapDocumentLosses, documentLosses, leadingDocuments, type DocumentLosses } from './doc-validation.js';
