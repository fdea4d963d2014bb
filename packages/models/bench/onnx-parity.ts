/**
 * Measured parity of the ONNX export with the TypeScript reference forward pass (max |Δlogit|, fp32), for the
 * configurations of src/onnx/parity.test.ts at a longer context (64 tokens) and O(1) logits.
 * Usage (from packages/models): node --conditions=@scalewise/source --import tsx bench/onnx-parity.ts [--real]
 * Writes bench-results/onnx-parity.json.
 */
import { mkdir } from 'node:fs/promises';
import { writeJsonAtomic } from '@scalewise/core/node';
import { join } from 'node:path';
import type { ModelConfig } from '../src/config.js';
import { forward } from '../src/forward/model.js';
import { initWeights } from '../src/init.js';
import { getPreset } from '../src/presets.js';
import { inferenceSession, maxAbsDiff, randomWeights, step, tinyConfig } from '../src/onnx/test-utils.js';

const cases: Array<[string, Partial<ModelConfig>]> = [
  ['MHA tied', { kvHeads: 4 }],
  ['GQA untied', { kvHeads: 2, tiedEmbeddings: false }],
  ['MQA tied', { kvHeads: 1 }],
  ['GQA layerRepeat 2', { layerRepeat: 2 }],
  ['sliding-window 8', { attention: { kind: 'sliding-window', window: 8 } }],
  ['linear attention', { attention: { kind: 'linear' } }],
  ['block-sparse 4x2+3', { attention: { kind: 'block-sparse', blockSize: 4, localBlocks: 2, globalTokens: 3 } }],
  [
    'MobileLLM-like widths (dim 64, 4 heads of 16, kv 2), 4 layers',
    { dim: 64, heads: 4, kvHeads: 2, headDim: 16, ffnHidden: 160, layers: 4, vocabSize: 300 },
  ],
];
const T = 64;
const rows: Array<Record<string, unknown>> = [];
for (const [name, overrides] of cases) {
  const config = tinyConfig({ maxPositions: 128, ...overrides });
  const weights = randomWeights(config, 5);
  const tokens = Array.from({ length: T }, (_, i) => (i * 31 + 7) % config.vocabSize);
  const reference = forward(config, weights, tokens);
  const session = await inferenceSession(config, weights);
  const V = config.vocabSize;
  const full = await step(session, config, [tokens], [tokens.map(() => 1)]);
  let out = await step(session, config, [tokens.slice(0, 16)], [tokens.slice(0, 16).map(() => 1)]);
  let incremental = maxAbsDiff(out.logits, reference.subarray(0, 16 * V));
  for (let t = 16; t < T; t++) {
    out = await step(session, config, [[tokens[t]!]], [tokens.slice(0, t + 1).map(() => 1)], out.present);
    incremental = Math.max(incremental, maxAbsDiff(out.logits, reference.subarray(t * V, (t + 1) * V)));
  }
  const row = {
    case: name,
    tokens: T,
    max_abs_logit: reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
    full_max_abs_diff: maxAbsDiff(full.logits, reference),
    incremental_max_abs_diff: incremental,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
// With --real: the real MobileLLM-125M shapes (9 heads, 3 kv heads, headDim 64, 30 layers), seeded init, 8 tokens.
if (process.argv.includes('--real')) {
  const config = getPreset('mobilellm-125m');
  const weights = initWeights(config, 1);
  const tokens = [1, 450, 4996, 17354, 1701, 432, 17204, 975];
  const reference = forward(config, weights, tokens);
  const session = await inferenceSession(config, weights);
  const full = await step(session, config, [tokens], [tokens.map(() => 1)]);
  const row = {
    case: 'mobilellm-125m (initWeights seed 1)',
    tokens: tokens.length,
    max_abs_logit: reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
    full_max_abs_diff: maxAbsDiff(full.logits, reference),
    incremental_max_abs_diff: null,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
const dir = join(import.meta.dirname, '..', 'bench-results');
await mkdir(dir, { recursive: true });
const path = join(dir, 'onnx-parity.json');
await writeJsonAtomic(path, { date: new Date().toISOString(), rows });
