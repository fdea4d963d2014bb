import type { CausalLM } from '../lm.js';
import { loadOrtModel, type OrtOptions } from './ort.js';
import { loadTransformersModel } from './transformers.js';

export type BackendChoice = 'ort' | 'transformers';

export interface LoadOptions extends OrtOptions {
  /** `ort` (onnxruntime-node, default) or `transformers` (@huggingface/transformers). */
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
  return loadOrtModel(path, options);
}
