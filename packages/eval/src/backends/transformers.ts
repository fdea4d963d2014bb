import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EvalError, EvalInputError } from '../errors.js';
import type { CausalLM, DecodeSession, LogitsBatch, ModelInfo } from '../lm.js';
import { configInt, resolveModelFiles } from './folder.js';

export interface TransformersOptions {
  threads?: number;
  /** transformers.js device, default `cpu`. */
  device?: string;
}

interface TjsTensor {
  data: ArrayLike<number | bigint>;
  dims: number[];
}
type TjsOutputs = Record<string, TjsTensor | undefined>;
interface TjsModel {
  forward(inputs: Record<string, unknown>): Promise<TjsOutputs>;
  dispose(): Promise<unknown>;
}

/**
 * A CausalLM on @huggingface/transformers (transformers.js), loading a local Hugging Face folder
 * (`config.json`, `onnx/model.onnx`) offline: remote downloads are switched off before loading.
 */
export async function loadTransformersModel(folder: string, options: TransformersOptions = {}): Promise<CausalLM> {
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new EvalInputError(`transformers.js backend needs a model folder; '${folder}' is not a folder`);
  const files = resolveModelFiles(folder);
  if (!files.config) throw new EvalInputError(`model folder '${folder}' has no config.json (transformers.js needs it)`);
  if (!existsSync(join(folder, 'onnx', 'model.onnx')))
    throw new EvalInputError(`model folder '${folder}' has no onnx/model.onnx (transformers.js layout)`);
  const tjs = await import('@huggingface/transformers');
  const abs = resolve(folder);
  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
  tjs.env.localModelPath = `${dirname(abs)}/`;
  const external = existsSync(join(folder, 'onnx', 'model.onnx_data'));
  let model: TjsModel;
  try {
    model = (await tjs.AutoModelForCausalLM.from_pretrained(basename(abs), {
      local_files_only: true,
      dtype: 'fp32',
      device: (options.device ?? 'cpu') as 'cpu',
      ...(external ? { use_external_data_format: true } : {}),
      session_options: options.threads !== undefined ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {},
    })) as unknown as TjsModel;
  } catch (cause) {
    throw new EvalInputError(`transformers.js cannot load '${folder}': ${(cause as Error).message}`, { cause });
  }
  const vocabSize = configInt(files.config, 'vocab_size');
  if (vocabSize === undefined) throw new EvalInputError(`model config '${folder}/config.json' has no integer vocab_size`);
  const bos = configInt(files.config, 'bos_token_id');
  const maxPositions = configInt(files.config, 'max_position_embeddings');
  const info: ModelInfo = {
    backend: 'transformers.js',
    threads: options.threads ?? null,
    executionProvider: options.device ?? 'cpu',
    dtype: 'fp32',
    vocabSize,
    path: folder,
    modelBytes: files.modelBytes,
    kvCache: true,
    ...(bos !== undefined ? { bosTokenId: bos } : {}),
    ...(maxPositions !== undefined ? { maxPositions } : {}),
  };
  const int64 = (values: number[], dims: number[]) => new tjs.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

  const forward = async (inputs: Record<string, unknown>): Promise<TjsOutputs> => {
    try {
      return await model.forward(inputs);
    } catch (cause) {
      throw new EvalError(`transformers.js forward failed on '${folder}': ${(cause as Error).message}`, { cause });
    }
  };
  const logitsOf = (out: TjsOutputs, dims: number[]): Float32Array => {
    const logits = out.logits;
    if (!logits || logits.dims.join() !== dims.join())
      throw new EvalError(`transformers.js: expected logits [${dims.join(', ')}], found [${logits?.dims.join(', ') ?? 'none'}]`);
    return logits.data as Float32Array;
  };

  return {
    info,
    async logits(windows): Promise<LogitsBatch> {
      const batch = windows.length;
      const seqLen = Math.max(...windows.map((w) => w.length));
      if (batch === 0 || seqLen === 0) throw new EvalInputError('logits: expected at least one non-empty window');
      const ids: number[] = [];
      const mask: number[] = [];
      for (const w of windows) {
        for (let t = 0; t < seqLen; t++) {
          ids.push(t < w.length ? (w[t] as number) : 0);
          mask.push(t < w.length ? 1 : 0);
        }
      }
      const out = await forward({ input_ids: int64(ids, [batch, seqLen]), attention_mask: int64(mask, [batch, seqLen]) });
      return { data: logitsOf(out, [batch, seqLen, vocabSize]), batch, seqLen, vocab: vocabSize, lengths: windows.map((w) => w.length) };
    },
    startDecode(): DecodeSession {
      let past: InstanceType<typeof tjs.DynamicCache> | null = null;
      let length = 0;
      let bytes = 0;
      return {
        get length() {
          return length;
        },
        async feed(ids) {
          const n = ids.length;
          const out = await forward({
            input_ids: int64(Array.from(ids), [1, n]),
            attention_mask: int64(new Array<number>(length + n).fill(1), [1, length + n]),
            ...(past ? { past_key_values: past } : {}),
          });
          const entries: Record<string, unknown> = {};
          bytes = 0;
          for (const [name, t] of Object.entries(out)) {
            if (!name.startsWith('present') || !t) continue;
            entries[name.replace('present', 'past_key_values')] = t;
            bytes += t.data.length * 4;
          }
          past = new tjs.DynamicCache(entries as never);
          length += n;
          return logitsOf(out, [1, n, vocabSize]);
        },
        cacheBytes: () => bytes,
      };
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
