import type { AttentionConfig } from '../config.js';
import { attr, tensor, type Graph } from './graph.js';
import type { DecoderDType } from './decoder.js';

/** Additive value for a masked score: large and finite so softmax gives exactly 0 and gradients stay finite. */
export const MASKED = -1e9;

/** Whether query position `i` may attend to key position `j` (both absolute positions, j ≤ i checked here too). */
export function attends(attention: AttentionConfig, i: number, j: number): boolean {
  if (j > i) return false;
  switch (attention.kind) {
    case 'full':
    case 'linear':
      return true;
    case 'sliding-window':
      return i - j < attention.window;
    case 'block-sparse':
      return (
        j < attention.globalTokens || Math.floor(i / attention.blockSize) - Math.floor(j / attention.blockSize) < attention.localBlocks
      );
  }
}

/** Constant [T, T] additive mask (row = query, column = key): 0 where attended, MASKED elsewhere. */
export function additiveMask(attention: AttentionConfig, T: number): Float64Array {
  const mask = new Float64Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) mask[i * T + j] = attends(attention, i, j) ? 0 : MASKED;
  return mask;
}

export interface DynamicMaskOptions {
  attention: AttentionConfig;
  dtype: DecoderDType;
  /** int64 [batch, past + seq] */
  attentionMask: string;
  /** int64 [batch, seq], for the number of new tokens. */
  inputIds: string;
  prefix: string;
}

/** Constant [T, T] 0/1 mask (row = query, column = key), for linear attention's causal sum. */
export function multiplicativeMask(attention: AttentionConfig, T: number): Float64Array {
  const mask = new Float64Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) mask[i * T + j] = attends(attention, i, j) ? 1 : 0;
  return mask;
}

/**
 * The KV-path mask, [batch, 1, 1, seq, past + seq], built in-graph from `attention_mask`:
 * causal over cache slots (new token s sits in slot past + s), padding keys masked, and the window or
 * block pattern applied on token positions cumsum(attention_mask) - 1 (so left padding does not shift them).
 * Additive (0 / MASKED) for softmax attention, or 0/1 with `multiplicative` (linear attention).
 */
export function dynamicMask(g: Graph, o: DynamicMaskOptions, multiplicative = false): string {
  const op = (type: string, inputs: string[], attrs: Parameters<Graph['op1']>[2] = {}) =>
    g.op1(type, inputs, attrs, { label: `${o.prefix}mask_${type.toLowerCase()}` });
  const ints = (values: number[]) => g.constant(tensor.int64(values), `${o.prefix}mask_const`);
  const scalar = (v: number) => g.constant(tensor.int64([v], []), `${o.prefix}mask_const`);
  const total = op('Squeeze', [op('Shape', [o.attentionMask], { start: attr.int(1), end: attr.int(2) })]);
  const seq = op('Squeeze', [op('Shape', [o.inputIds], { start: attr.int(1), end: attr.int(2) })]);
  const one = scalar(1);
  const keySlot = op('Range', [scalar(0), total, one]);
  const querySlot = op('Range', [op('Sub', [total, seq]), total, one]);
  // [seq, total]: query slot ≥ key slot.
  let allowed = op('GreaterOrEqual', [op('Unsqueeze', [querySlot, ints([1])]), op('Unsqueeze', [keySlot, ints([0])])]);
  // [batch, 1, 1, 1, total]: padding keys masked.
  const keyOk = op('Unsqueeze', [op('Cast', [o.attentionMask], { to: attr.int(9) }), ints([1, 2, 3])]);
  allowed = op('And', [allowed, keyOk]);
  const a = o.attention;
  if (a.kind === 'sliding-window' || a.kind === 'block-sparse') {
    const keyPos = op('Sub', [op('CumSum', [o.attentionMask, scalar(1)]), one]); // [batch, total]
    // [batch, seq]
    const queryPos = op('Slice', [keyPos, op('Unsqueeze', [op('Neg', [seq]), ints([0])]), ints([Number.MAX_SAFE_INTEGER]), ints([1])]);
    const q = op('Unsqueeze', [queryPos, ints([1, 2, 4])]); // [batch, 1, 1, seq, 1]
    const k = op('Unsqueeze', [keyPos, ints([1, 2, 3])]); // [batch, 1, 1, 1, total]
    let pattern: string;
    if (a.kind === 'sliding-window') {
      pattern = op('Less', [op('Sub', [q, k]), scalar(a.window)]);
    } else {
      const bs = scalar(a.blockSize);
      const local = op('Less', [op('Sub', [op('Div', [q, bs]), op('Div', [k, bs])]), scalar(a.localBlocks)]);
      pattern = op('Or', [local, op('Less', [k, scalar(a.globalTokens)])]);
    }
    allowed = op('And', [allowed, pattern]);
  }
  const scalarF = (v: number) =>
    g.constant(o.dtype === 'float64' ? tensor.float64([v], []) : tensor.float32([v], []), `${o.prefix}mask_const`);
  return multiplicative ? op('Where', [allowed, scalarF(1), scalarF(0)]) : op('Where', [allowed, scalarF(0), scalarF(MASKED)]);
}
