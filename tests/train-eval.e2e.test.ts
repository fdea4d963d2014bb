import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteTokenizerFiles } from '@scalewise/data';
import { loadModel, windowLoss } from '@scalewise/eval';
import { loadWeights, writeModelFolder } from '@scalewise/models';
import { loadTrainingData, resolveTrainingConfig, train, validationBatches } from '@scalewise/train';

// Train → export → evaluate: the same validation rows give the same loss through the ONNX model in eval
// (onnxruntime-node) as through the trainer's own engine.
describe('a model trained here, evaluated through its ONNX export', () => {
  it('gives the trainer validation loss within 1e-4 nats/token', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'scalewise-train-eval-'));
    const config = resolveTrainingConfig({
      model: {
        name: 'tiny',
        vocabSize: 259,
        dim: 32,
        layers: 2,
        heads: 4,
        kvHeads: 2,
        headDim: 8,
        ffnHidden: 64,
        normEps: 1e-5,
        ropeTheta: 10000,
        maxPositions: 64,
        tiedEmbeddings: true,
        layerRepeat: 1,
        attention: { kind: 'full' },
      },
      data: { corpus: 'brown', tokenizer: 'byte', seq: 32 },
      steps: 15,
      batchSize: 4,
      eval: { every: 0, batches: 2 },
      engine: 'reference',
      seed: 3,
    });
    const result = await train({ config, outDir: out });
    expect(result.checkpoint).not.toBeNull();
    const { weights } = loadWeights(path.join(result.checkpoint!, 'model.safetensors'), config.model);
    const dir = path.join(out, 'onnx');
    await writeModelFolder(dir, { config: config.model, weights, tokenizer: byteTokenizerFiles() });

    const data = await loadTrainingData({ ...config.data, seed: config.seed });
    const batches = validationBatches(data.validation, config.data.seq, config.batchSize, config.eval.batches);
    // Each validation row as one window: inputs followed by the last target, every target scored.
    const windows = batches.flatMap((b) =>
      Array.from({ length: b.batch }, (_, r) => {
        const tokens = new Int32Array(b.seq + 1);
        tokens.set(b.inputs.subarray(r * b.seq, (r + 1) * b.seq));
        tokens[b.seq] = b.targets[(r + 1) * b.seq - 1]!;
        return { tokens, scored: b.seq };
      }),
    );
    const lm = await loadModel(dir, { threads: 1 });
    const evaluated = await windowLoss(lm, windows);
    await lm.dispose();
    expect(evaluated.tokens).toBe(windows.length * config.data.seq);
    expect(Math.abs(evaluated.nll_per_token - result.val_loss)).toBeLessThan(1e-4);
  }, 180_000);
});
