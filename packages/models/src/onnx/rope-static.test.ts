import { describe, expect, it } from 'vitest';
import { weightSpecs } from '../weights.js';
import { emitDecoder } from './decoder.js';
import { Graph } from './graph.js';
import { maxAbsDiff, noCacheLogits, randomWeights, referenceGap, tinyConfig } from './test-utils.js';

const ROWS = [
  [3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 3],
  [2, 7, 18, 28, 18, 28, 45, 9, 0, 4, 5, 2],
];
const opTypes = (g: Graph) => g.nodes.map((n) => n.opType);

describe('fusedRope: RoPE of the no-cache graph as com.microsoft.RotaryEmbedding', () => {
  it.each([
    ['GQA', tinyConfig(), false],
    ['GQA, fused projections', tinyConfig(), true],
    ['MQA, layerRepeat 2, headDim 8', tinyConfig({ kvHeads: 1, layerRepeat: 2, headDim: 8, dim: 32 }), true],
    ['sliding window (chunked)', tinyConfig({ attention: { kind: 'sliding-window', window: 4 } }), false],
    ['linear attention (no 1/√hd on queries)', tinyConfig({ attention: { kind: 'linear' } }), true],
  ])('%s: logits equal the reference forward and the plain-op graph; one node per q and per k', async (_n, config, fuse) => {
    const weights = randomWeights(config, 5);
    const fused = await noCacheLogits(config, weights, ROWS, true, { fusedRope: true, fuseProjections: fuse });
    const plain = await noCacheLogits(config, weights, ROWS, true, { fusedRope: false, fuseProjections: fuse });
    const { gap, scale } = referenceGap(config, weights, ROWS, fused.logits);
    expect(gap).toBeLessThan(1e-4);
    expect(scale).toBeGreaterThan(1);
    expect(maxAbsDiff(fused.logits, plain.logits)).toBeLessThan(2e-5);
    const slots = config.layers * config.layerRepeat;
    expect(opTypes(fused.graph).filter((o) => o === 'RotaryEmbedding')).toHaveLength(2 * slots);
    expect(opTypes(plain.graph).filter((o) => o === 'RotaryEmbedding')).toHaveLength(0);
    expect(fused.graph.nodes.length).toBeLessThan(plain.graph.nodes.length);
  });

  it('is ignored where RotaryEmbedding has no kernel or the graph has a cache: float64, KV decoding', () => {
    const config = tinyConfig();
    const g64 = new Graph('f64');
    for (const spec of weightSpecs(config)) g64.input(spec.name, 'float64', spec.shape);
    const ids = g64.input('ids', 'int64', [1, 6]);
    emitDecoder(g64, config, { weight: (n) => n, inputIds: ids, seqLen: 6, dtype: 'float64', fusedRope: true });
    expect(opTypes(g64)).not.toContain('RotaryEmbedding');

    const gkv = new Graph('kv');
    for (const spec of weightSpecs(config)) gkv.input(spec.name, 'float32', spec.shape);
    const kvIds = gkv.input('ids', 'int64', [1, 'seq']);
    const past = Array.from({ length: config.layers }, (_, i) => ({
      key: gkv.input(`pk${i}`, 'float32', [1, config.kvHeads, 'past', config.headDim]),
      value: gkv.input(`pv${i}`, 'float32', [1, config.kvHeads, 'past', config.headDim]),
    }));
    const kvCache = {
      past,
      positionIds: gkv.input('pos', 'int64', [1, 'seq']),
      attentionMask: gkv.input('mask', 'int64', [1, 'total']),
    };
    emitDecoder(gkv, config, { weight: (n) => n, inputIds: kvIds, kvCache, fusedRope: true });
    expect(opTypes(gkv)).not.toContain('RotaryEmbedding');
  });
});
