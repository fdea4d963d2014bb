import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Graph, encodeModel, tensor } from '@scalewise/models/internals';
import { createRng } from '@scalewise/core';

/**
 * Tiny reference models with exactly known likelihoods, for tests and examples: a bigram table
 * (logits of the next token = `table[current token]`) as an ONNX graph, optionally with a one-layer
 * KV cache in the `past_key_values.0.key|value` / `present.0.key|value` layout of the models export.
 */
export interface BigramOptions {
  /** Add KV-cache inputs/outputs (1 layer, 1 kv head, head_dim 2). */
  kvCache?: boolean;
}

/** ONNX bytes of a bigram model: `table` is `[vocab, vocab]`, row = current token, column = next-token logit. */
export function bigramOnnx(table: Float32Array, vocab: number, options: BigramOptions = {}): Uint8Array {
  const g = new Graph('bigram');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const w = g.initializer('table', { dtype: 'float32', dims: [vocab, vocab], data: table });
  g.output(g.op1('Gather', [w, ids], {}), 'float32', ['batch_size', 'sequence_length', vocab], 'logits');
  if (options.kvCache) {
    g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
    const kvTable = g.constant(
      tensor.float32(
        Array.from({ length: vocab * 2 }, (_, i) => i * 0.25),
        [vocab, 2],
      ),
    );
    const axis1 = g.constant(tensor.int64([1]));
    const fresh = g.op1('Unsqueeze', [g.op1('Gather', [kvTable, ids]), axis1]);
    for (const part of ['key', 'value']) {
      const past = g.input(`past_key_values.0.${part}`, 'float32', ['batch_size', 1, 'past_sequence_length', 2]);
      const present = g.op1('Concat', [past, fresh], { axis: { type: 'int', value: 2 } });
      g.output(present, 'float32', ['batch_size', 1, 'total_sequence_length', 2], `present.0.${part}`);
    }
  }
  return encodeModel(g);
}

/** ONNX bytes of a model whose logits are all zero: its perplexity is exactly `vocab`. */
export function uniformOnnx(vocab: number): Uint8Array {
  return bigramOnnx(new Float32Array(vocab * vocab), vocab);
}

/** Write a bigram model as a Hugging Face-style folder (`config.json`, `onnx/model.onnx`) that both backends load. */
export function writeBigramFolder(
  dir: string,
  table: Float32Array,
  vocab: number,
  options: BigramOptions & { bosTokenId?: number } = {},
): string {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const config = {
    model_type: 'llama',
    architectures: ['LlamaForCausalLM'],
    vocab_size: vocab,
    hidden_size: 2,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    num_key_value_heads: 1,
    head_dim: 2,
    bos_token_id: options.bosTokenId ?? 0,
    eos_token_id: options.bosTokenId ?? 0,
  };
  const write = (path: string, data: string | Uint8Array) => {
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  };
  write(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  write(join(dir, 'onnx', 'model.onnx'), bigramOnnx(table, vocab, options));
  return dir;
}

/** A seeded random bigram table (logits in [-scale, scale]). */
export function randomTable(vocab: number, seed = 1, scale = 3): Float32Array {
  const rand = createRng(seed);
  return Float32Array.from({ length: vocab * vocab }, () => (rand.next() * 2 - 1) * scale);
}
