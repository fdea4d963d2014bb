import { EvalError } from './errors.js';

/** log Σ exp(row), computed in float64 with the max subtracted. */
export function logSumExp(data: Float32Array, offset: number, length: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    const v = data[offset + i] as number;
    if (v > max) max = v;
  }
  if (!Number.isFinite(max)) throw new EvalError(`logits row at offset ${offset} has no finite maximum (found ${max})`);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp((data[offset + i] as number) - max);
  return max + Math.log(sum);
}

/** Natural-log probability of `target` under the softmax of one logits row. */
export function targetLogProb(data: Float32Array, offset: number, vocab: number, target: number): number {
  if (!Number.isInteger(target) || target < 0 || target >= vocab)
    throw new EvalError(`target token ${target} is outside the vocabulary [0, ${vocab})`);
  const value = (data[offset + target] as number) - logSumExp(data, offset, vocab);
  if (Number.isNaN(value)) throw new EvalError(`log-probability of token ${target} is NaN (logits row at offset ${offset})`);
  return value;
}
