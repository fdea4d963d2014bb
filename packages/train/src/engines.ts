import type { ModelConfig } from '@scalewise/models';
import type { EngineFactory, TrainingEngine } from './engine.js';
import { TrainError, TrainInputError } from './errors.js';
import { createReferenceEngine } from './reference/engine.js';

/** Engines by name: `reference` (TypeScript) and `native` (ONNX Runtime, loaded lazily). */
export const ENGINE_NAMES = ['reference', 'native'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

// A variable specifier keeps typecheck independent of whether the native engine is built into this checkout.
const NATIVE_MODULE = './native/index.js';

async function loadNative(): Promise<EngineFactory> {
  let mod: { createNativeEngine?: EngineFactory };
  try {
    mod = (await import(NATIVE_MODULE)) as { createNativeEngine?: EngineFactory };
  } catch (error) {
    throw new TrainError(`engine 'native' is not available: could not load ${NATIVE_MODULE} (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof mod.createNativeEngine !== 'function')
    throw new TrainError(`engine 'native' is not available: ${NATIVE_MODULE} does not export createNativeEngine`);
  return mod.createNativeEngine;
}

/** Create a training engine by name for one model config. */
export async function createEngine(name: string, config: ModelConfig, options: { threads?: number } = {}): Promise<TrainingEngine> {
  if (name === 'reference') return createReferenceEngine(config, options);
  if (name === 'native') return (await loadNative())(config, options);
  throw new TrainInputError(`engine must be one of ${ENGINE_NAMES.join(', ')}, found '${name}'`);
}

/** The fastest engine that loads on this machine: `native` (ONNX Runtime) when it loads, else `reference`. */
export async function fastestEngine(): Promise<EngineName> {
  try {
    await loadNative();
    return 'native';
  } catch {
    return 'reference';
  }
}
