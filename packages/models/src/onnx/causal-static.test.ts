import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config.js';
import { causalChunks } from './causal-static.js';
import type { Graph } from './graph.js';
import { chunkedAndDense, randomWeights, tinyConfig } from './test-utils.js';

// Two rows of T tokens.
const rowsOf = (T: number, V: number) => [0, 1].map((r) => Array.from({ length: T }, (_, i) => (i * (13 + 4 * r) + 5 + r) % V));
// Softmax nodes: one per layer application when dense, one per chunk when chunked.
const softmaxes = (g: Graph) => g.nodes.filter((n) => n.opType === 'Softmax').length;
// Transposes of 5-D per-head tensors: the query and context layout changes around attention.
const headTransposes = (g: Graph) =>
  g.nodes.filter((n) => n.opType === 'Transpose' && (n.attrs.perm?.type === 'ints' ? n.attrs.perm.value.length : 0) === 5).length;

describe('full causal attention without a KV cache, in query chunks', () => {
  it('chunks: 4 when each keeps 32 positions, else 2, else dense', () => {
    expect([16, 62, 63, 64, 96, 126, 128, 130, 512].map(causalChunks)).toEqual([1, 1, 1, 2, 2, 2, 4, 2, 4]);
  });

  it.each([
    [128, { heads: 4, kvHeads: 1, headDim: 8, dim: 32 }],
    [64, {}],
    [96, { layerRepeat: 2 }],
    [130, { heads: 2, kvHeads: 2 }],
  ] as Array<[number, Partial<ModelConfig>]>)('T %i, %o: logits equal the reference forward and the dense mask', async (T, over) => {
    const config = tinyConfig({ maxPositions: 160, ...over });
    const weights = randomWeights(config, 8);
    const { chunked, dense, gap, scale, denseGap } = await chunkedAndDense(config, weights, rowsOf(T, config.vocabSize));
    expect(gap).toBeLessThan(1e-4);
    expect(scale).toBeGreaterThan(1);
    expect(denseGap).toBeLessThan(1e-5);
    const applications = config.layers * config.layerRepeat;
    expect([softmaxes(chunked.graph), softmaxes(dense.graph)]).toEqual([applications * causalChunks(T), applications]);
  });

  it.each([
    ['one kv head (MQA)', { heads: 4, kvHeads: 1 }, 0],
    ['two kv heads (GQA)', { heads: 4, kvHeads: 2 }, 2],
  ] as Array<[string, Partial<ModelConfig>, number]>)(
    '%s: queries enter and leave attention as position rows (%i 5-D Transposes per application), 1/√hd in the RoPE tables',
    async (_, over, perApplication) => {
      const config = tinyConfig({ maxPositions: 160, ...over });
      const { chunked, dense } = await chunkedAndDense(config, randomWeights(config, 3), rowsOf(64, config.vocabSize));
      const applications = config.layers * config.layerRepeat;
      for (const { graph } of [chunked, dense]) {
        expect(headTransposes(graph)).toBe(perApplication * applications);
        // No Mul by the scalar 1/√hd: the query heads' RoPE entries carry it.
        const scalars = graph.nodes.filter((n) => n.opType === 'Mul' && n.inputs.some((i) => graph.initializers.get(i)?.dims.length === 0));
        expect(scalars).toHaveLength(0);
      }
    },
  );
});
