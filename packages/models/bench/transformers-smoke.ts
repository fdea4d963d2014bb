/**
 * Load an exported folder with @huggingface/transformers offline, compare its logits with onnxruntime-node's
 * and time a greedy generate (KV path). Usage: node --conditions=@scalewise/source --import tsx
 * bench/transformers-smoke.ts PARENT_DIR MODEL_ID  (the folder is PARENT_DIR/MODEL_ID).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoModelForCausalLM, Tensor, env } from '@huggingface/transformers';
import { fromHfConfig } from '../src/hf-config.js';
import { configFromModelFolder } from '../src/onnx/folder.js';
import { maxAbsDiff, step } from '../src/onnx/test-utils.js';

const [parent, id] = process.argv.slice(2) as [string, string];
const hf = JSON.parse(readFileSync(join(parent, id, 'config.json'), 'utf8')) as Record<string, unknown>;
const config = fromHfConfig(configFromModelFolder(hf));
const prompt = [1, 72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100];
const session = await ort.InferenceSession.create(join(parent, id, 'onnx/model.onnx'));
const ortLogits = (await step(session, config, [prompt], [prompt.map(() => 1)])).logits;
await session.release();

env.allowRemoteModels = false;
env.localModelPath = parent;
let t = performance.now();
const model = await AutoModelForCausalLM.from_pretrained(id, { dtype: 'fp32', device: 'cpu' });
const loadSeconds = (performance.now() - t) / 1000;
const ids = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
const { logits } = (await model({
  input_ids: ids,
  attention_mask: new Tensor('int64', BigInt64Array.from(prompt.map(() => 1n)), [1, prompt.length]),
})) as { logits: Tensor };
const err = maxAbsDiff(logits.data as Float32Array, ortLogits);
const newTokens = 16;
t = performance.now();
const out = (await model.generate({ inputs: ids, max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: false })) as Tensor;
const genSeconds = (performance.now() - t) / 1000;
console.log(
  JSON.stringify({
    id,
    load_seconds: loadSeconds,
    max_abs_logit_diff_vs_ort: err,
    generated_tokens: out.dims[1]! - prompt.length,
    generate_seconds: genSeconds,
    tokens_per_s: newTokens / genSeconds,
  }),
);
