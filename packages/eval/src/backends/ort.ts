import * as ort from 'onnxruntime-node';
import { EvalError, EvalInputError } from '../errors.js';
import type { CausalLM, DecodeSession, LogitsBatch, ModelInfo } from '../lm.js';
import { configInt, resolveModelFiles } from './folder.js';
import { recomputeDecode } from './recompute.js';

export interface OrtOptions {
  /** Intra-op threads; default: onnxruntime's (one per physical core). */
  threads?: number;
  /** Execution provider name; default `cpu`. */
  executionProvider?: string;
  /** Recorded weight precision; default read from config.json `scalewise_dtype`, else `fp32`. */
  dtype?: string;
  /**
   * Let idle intra-op threads spin (onnxruntime's default, true). Spinning wins on a dedicated machine; on a
   * CPU shared with other processes, false avoids threads burning their time slice waiting for each other.
   */
  spinning?: boolean;
}

const KNOWN_INPUT = /^(input_ids|attention_mask|position_ids|past_key_values\.\d+\.(key|value))$/;

interface KvLayout {
  layers: number;
  kvHeads: number;
  headDim: number;
  type: 'float32' | 'float16';
}

function kvLayout(session: ort.InferenceSession, config: Record<string, unknown> | undefined): KvLayout | undefined {
  const past = session.inputMetadata.filter((m) => m.name.startsWith('past_key_values.'));
  if (past.length === 0) return undefined;
  const layers = past.length / 2;
  const first = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
  if (!Number.isInteger(layers) || !first || !first.isTensor) {
    throw new EvalInputError(
      `ONNX model: past_key_values inputs must come in .key/.value pairs numbered from 0, found ${past.map((m) => m.name).join(', ')}`,
    );
  }
  const dim = (i: number, key: string): number => {
    const d = first.shape[i];
    const value = typeof d === 'number' ? d : configInt(config, key);
    if (value === undefined)
      throw new EvalInputError(`ONNX model: past_key_values.0.key dimension ${i} is symbolic and config.json has no '${key}'`);
    return value;
  };
  const heads = configInt(config, 'num_attention_heads');
  const hidden = configInt(config, 'hidden_size');
  const headDimFallback = configInt(config, 'head_dim') ?? (heads && hidden ? hidden / heads : undefined);
  const headDim = typeof first.shape[3] === 'number' ? first.shape[3] : headDimFallback;
  if (headDim === undefined) throw new EvalInputError('ONNX model: cannot tell head_dim from the graph or config.json');
  return { layers, kvHeads: dim(1, 'num_key_value_heads'), headDim, type: first.type === 'float16' ? 'float16' : 'float32' };
}

function int64(values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i] as number);
  return new ort.Tensor('int64', data, dims);
}

ort.env.logLevel = 'fatal';

/** A CausalLM on onnxruntime-node: one session, created once, reused for every call. */
export async function loadOrtModel(path: string, options: OrtOptions = {}): Promise<CausalLM> {
  const files = resolveModelFiles(path);
  const ep = options.executionProvider ?? 'cpu';
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(files.onnxPath, {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
      // Fatal only: onnxruntime's own coloured log lines must not reach the terminal; its errors come back as ours.
      logSeverityLevel: 4,
      ...(options.threads !== undefined ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
      ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    });
  } catch (cause) {
    throw new EvalInputError(`cannot load ONNX model '${files.onnxPath}': ${(cause as Error).message}`, { cause });
  }
  const inputs = new Set(session.inputNames);
  const unknown = session.inputNames.filter((n) => !KNOWN_INPUT.test(n));
  if (!inputs.has('input_ids') || unknown.length > 0 || !session.outputNames.includes('logits')) {
    throw new EvalInputError(
      `ONNX model '${files.onnxPath}': expected inputs input_ids[, attention_mask, position_ids, past_key_values.{i}.key|value] and ` +
        `output logits; ` +
        `found inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
    );
  }
  const kv = kvLayout(session, files.config);
  const logitsMeta = session.outputMetadata.find((m) => m.name === 'logits');
  const vocabDim = logitsMeta?.isTensor ? logitsMeta.shape[2] : undefined;
  const vocabSize = typeof vocabDim === 'number' ? vocabDim : configInt(files.config, 'vocab_size');
  if (vocabSize === undefined)
    throw new EvalInputError(`ONNX model '${files.onnxPath}': logits vocab dimension is symbolic and config.json has no vocab_size`);
  const bos = configInt(files.config, 'bos_token_id');
  const maxPositions = configInt(files.config, 'max_position_embeddings');
  const dtype = options.dtype ?? (typeof files.config?.scalewise_dtype === 'string' ? files.config.scalewise_dtype : 'fp32');
  const info: ModelInfo = {
    backend: 'onnxruntime-node',
    threads: options.threads ?? null,
    executionProvider: ep,
    dtype,
    vocabSize,
    path,
    modelBytes: files.modelBytes,
    kvCache: kv !== undefined,
    ...(bos !== undefined ? { bosTokenId: bos } : {}),
    ...(maxPositions !== undefined ? { maxPositions } : {}),
  };

  const emptyPast = (batch: number): Record<string, ort.Tensor> => {
    const feeds: Record<string, ort.Tensor> = {};
    if (!kv) return feeds;
    const dims = [batch, kv.kvHeads, 0, kv.headDim];
    for (let i = 0; i < kv.layers; i++) {
      for (const part of ['key', 'value']) {
        feeds[`past_key_values.${i}.${part}`] = new ort.Tensor(
          kv.type,
          kv.type === 'float16' ? new Uint16Array(0) : new Float32Array(0),
          dims,
        );
      }
    }
    return feeds;
  };

  const run = async (feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> => {
    try {
      return await session.run(feeds);
    } catch (cause) {
      throw new EvalError(`onnxruntime failed on '${files.onnxPath}': ${(cause as Error).message}`, { cause });
    }
  };

  const lm: CausalLM = {
    info,
    async logits(windows): Promise<LogitsBatch> {
      const batch = windows.length;
      const seqLen = Math.max(...windows.map((w) => w.length));
      if (batch === 0 || seqLen === 0) throw new EvalInputError('logits: expected at least one non-empty window');
      const ids = new Array<number>(batch * seqLen).fill(0);
      const mask = new Array<number>(batch * seqLen).fill(0);
      const pos = new Array<number>(batch * seqLen).fill(0);
      windows.forEach((w, b) => {
        for (let t = 0; t < seqLen; t++) {
          if (t < w.length) {
            ids[b * seqLen + t] = w[t] as number;
            mask[b * seqLen + t] = 1;
          }
          pos[b * seqLen + t] = t;
        }
      });
      const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids, [batch, seqLen]), ...emptyPast(batch) };
      if (inputs.has('attention_mask')) feeds.attention_mask = int64(mask, [batch, seqLen]);
      if (inputs.has('position_ids')) feeds.position_ids = int64(pos, [batch, seqLen]);
      const out = await run(feeds);
      const logits = out.logits;
      if (!logits || logits.dims.length !== 3 || logits.dims[0] !== batch || logits.dims[1] !== seqLen || logits.dims[2] !== vocabSize) {
        throw new EvalError(
          `ONNX model '${files.onnxPath}': expected logits [${batch}, ${seqLen}, ${vocabSize}], found ` +
            `[${logits?.dims.join(', ') ?? 'none'}]`,
        );
      }
      return { data: logits.data as Float32Array, batch, seqLen, vocab: vocabSize, lengths: windows.map((w) => w.length) };
    },
    startDecode(): DecodeSession {
      if (!kv) return recomputeDecode(lm);
      let past = emptyPast(1);
      let length = 0;
      return {
        get length() {
          return length;
        },
        async feed(ids) {
          const n = ids.length;
          const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids, [1, n]), ...past };
          if (inputs.has('attention_mask')) feeds.attention_mask = int64(new Array<number>(length + n).fill(1), [1, length + n]);
          if (inputs.has('position_ids'))
            feeds.position_ids = int64(
              Array.from({ length: n }, (_, i) => length + i),
              [1, n],
            );
          const out = await run(feeds);
          const next: Record<string, ort.Tensor> = {};
          for (let i = 0; i < kv.layers; i++) {
            for (const part of ['key', 'value']) {
              const present = out[`present.${i}.${part}`];
              if (!present) throw new EvalError(`ONNX model '${files.onnxPath}': output present.${i}.${part} is missing`);
              next[`past_key_values.${i}.${part}`] = present;
            }
          }
          past = next;
          length += n;
          return (out.logits as ort.Tensor).data as Float32Array;
        },
        cacheBytes: () => Object.values(past).reduce((sum, t) => sum + t.size * (kv.type === 'float16' ? 2 : 4), 0),
      };
    },
    dispose: async () => {
      await session.release();
    },
  };
  return lm;
}
