/**
 * Dense causal ÷ chunked sliding-window prefill (both as exported, fused ops; T = 4096, W = 256) over model shapes.
 * What a window can save is bounded by the share of the dense prefill that is attention: projections, FFN and head
 * cost the same in both graphs (Amdahl). Per token and layer, dense attention computes 4·H·hd·T FLOPs (the fused
 * GroupQueryAttention kernel scores every key, then zeroes the causal half), the chunked graph 4·H·hd·(W + C), and the
 * rest about 2·dim·(2·H·hd + 2·KV·hd) + 6·dim·ffn, so the narrower the model, the larger the possible gain. Each shape:
 * the chunked/dense pair timed as the bench model's variants are (`measureAll`), then an ORT profile of the dense graph
 * for its attention share and the ratio with free chunked attention.
 */
import type { ModelConfig } from '../src/config.js';
import { flopsPerToken } from '../src/accounting/flops.js';
import { windowChunk } from '../src/onnx/fused-attention.js';
import { randomWeights } from '../src/onnx/test-utils.js';
import { profilePrefill } from './attention-profile.js';
import { base, measureAll, T, W, windowed, type Variant } from './prefill-measure.js';

type Shape = Pick<ModelConfig, 'dim' | 'layers' | 'heads' | 'kvHeads' | 'ffnHidden'> & { name: string };

/** The bench model, two narrower shapes in MobileLLM's proportions (head 64, ffn ≈ 2.7·dim), two MobileLLM-125M blocks. */
export const SHAPES: Shape[] = [
  { name: 'bench model', dim: 256, layers: 4, heads: 4, kvHeads: 2, ffnHidden: 688 },
  { name: 'dim 192, 3 heads, 1 kv head', dim: 192, layers: 4, heads: 3, kvHeads: 1, ffnHidden: 512 },
  { name: 'dim 128, 2 heads, 1 kv head', dim: 128, layers: 4, heads: 2, kvHeads: 1, ffnHidden: 344 },
  { name: 'MobileLLM-125M blocks (2 of its 30 layers)', dim: 576, layers: 2, heads: 9, kvHeads: 3, ffnHidden: 1536 },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** FLOPs per token by what each graph computes (not what the accounting keeps: that counts ≤ W or (T+1)/2 keys). */
function computedFlops(config: ModelConfig) {
  const f = flopsPerToken(config, T).forward;
  const perKey = 4 * config.heads * config.headDim * config.layers;
  const rest = f.total - f.attentionScores;
  const dense = perKey * T;
  const chunked = perKey * (W + windowChunk(W));
  const ratio = (rest + dense) / (rest + chunked);
  return { rest, attention_dense: dense, attention_chunked: chunked, ratio, ratio_free_attention: (rest + dense) / rest };
}

async function measureShape(shape: Shape) {
  const { name, ...dims } = shape;
  const config: ModelConfig = { ...base, ...dims, name: `bench-attn-${dims.dim}` };
  const model = { config, weights: randomWeights(config, 3) };
  const dense: Variant = {
    name: `${name}: full causal, dense`,
    attention: { kind: 'full' },
    chunkedAttention: false,
    fusedOps: true,
    model,
  };
  const [chunked, full] = await measureAll([
    { name: `${name}: sliding-window ${W}, chunked`, attention: windowed, chunkedAttention: true, fusedOps: true, model },
    dense,
  ]);
  const profile = await profilePrefill(dense, ['GroupQueryAttention']);
  const row = {
    shape: { name, ...dims, headDim: config.headDim, vocab: config.vocabSize },
    chunked_prefill_s: chunked!.row.prefill_s,
    dense_prefill_s: full!.row.prefill_s,
    ratio_dense_over_chunked: full!.row.prefill_s.mean / chunked!.row.prefill_s.mean,
    dense_attention_share_profiled: median(profile.runs.map((r) => r.attention_s / r.run_s)),
    ratio_ceiling_free_attention: profile.ceiling_free_attention,
    flops_per_token_computed: computedFlops(config),
  };
  console.log(
    `${name.padEnd(44)} ${row.ratio_dense_over_chunked.toFixed(2)}× (attention ${(100 * row.dense_attention_share_profiled).toFixed(0)}% ` +
      `of dense; free attention ${row.ratio_ceiling_free_attention?.toFixed(2) ?? 'n/a'}×; ` +
      `by FLOPs ${row.flops_per_token_computed.ratio.toFixed(2)}×)`,
  );
  return row;
}

/** Every shape in turn (one at a time: a dense T×T graph's arena is about a gigabyte per 4 heads). */
export async function measureShapes() {
  const rows = [];
  for (const shape of SHAPES) rows.push(await measureShape(shape));
  return rows;
}
