import type { CausalLM } from '../lm.js';
import { loadOrtModel, type OrtOptions } from './ort.js';
import { loadTransformersModel } from './transformers.js';
import { loadWasmModel } from './wasm/wasm.js';

export type BackendChoice = 'ort' | 'transformers' | 'wasm';

export interface LoadOptions extends OrtOptions {
  /** `ort` (onnxruntime-node, default), `transformers` (@huggingface/transformers) or `wasm` (WebAssembly SIMD decode kernels). */
  backend?: BackendChoice;
}

/** Load a model folder or `.onnx` file with the chosen backend. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<CausalLM> {
  if (options.backend === 'transformers') {
    return loadTransformersModel(path, {
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.executionProvider ? { device: options.executionProvider } : {}),
    });
  }
  if (options.backend === 'wasm') return loadWasmModel(path, options.threads !== undefined ? { threads: options.threads } : {});
  return loadOrtModel(path, options);
}
