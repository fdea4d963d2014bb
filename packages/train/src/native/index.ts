import type { EngineFactory } from '../engine.js';
import { NativeEngine } from './engine.js';

/** The native engine: forward + backward as one ONNX graph executed by onnxruntime-node. */
export const createNativeEngine: EngineFactory = async (config, options) =>
  new NativeEngine(config, { ...(options.threads ? { threads: options.threads } : {}) });

export { NativeEngine, type NativeEngineOptions } from './engine.js';
export { buildTrainingGraph, NATIVE_ATTENTION_KINDS, type TrainingGraph, type TrainingGraphOptions } from './training-graph.js';
export { differentiate, GradContext, type DifferentiateOptions, type GradRule } from './autodiff.js';
export { GRAD_RULES, NON_DIFFERENTIABLE } from './rules.js';
export { inferShapes, type ShapeMap } from './shapes.js';
