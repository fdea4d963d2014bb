import { describe, expect, it } from 'vitest';
import { forward, initWeights, type AttentionConfig } from '@scalewise/models';
import { Rng } from '@scalewise/core';
import { tinyModel } from '../test-utils.js';
import { ReferenceModel } from './model.js';

const kinds: AttentionConfig[] = [
  { kind: 'full' },
  { kind: 'sliding-window', window: 5 },
  { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 2 },
  { kind: 'linear' },
];

describe('reference engine forward = @scalewise/models reference forward', () => {
  for (const attention of kinds) {
    for (const over of [{}, { kvHeads: 2, layerRepeat: 2, tiedEmbeddings: false }]) {
      it(`${attention.kind} ${JSON.stringify(over)}`, () => {
        const config = tinyModel({ attention, ...over });
        const weights = initWeights(config, 11, { std: 0.3 });
        const B = 2,
          T = 20;
        const rng = new Rng(5);
        const tokens = Int32Array.from({ length: B * T }, () => rng.int(config.vocabSize));
        const ours = new ReferenceModel<Float32Array>(config, Float32Array).logits(weights, tokens, B, T);
        let maxDiff = 0,
          maxAbs = 0;
        for (let b = 0; b < B; b++) {
          const theirs = forward(config, weights, tokens.subarray(b * T, (b + 1) * T));
          for (let i = 0; i < theirs.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(theirs[i]! - ours[b * T * config.vocabSize + i]!));
            maxAbs = Math.max(maxAbs, Math.abs(theirs[i]!));
          }
        }
        expect(maxAbs).toBeGreaterThan(0.1); // the comparison is not between near-zero logits
        expect(maxDiff).toBeLessThan(1e-5);
      });
    }
  }
});
