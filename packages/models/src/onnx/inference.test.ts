import { describe, expect, it } from 'vitest';
import type { AttentionConfig, ModelConfig } from '../config.js';
import { inferenceSession, maxAbsDiff, randomWeights, step, tinyConfig } from './test-utils.js';

const TOKENS = [3, 17, 42, 8, 8, 25, 0, 49, 11];

const cases: Array<[string, Partial<ModelConfig>]> = [
  ['MHA', { kvHeads: 4 }],
  ['GQA', { kvHeads: 2 }],
  ['MQA', { kvHeads: 1 }],
  ['GQA, layerRepeat 2, untied head', { layerRepeat: 2, tiedEmbeddings: false }],
  ['sliding window 3', { attention: { kind: 'sliding-window', window: 3 } }],
  ['linear attention', { attention: { kind: 'linear' } }],
  ['block-sparse 2x2 + 1 global', { attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 2, globalTokens: 1 } }],
];

describe('inference graph with KV cache (onnxruntime-node)', () => {
  it.each(cases)('%s: incremental decoding equals full recompute, left padding changes nothing', async (_name, overrides) => {
    const config = tinyConfig(overrides);
    const session = await inferenceSession(config, randomWeights(config, 7));
    const V = config.vocabSize;
    const T = TOKENS.length;
    const full = await step(session, config, [TOKENS], [TOKENS.map(() => 1)]);
    expect(full.dims).toEqual([1, T, V]);

    // Prefill 4 tokens, then one token per call.
    let mask = TOKENS.slice(0, 4).map(() => 1);
    let out = await step(session, config, [TOKENS.slice(0, 4)], [mask]);
    let err = maxAbsDiff(out.logits, full.logits.subarray(0, 4 * V));
    for (let t = 4; t < T; t++) {
      mask = [...mask, 1];
      out = await step(session, config, [[TOKENS[t]!]], [mask], out.present);
      // A sliding window's cache keeps only the last `window` slots, block-sparse its G globals and last L·b slots;
      // linear attention its state S [hd, hd], z [1, hd].
      const a = config.attention;
      const bound =
        a.kind === 'sliding-window' ? a.window : a.kind === 'block-sparse' ? a.globalTokens + a.localBlocks * a.blockSize : t + 1;
      const kept = Math.min(t + 1, bound);
      const [keyRows, valueRows] = config.attention.kind === 'linear' ? [config.headDim, 1] : [kept, kept];
      expect(out.present.get('present.0.key')!.dims).toEqual([1, config.kvHeads, keyRows, config.headDim]);
      expect(out.present.get('present.0.value')!.dims).toEqual([1, config.kvHeads, valueRows, config.headDim]);
      err = Math.max(err, maxAbsDiff(out.logits, full.logits.subarray(t * V, (t + 1) * V)));
    }
    expect(err).toBeLessThan(1e-5);

    // Batch of two: row 1 is the last 6 tokens left-padded by 3; its logits must equal an unpadded run.
    const tail = TOKENS.slice(3);
    const alone = await step(session, config, [tail], [tail.map(() => 1)]);
    const batched = await step(session, config, [TOKENS, [1, 1, 1, ...tail]], [TOKENS.map(() => 1), [0, 0, 0, ...tail.map(() => 1)]]);
    expect(maxAbsDiff(batched.logits.subarray(0, T * V), full.logits)).toBeLessThan(1e-5);
    expect(maxAbsDiff(batched.logits.subarray((T + 3) * V, 2 * T * V), alone.logits)).toBeLessThan(1e-5);
    // ...and one more decoding step on the padded batch matches too.
    const next = await step(
      session,
      config,
      [[5], [5]],
      [
        [...TOKENS.map(() => 1), 1],
        [0, 0, 0, ...tail.map(() => 1), 1],
      ],
      batched.present,
    );
    const aloneNext = await step(session, config, [[5]], [[...tail.map(() => 1), 1]], alone.present);
    expect(maxAbsDiff(next.logits.subarray(V, 2 * V), aloneNext.logits)).toBeLessThan(1e-5);
  });

  it('the attention kind really changes the logits (window 2 differs from full; window ≥ T equals full)', async () => {
    const run = async (attention: AttentionConfig) => {
      const config = tinyConfig({ attention });
      const session = await inferenceSession(config, randomWeights(config, 3));
      return (await step(session, config, [TOKENS], [TOKENS.map(() => 1)])).logits;
    };
    const full = await run({ kind: 'full' });
    // 1e-5, not exact: the chunked window sums over padded 2W-key blocks, in another order than the dense path.
    expect(maxAbsDiff(await run({ kind: 'sliding-window', window: TOKENS.length }), full)).toBeLessThan(1e-5);
    expect(maxAbsDiff(await run({ kind: 'sliding-window', window: 2 }), full)).toBeGreaterThan(1e-2);
  });
});
