import type { GradRule } from './autodiff.js';
import { ELEMENTWISE_RULES } from './rules-elementwise.js';
import { STRUCTURAL_RULES } from './rules-structural.js';
import { rotaryEmbeddingGrad } from './rules-fused.js';

/** Gradient rules by op type (default domain; RotaryEmbedding is com.microsoft's). */
export const GRAD_RULES: Record<string, GradRule> = { ...ELEMENTWISE_RULES, ...STRUCTURAL_RULES, RotaryEmbedding: rotaryEmbeddingGrad };

/** Ops whose outputs carry no gradient (integer, boolean or shape results). */
export const NON_DIFFERENTIABLE = new Set([
  'Shape',
  'Size',
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Range',
  'ConstantOfShape',
  'Constant',
  'NonZero',
  'ArgMax',
  'ArgMin',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
]);
