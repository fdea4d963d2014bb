import type { ModelConfig } from '../config.js';
import { validateConfig } from '../config.js';
import { ModelsInputError } from '../errors.js';
import { weightSpecs, type ModelWeights } from '../weights.js';
import { cacheSlots, emitDecoder } from './decoder.js';
import { emitFusedDecoder, fusedDecoderSupports } from './fused-decoder.js';
import { Graph, elementCount, type Dim } from './graph.js';

/** Symbolic dimension names of the inference graph (as transformers.js / Optimum exports name them). */
export const DIMS = {
  batch: 'batch_size',
  seq: 'sequence_length',
  past: 'past_sequence_length',
  total: 'total_sequence_length',
} as const;

/** Symbolic row counts of linear attention's past state: hd (S) or 1 (z) after the first call, 0 before it. */
export const LINEAR_STATE_DIMS = { key: 'past_state_rows', value: 'past_normalizer_rows' } as const;

/** Check every weight of `config` is present with the right number of elements; throws naming the first bad one. */
export function checkWeights(config: ModelConfig, weights: ModelWeights): void {
  for (const spec of weightSpecs(config)) {
    const w = weights.get(spec.name);
    if (!w) throw new ModelsInputError(`weights: missing '${spec.name}' (shape [${spec.shape.join(', ')}]) for model '${config.name}'`);
    if (w.length !== elementCount(spec.shape)) {
      throw new ModelsInputError(
        `weights: '${spec.name}' needs ${elementCount(spec.shape)} values (shape [${spec.shape.join(', ')}]), found ${w.length}`,
      );
    }
  }
}

/**
 * The fp32 inference graph with a KV cache, named as transformers.js expects:
 * inputs `input_ids`, `attention_mask`, `position_ids` (int64) and `past_key_values.{i}.key|value`
 * [batch_size, kvHeads, past_sequence_length, headDim]; outputs `logits` [batch_size, sequence_length, vocab]
 * and `present.{i}.key|value`. Slot i = block · layerRepeat + repeat (see `cacheSlots`). Linear attention keeps the
 * names but carries its recurrent state: key = S [batch_size, kvHeads, headDim, headDim], value = z
 * [batch_size, kvHeads, 1, headDim] (an empty past [.., 0, headDim] is the zero state), constant in size.
 * Weights become initializers under their HF names (no copy: the graph references the Float32Arrays).
 */
export interface InferenceGraphOptions {
  /**
   * One MatMul for q/k/v and one for gate/up over concatenated weights (default true): fewer, wider matmuls
   * decode ~20% faster on CPU. Graph rewrites that match `MatMul(x, Transpose(W))` (e.g. int8 quantization) need false.
   */
  fuseProjections?: boolean;
  /** Sliding-window attention in chunks of the window (default true); false keeps the dense masked path (for benchmarks). */
  chunkedAttention?: boolean;
  /**
   * onnxruntime's fused CPU kernels (RMSNorm with the residual add, RotaryEmbedding; GroupQueryAttention for full
   * attention, the chunked attention graphs for sliding-window and block-sparse; see fused-decoder.ts) where the model
   * allows them: ~3× fewer nodes per token. Default true; false keeps plain ONNX ops (runtimes without onnxruntime's
   * com.microsoft contrib ops, graph rewrites).
   */
  fusedOps?: boolean;
}

export function buildInferenceGraph(config: ModelConfig, weights: ModelWeights, options: InferenceGraphOptions = {}): Graph {
  validateConfig(config);
  checkWeights(config, weights);
  const g = new Graph(config.name || 'decoder');
  const { batch, seq, past, total } = DIMS;
  const inputIds = g.input('input_ids', 'int64', [batch, seq]);
  const attentionMask = g.input('attention_mask', 'int64', [batch, total]);
  const positionIds = g.input('position_ids', 'int64', [batch, seq]);
  const slots = cacheSlots(config);
  const { kvHeads, headDim } = config;
  // Linear attention carries a constant state in the same slots: key = S [.., hd, hd], value = z [.., 1, hd]
  // (rows 0 = empty past, the zero state); softmax kinds carry K/V over past positions.
  const linear = config.attention.kind === 'linear';
  const pastDims = (rows: string): Dim[] => [batch, kvHeads, linear ? rows : past, headDim];
  const presentDims = (rows: number): Dim[] => [batch, kvHeads, linear ? rows : total, headDim];
  const pastValues = Array.from({ length: slots }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, 'float32', pastDims(LINEAR_STATE_DIMS.key)),
    value: g.input(`past_key_values.${i}.value`, 'float32', pastDims(LINEAR_STATE_DIMS.value)),
  }));
  for (const spec of weightSpecs(config)) {
    g.initializer(spec.name, { dtype: 'float32', dims: spec.shape, data: weights.get(spec.name) as Float32Array });
  }
  const kvCache = { attentionMask, positionIds, past: pastValues };
  const chunkedAttention = options.chunkedAttention ?? true;
  const out =
    (options.fusedOps ?? true) && fusedDecoderSupports(config, { chunkedAttention })
      ? emitFusedDecoder(g, config, { weight: (name) => name, inputIds, kvCache })
      : emitDecoder(g, config, {
          weight: (name) => name,
          inputIds,
          dtype: 'float32',
          kvCache,
          fuseProjections: options.fuseProjections ?? true,
          chunkedAttention,
        });
  g.output(out.logits, 'float32', [batch, seq, config.vocabSize], 'logits');
  out.present.forEach((p, i) => {
    g.output(p.key, 'float32', presentDims(headDim), `present.${i}.key`);
    g.output(p.value, 'float32', presentDims(1), `present.${i}.value`);
  });
  return g;
}
