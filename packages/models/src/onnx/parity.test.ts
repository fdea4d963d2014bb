import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config.js';
import { forward } from '../forward/model.js';
import { inferenceSession, maxAbsDiff, randomWeights, step, tinyConfig } from './test-utils.js';

// 20 tokens so sliding windows and sparse blocks are crossed many times; positions up to 19.
const TOKENS = [3, 17, 42, 8, 8, 25, 0, 49, 11, 30, 2, 2, 47, 19, 5, 33, 21, 6, 40, 13];
const TOL = 1e-4;

const cases: Array<[string, Partial<ModelConfig>]> = [
  ['MHA, tied', { kvHeads: 4 }],
  ['GQA, untied', { kvHeads: 2, tiedEmbeddings: false }],
  ['MQA, tied', { kvHeads: 1 }],
  ['GQA, layerRepeat 2 (MobileLLM-LS)', { layerRepeat: 2 }],
  ['MQA, layerRepeat 2, untied', { kvHeads: 1, layerRepeat: 2, tiedEmbeddings: false }],
  ['sliding window 5', { attention: { kind: 'sliding-window', window: 5 } }],
  ['sliding window 6 (20 tokens: a partial last chunk)', { attention: { kind: 'sliding-window', window: 6 } }],
  ['sliding window 32 (longer than the 20 tokens)', { attention: { kind: 'sliding-window', window: 32 } }],
  ['sliding window 1, MQA', { attention: { kind: 'sliding-window', window: 1 }, kvHeads: 1 }],
  ['block-sparse (blocks of 4, 2 local, 3 global)', { attention: { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 3 } }],
  ['linear attention (φ = elu + 1), GQA', { attention: { kind: 'linear' } }],
  ['linear attention, MQA, layerRepeat 2', { attention: { kind: 'linear' }, kvHeads: 1, layerRepeat: 2 }],
  ['headDim 16, theta 500000', { dim: 32, heads: 4, kvHeads: 2, headDim: 16, ropeTheta: 500000 }],
];

describe('ONNX export parity with the TypeScript reference forward pass (fp32)', () => {
  it.each(cases)('%s: full and incremental logits within 1e-4', async (_name, overrides) => {
    const config = tinyConfig(overrides);
    const weights = randomWeights(config, 21);
    const reference = forward(config, weights, TOKENS);
    const session = await inferenceSession(config, weights);
    const V = config.vocabSize;

    const full = await step(session, config, [TOKENS], [TOKENS.map(() => 1)]);
    const fullErr = maxAbsDiff(full.logits, reference);
    expect(fullErr).toBeLessThan(TOL);

    // Prefill 7, then decode one token at a time through the KV cache.
    let out = await step(session, config, [TOKENS.slice(0, 7)], [TOKENS.slice(0, 7).map(() => 1)]);
    let incErr = maxAbsDiff(out.logits, reference.subarray(0, 7 * V));
    for (let t = 7; t < TOKENS.length; t++) {
      out = await step(session, config, [[TOKENS[t]!]], [TOKENS.slice(0, t + 1).map(() => 1)], out.present);
      incErr = Math.max(incErr, maxAbsDiff(out.logits, reference.subarray(t * V, (t + 1) * V)));
    }
    expect(incErr).toBeLessThan(TOL);
    // The logits are O(1): a tolerance of 1e-4 is a real constraint.
    expect(Math.max(...Array.from(reference, Math.abs))).toBeGreaterThan(1);
  });
});
