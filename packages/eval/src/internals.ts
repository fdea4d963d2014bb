// '@scalewise/eval/internals': building blocks under the public API (single backends, log-probabilities, scoring
// windows, task adapters, benchmark parts, int8 graph rewriting). No stability promise: these may change in any
// minor release.

// Backends, one by one
export type { DecodeSession, LogitsBatch } from './lm.js';
export { loadOrtModel, type OrtOptions } from './backends/ort.js';
export { loadTransformersModel, type TransformersOptions } from './backends/transformers.js';

// WebAssembly SIMD kernels for a decode engine (panel gemv, threads over shared memory)
export { createWasmKernels, type PanelMatrix, type Q8Matrix, type WasmKernels } from './backends/wasm/kernels.js';

// Scoring
export { logSumExp, targetLogProb } from './logprob.js';
export { rollingWindows, type ScoreWindow, type WindowOptions } from './ppl/windows.js';
export { scoreWindows, type ScoreOptions } from './ppl/score.js';
export { fromEvalWindows } from './ppl/corpus.js';

// Tasks
export { ADAPTERS, hellaswagPreprocess, type McItem, type McRequest, type TaskAdapter } from './tasks/adapters.js';
export { byteTokenizer, type TextTokenizer } from './tasks/tokenizer.js';
export { encodePair, type McSample } from './tasks/evaluate.js';

// Benchmark parts
export { type SpeedStats, type ThroughputOptions } from './bench/throughput.js';
export { currentRssBytes, resetPeakRss } from './bench/memory.js';
export { ORIGINAL_STUDY_T4_TOKENS_PER_SECOND } from './bench/reference.js';

// Int8 quantization of graphs
export { quantizeGraphInt8, quantizeTransposed } from './quantize/int8.js';
