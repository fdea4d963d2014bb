import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The queue e2e tests' models: one layer, byte vocabulary (259), a few thousand parameters, trained in seconds. */
export const tinyModel = (name: string, dim: number, vocabSize = 259) => ({
  name,
  vocabSize,
  dim,
  layers: 1,
  heads: 2,
  kvHeads: 1,
  headDim: dim / 2,
  ffnHidden: 32,
  maxPositions: 64,
});

/** A corpus folder of 40 short documents (about 9 kB) for the queue e2e tests' sweeps. */
export function writeTinyCorpus(dir: string): void {
  mkdirSync(dir);
  for (let f = 0; f < 40; f++)
    writeFileSync(path.join(dir, `d${f}.txt`), `document ${f}: the quick brown fox jumps over the lazy dog ${f % 7} times.\n`.repeat(3));
}
