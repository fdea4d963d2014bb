// Browser-safe: a WebAssembly byte builder for hand-written kernels (eval's decode kernels, train's AdamW update).
export {
  leb,
  sleb,
  moduleBytes,
  op,
  wasmApi,
  PAGE_BYTES,
  I32,
  F32,
  F64,
  V128,
  type WasmFunction,
  type WasmInstance,
  type WasmMemory,
} from './assemble.js';
