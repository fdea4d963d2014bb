/** Helpers shared by tests and the resume fixture: a tiny model and learnable synthetic data. */
import { LLAMA_DEFAULTS, type ModelConfig } from '@scalewise/models';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rowsFromStream, type TrainingData } from './data.js';
import { Rng } from '@scalewise/core';

export function tinyModel(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...LLAMA_DEFAULTS,
    name: 'tiny',
    vocabSize: 16,
    dim: 16,
    layers: 2,
    heads: 2,
    kvHeads: 1,
    headDim: 8,
    ffnHidden: 32,
    maxPositions: 64,
    ...over,
  };
}

/** A Markov stream: next = (3·prev + 1) mod V with probability 0.8, else uniform. Its entropy is well below log V. */
export function syntheticData(seq: number, vocab = 16, length = 20_000, seed = 1): TrainingData {
  const rng = new Rng(seed);
  const make = (n: number): Int32Array => {
    const out = new Int32Array(n);
    for (let i = 1; i < n; i++) out[i] = rng.next() < 0.8 ? (3 * out[i - 1]! + 1) % vocab : rng.int(vocab);
    return out;
  };
  return {
    seq,
    vocabSize: vocab,
    train: rowsFromStream(make(length), seq),
    validation: rowsFromStream(make(length / 10), seq),
    tokensPerByte: 1,
    manifestHash: `synthetic-${seq}-${vocab}-${length}-${seed}`,
    description: 'synthetic Markov stream',
  };
}

/** A small, fast training config for tests. */
export function tinyTrainingConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: tinyModel(),
    data: { seq: 16 },
    steps: 30,
    batchSize: 4,
    optimizer: { lr: 1e-2 },
    eval: { every: 10, batches: 2 },
    checkpoint: { every: 4, keep: 2 },
    seed: 3,
    peakGflops: 1,
    ...over,
  };
}

/**
 * A temporary folder holding a corpus of `files` documents of `words` random words (seeded) and the token cache
 * (SCALEWISE_CACHE) while a suite runs: call `setUp` before the suite (before any worker thread starts: a worker
 * copies the environment when it starts) and `tearDown` after it.
 */
export function wordCorpusFixture(prefix: string, options: { files: number; words: number; seed: number }) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const corpus = join(root, 'corpus');
  let oldCache: string | undefined;
  return {
    root,
    corpus,
    setUp(): void {
      oldCache = process.env.SCALEWISE_CACHE;
      process.env.SCALEWISE_CACHE = join(root, 'cache');
      mkdirSync(corpus);
      const rng = new Rng(options.seed);
      const vocabulary = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran'];
      for (let f = 0; f < options.files; f++) {
        const text = Array.from({ length: options.words }, () => vocabulary[rng.int(vocabulary.length)]).join(' ');
        writeFileSync(join(corpus, `doc${String(f).padStart(2, '0')}.txt`), `${text}.\n`);
      }
    },
    tearDown(): void {
      if (oldCache === undefined) delete process.env.SCALEWISE_CACHE;
      else process.env.SCALEWISE_CACHE = oldCache;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
