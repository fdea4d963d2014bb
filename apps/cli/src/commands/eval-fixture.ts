import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BYTE_VOCAB_SIZE, bytesTokenizer } from '@scalewise/data';
import { LLAMA_DEFAULTS, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';

/**
 * A tiny byte-level model folder (config, tokenizer, ONNX) plus a small JSONL corpus, for CLI tests
 * (`overrides`: e.g. fewer positions).
 */
export async function tinyModelFolder(
  dir: string,
  overrides: Partial<ModelConfig> = {},
): Promise<{ model: string; corpus: string; config: ModelConfig }> {
  const config: ModelConfig = {
    ...LLAMA_DEFAULTS,
    name: 'tiny-bytes',
    vocabSize: BYTE_VOCAB_SIZE,
    dim: 16,
    layers: 1,
    heads: 2,
    kvHeads: 1,
    headDim: 8,
    ffnHidden: 24,
    maxPositions: 256,
    ...overrides,
  };
  const model = join(dir, 'model');
  await writeModelFolder(model, { config, weights: initWeights(config, 3), tokenizer: bytesTokenizer().huggingFaceFiles() });
  const corpus = join(dir, 'corpus.jsonl');
  writeFileSync(
    corpus,
    ['The cat sat on the mat.', 'A quick brown fox jumps over the lazy dog, twice.', 'Scaling laws for small models.']
      .map((text, i) => JSON.stringify({ id: `d${i}`, text }))
      .join('\n'),
  );
  return { model, corpus, config };
}
