// '@scalewise/train/kernels': the native engine's reverse-mode autodiff over ONNX graphs and its per-operator
// gradient rules, for adding or checking rules. No stability promise.
export { differentiate, GradContext, type DifferentiateOptions, type GradRule, type RowGradient } from './native/autodiff.js';
export { GRAD_RULES, NON_DIFFERENTIABLE } from './native/rules.js';
