// '@scalewise/models/kernels': the reference forward pass's float32 kernels (what `forward` and `createDecoder` are
// built from), for engines and tests that check against them. No stability promise.
export { addInPlace, applyRope, embed, matmulT, rmsNorm, ropeTables, silu, softmaxRows, swiglu, type RopeTables } from './forward/ops.js';
export {
  attentionScratch,
  eluPlusOne,
  LINEAR_ATTENTION_EPS,
  LinearAttentionState,
  linearAttention,
  linearAttentionParallel,
  softmaxAttention,
  softmaxAttentionRow,
  type AttentionScratch,
  type AttentionShape,
} from './forward/attention.js';
