// The public API of @scalewise/eval: load a model, measure perplexity and bits per byte, run zero-shot tasks,
// benchmark throughput and memory. Scoring, task and backend internals are under '@scalewise/eval/internals';
// tiny ONNX models for tests under '@scalewise/eval/testing'.

// Errors
export { EvalError, EvalInputError } from './errors.js';

// Models
export type { BackendName, CausalLM, ModelInfo } from './lm.js';
export { loadModel, type BackendChoice, type LoadOptions } from './backends/load.js';
export { loadWasmModel, type WasmOptions } from './backends/wasm/wasm.js';
export { resolveModelFiles, type ModelFiles } from './backends/folder.js';
export { functionModel, type WindowLogitsFn } from './backends/function.js';
export { writeInt8ModelFolder, type QuantizeOptions, type QuantizeStats } from './quantize/int8.js';

// Perplexity and bits per byte
export { perplexity, windowLoss, type PerplexityOptions, type PerplexityResult, type PplDocument } from './ppl/perplexity.js';
export { corpusDocuments, type CorpusDocsOptions } from './ppl/corpus.js';
export { hfStridePerplexity, type HfStrideOptions, type HfStrideResult } from './ppl/hf-stride.js';
export { hfStrideSequence, type HfRows, type HfSequence, type HfSequenceOptions } from './ppl/hf-sequence.js';

// Zero-shot multiple-choice tasks
export { loadTask, type LoadedTask } from './tasks/read.js';
export { evaluateTask, lmEvalResults, type TaskOptions, type TaskResult } from './tasks/evaluate.js';

// Speed and memory benchmarks
export { runBench, type BenchProtocol, type BenchResult, type BenchSpec } from './bench/run-bench.js';
export { benchOriginal, type OriginalSpeedOptions, type OriginalSpeedResult } from './bench/original.js';
export { runBenchIsolated } from './bench/isolated.js';
export { benchThroughput, type ThroughputResult } from './bench/throughput.js';
export { measureBandwidth, type BandwidthResult } from './bench/bandwidth.js';
export { peakRssBytes } from './bench/memory.js';
export { randomPresetFolder } from './bench/random-model.js';
export { benchSideBySide, type SideBySideEntry, type SideBySideResult } from './bench/side-by-side.js';
export { benchReport, formatBenchReport, type BenchReport } from './bench/report.js';

// Real checkpoints measured as the original study did
export { measureCheckpoint, type CheckpointMeasurement, type MeasureCheckpointOptions } from './checkpoint/measure.js';
