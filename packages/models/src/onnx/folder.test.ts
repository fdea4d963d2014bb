import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM, Tensor, env } from '@huggingface/transformers';
import type { ModelConfig } from '../config.js';
import { fromHfConfig } from '../hf-config.js';
import { configFromModelFolder, writeModelFolder } from './folder.js';
import { maxAbsDiff, randomWeights, step, tinyConfig } from './test-utils.js';

const root = await mkdtemp(join(tmpdir(), 'scalewise-onnx-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// A minimal word-level tokenizer, only to check the files are written and ids resolved.
const tokenizer = {
  tokenizerJson: {
    version: '1.0',
    added_tokens: [
      { id: 0, content: '<s>', special: true },
      { id: 1, content: '</s>', special: true },
    ],
    model: { type: 'WordLevel', vocab: { '<s>': 0, '</s>': 1, a: 2, b: 3 }, unk_token: 'a' },
  },
  tokenizerConfig: { bos_token: '<s>', eos_token: '</s>', tokenizer_class: 'PreTrainedTokenizerFast' },
};

const PROMPT = [[5, 9, 2, 40, 17]];

/** Greedy decoding with our own KV loop over onnxruntime-node, as an independent check of transformers.js. */
async function greedy(session: ort.InferenceSession, config: ModelConfig, prompt: number[], steps: number): Promise<number[]> {
  const V = config.vocabSize;
  const tokens = [...prompt];
  let out = await step(session, config, [prompt], [prompt.map(() => 1)]);
  for (let s = 0; s < steps; s++) {
    const last = out.logits.subarray(out.logits.length - V);
    let best = 0;
    for (let v = 1; v < V; v++) if (last[v]! > last[best]!) best = v;
    tokens.push(best);
    out = await step(session, config, [[best]], [tokens.map(() => 1)], out.present);
  }
  return tokens;
}

describe('writeModelFolder', () => {
  it.each([
    ['tied GQA, sliding window 3', 'tied', tinyConfig({ attention: { kind: 'sliding-window', window: 3 } }), false],
    ['tied GQA, full attention, headDim 8 (fused onnxruntime kernels)', 'fused', tinyConfig({ dim: 32, headDim: 8 }), false],
    [
      'tied GQA, block-sparse 2 × 1 + 1 global (cache bounded at 3)',
      'sparse',
      tinyConfig({ attention: { kind: 'block-sparse', blockSize: 2, localBlocks: 1, globalTokens: 1 } }),
      false,
    ],
    [
      'untied MQA, layerRepeat 2, linear attention, external data',
      'ls',
      tinyConfig({ kvHeads: 1, layerRepeat: 2, tiedEmbeddings: false, attention: { kind: 'linear' } }),
      true,
    ],
  ])(
    '%s: onnxruntime-node and transformers.js (offline) load it; logits and greedy generate agree',
    async (_n, id, config, externalData) => {
      const weights = randomWeights(config, 5);
      const result = await writeModelFolder(join(root, id), { config, weights, tokenizer, externalData });
      expect(result.externalData).toBe(externalData);
      const paths = result.files.map((f) => f.path).sort();
      expect(paths).toEqual(
        [
          'config.json',
          'generation_config.json',
          'onnx/model.onnx',
          ...(externalData ? ['onnx/model.onnx_data'] : []),
          'tokenizer.json',
          'tokenizer_config.json',
        ].sort(),
      );
      const onnxBytes = (await stat(join(root, id, 'onnx/model.onnx'))).size;
      const dataBytes = externalData ? (await stat(join(root, id, 'onnx/model.onnx_data'))).size : 0;
      const weightBytes = [...weights.values()].reduce((s, w) => s + w.byteLength, 0);
      // Inline: every weight is in model.onnx; external: all but the small norm vectors (< 1 KiB) are in model.onnx_data.
      expect(externalData ? dataBytes : onnxBytes).toBeGreaterThanOrEqual(weightBytes * 0.95);

      const hf = JSON.parse(await readFile(join(root, id, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(hf.model_type).toBe('llama');
      expect(hf.num_hidden_layers).toBe(config.layers * config.layerRepeat);
      expect(hf.bos_token_id).toBe(0);
      expect(hf.eos_token_id).toBe(1);
      const back = fromHfConfig(configFromModelFolder(hf));
      expect([back.layers, back.layerRepeat, back.kvHeads, back.tiedEmbeddings, back.attention]).toEqual([
        config.layers,
        config.layerRepeat,
        config.kvHeads,
        config.tiedEmbeddings,
        config.attention,
      ]);

      const session = await ort.InferenceSession.create(join(root, id, 'onnx/model.onnx'));
      const ortLogits = (await step(session, config, PROMPT, [PROMPT[0]!.map(() => 1)])).logits;

      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = root;
      const model = await AutoModelForCausalLM.from_pretrained(id, { dtype: 'fp32', device: 'cpu' });
      const inputIds = new Tensor('int64', BigInt64Array.from(PROMPT[0]!.map(BigInt)), [1, PROMPT[0]!.length]);
      const attentionMask = new Tensor('int64', BigInt64Array.from(PROMPT[0]!.map(() => 1n)), [1, PROMPT[0]!.length]);
      const { logits } = (await model({ input_ids: inputIds, attention_mask: attentionMask })) as { logits: Tensor };
      expect(logits.dims).toEqual([1, PROMPT[0]!.length, config.vocabSize]);
      expect(maxAbsDiff(logits.data as Float32Array, ortLogits)).toBeLessThan(1e-4);

      // eos is id 1: keep generation going by comparing with our loop up to the first eos.
      const generated = (await model.generate({ inputs: inputIds, max_new_tokens: 6, do_sample: false })) as Tensor;
      const hfTokens = Array.from(generated.data as BigInt64Array, Number);
      const ours = await greedy(session, config, PROMPT[0]!, 6);
      const stop = ours.indexOf(1, PROMPT[0]!.length);
      expect(hfTokens).toEqual(stop < 0 ? ours : ours.slice(0, stop + 1));

      // Batched, left-padded greedy generate (pad id 0, mask 0): row 1 must continue as the unpadded prompt does.
      const short = PROMPT[0]!.slice(2);
      const batchIds = new Tensor('int64', BigInt64Array.from([...PROMPT[0]!, 0, 0, ...short].map(BigInt)), [2, PROMPT[0]!.length]);
      const batchMask = new Tensor('int64', BigInt64Array.from([...PROMPT[0]!.map(() => 1n), 0n, 0n, ...short.map(() => 1n)]), [
        2,
        PROMPT[0]!.length,
      ]);
      const batched = (await model.generate({
        inputs: batchIds,
        attention_mask: batchMask,
        max_new_tokens: 4,
        min_new_tokens: 4,
        do_sample: false,
      })) as Tensor;
      const rowLength = batched.dims[1]!;
      const row1 = Array.from((batched.data as BigInt64Array).subarray(rowLength, 2 * rowLength), Number).slice(2);
      const alone = await greedy(session, config, short, 4);
      expect(row1).toEqual(alone);
      await model.dispose();
    },
  );
});
