import { join } from 'node:path';
import { fromHfConfig, weightSpecs, type ModelConfig } from '@scalewise/models';
import { EvalError, EvalInputError } from '../../errors.js';
import { checkPositions, type CausalLM, type DecodeSession, type LogitsBatch, type ModelInfo } from '../../lm.js';
import { configInt, resolveModelFiles } from '../folder.js';
import { checkEngineConfig, createDecodeEngine, engineMemoryBytes } from './engine.js';
import { attendScratchBytes, createWasmKernels } from './kernels.js';
import { readOnnxInitializers } from './onnx-initializers.js';
import { int8Weights } from './q8-weights.js';

export interface WasmOptions {
  /**
   * Threads of the matrix-vector kernels (the calling thread plus threads − 1 workers); default min(2, CPUs): measured
   * here, 2 threads decode MobileLLM-125M 1.6× faster than 1 (both cores' memory bandwidth).
   */
  threads?: number;
}

const DEFAULT_MEMORY_BYTES = 3 * 2 ** 30;
const MAX_MEMORY_BYTES = 4 * 2 ** 30 - 2 ** 16;
const SUPPORTED =
  'fp32 and int8 (MatMulNBits) llama / MobileLLM folders exported by scalewise (config.json + onnx/model.onnx) with full causal attention';

/** The model config of a folder, refusing what the wasm engine does not run (before any weight is read). */
function wasmConfig(path: string): {
  config: ModelConfig;
  onnxPath: string;
  modelBytes: number;
  raw: Record<string, unknown>;
  int8: boolean;
} {
  const files = resolveModelFiles(path);
  if (!files.folder || !files.config) {
    throw new EvalInputError(`wasm backend: '${path}' has no config.json beside its ONNX graph; it runs ${SUPPORTED}`);
  }
  const where = join(files.folder, 'config.json');
  const dtype = files.config.scalewise_dtype;
  if (dtype !== undefined && dtype !== 'fp32' && dtype !== 'int8') {
    throw new EvalInputError(`wasm backend: '${where}' says scalewise_dtype ${JSON.stringify(dtype)}; it runs ${SUPPORTED}`);
  }
  let config: ModelConfig;
  try {
    config = fromHfConfig(files.config, where);
  } catch (cause) {
    throw new EvalInputError(`wasm backend: ${(cause as Error).message}`, { cause });
  }
  checkEngineConfig(config, `wasm backend: '${where}'`);
  return { config, onnxPath: files.onnxPath, modelBytes: files.modelBytes, raw: files.config, int8: dtype === 'int8' };
}

/** Read, check and pack the weights (kept apart from the model's closures, which must not hold the file's bytes). */
async function loadEngine(onnxPath: string, config: ModelConfig, threads: number | undefined, maxBytes: number, int8: boolean) {
  const init = readOnnxInitializers(onnxPath);
  let params = 0;
  for (const spec of weightSpecs(config)) {
    const found = init.get(spec.name);
    // An int8 folder holds its matrices as `<name>_q8` / `<name>_scale` (int8Weights checks those when it reads them).
    if (int8 && !found) {
      params += spec.shape.reduce((a, b) => a * b, 1);
      continue;
    }
    if (!found || found.dims.join(',') !== spec.shape.join(',')) {
      throw new EvalInputError(
        `ONNX file '${onnxPath}': expected initializer '${spec.name}' [${spec.shape.join(', ')}] for config.json, found ` +
          (found ? `[${found.dims.join(', ')}]` : 'none'),
      );
    }
    params += found.dims.reduce((a, b) => a * b, 1);
  }
  // threads undefined: the kernels' own default (min(2, CPUs)), the one place it is decided.
  const kernels = await createWasmKernels({ ...(threads !== undefined ? { threads } : {}), maxBytes });
  let engine: ReturnType<typeof createDecodeEngine>;
  try {
    engine = createDecodeEngine(kernels, config, (name) => init.float32(name), int8 ? int8Weights(init) : undefined);
  } catch (error) {
    await kernels.dispose();
    throw error;
  }
  return { kernels, engine, params };
}

/**
 * A CausalLM that decodes on WebAssembly SIMD matrix-vector kernels (kernels.ts): weights read from the ONNX
 * initializers, packed once, and streamed once per token. Built for batch-1 decoding (`startDecode`), where the
 * weights' memory traffic bounds the speed. A prompt (`feed` of several ids, or `logits(windows)`, each window from an
 * empty cache) goes through every layer PREFILL_ROWS tokens at a time, each weight read once per chunk (engine.ts
 * `feed`): its logits equal token-by-token decoding. One decode session at a time: starting a session (or calling
 * `logits`) ends the previous one, whose `feed` then throws.
 */
export async function loadWasmModel(path: string, options: WasmOptions = {}): Promise<CausalLM> {
  const { config, onnxPath, modelBytes, raw, int8 } = wasmConfig(path);
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
    throw new EvalInputError(`wasm backend: threads must be a positive integer, found ${threads}`);
  // wasm32 memory ends at 4 GiB; the contract's default maximum (3 GiB) is raised only for models that need more.
  // An int8 folder written by scalewise says how many bytes its matrices hold; other folders are sized as float32.
  const int8Bytes = int8 ? configInt(raw, 'scalewise_bytes_per_token') : undefined;
  const needed =
    engineMemoryBytes(config, int8Bytes !== undefined ? { int8MatrixBytes: int8Bytes } : {}) +
    attendScratchBytes(config.heads, config.maxPositions) +
    64 * 2 ** 20;
  if (needed > MAX_MEMORY_BYTES) {
    throw new EvalInputError(
      `wasm backend: '${path}' needs ${(needed / 2 ** 30).toFixed(2)} GiB of WebAssembly memory (weights and a KV cache for ` +
        `${config.maxPositions} positions); its memory ends at 4 GiB: use --backend ort`,
    );
  }
  const { kernels, engine, params } = await loadEngine(onnxPath, config, threads, Math.max(DEFAULT_MEMORY_BYTES, needed), int8);
  const bos = configInt(raw, 'bos_token_id');
  const info: ModelInfo = {
    backend: 'wasm',
    threads: kernels.threads,
    executionProvider: 'wasm-simd',
    dtype: int8 ? 'int8' : 'fp32',
    vocabSize: config.vocabSize,
    path,
    modelBytes,
    params,
    maxPositions: config.maxPositions,
    kvCache: true,
    ...(bos !== undefined ? { bosTokenId: bos } : {}),
  };
  const V = config.vocabSize;
  let session = 0; // the live session's number; older sessions refuse to feed
  let disposed = false;
  const live = () => {
    if (disposed) throw new EvalError(`wasm model '${path}' was disposed`);
    engine.reset();
    return ++session;
  };

  return {
    info,
    async logits(windows): Promise<LogitsBatch> {
      const seqLen = Math.max(0, ...windows.map((w) => w.length));
      if (windows.length === 0 || windows.some((w) => w.length === 0)) throw new EvalInputError('logits: expected non-empty windows');
      checkPositions(info, seqLen, 'window length');
      const data = new Float32Array(windows.length * seqLen * V);
      windows.forEach((w, b) => {
        live();
        engine.feed(w, data, b * seqLen * V);
      });
      return { data, batch: windows.length, seqLen, vocab: V, lengths: windows.map((w) => w.length) };
    },
    startDecode(): DecodeSession {
      const mine = live();
      return {
        get length() {
          return mine === session ? engine.length : 0;
        },
        async feed(ids) {
          if (mine !== session) throw new EvalError(`wasm model '${path}': this decode session was ended by a newer one`);
          checkPositions(info, engine.length + ids.length, 'decode length');
          const out = new Float32Array(ids.length * V);
          engine.feed(ids, out);
          return out;
        },
        cacheBytes: () => (mine === session ? engine.cacheBytes() : 0),
      };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await kernels.dispose();
    },
  };
}
