import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, windowLoss } from '@scalewise/eval';
import { rollingWindows } from '@scalewise/eval/internals';
import exportCommand from './model-export.js';
import infoCommand from './model-info.js';
import { captureIO } from '../capture-io.test-helper.js';

// Fixtures in the published MobileLLM layout with PyTorch references (tools/fixtures/make-checkpoints.py).
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../../packages/models/fixtures');
const reference = JSON.parse(await readFile(join(FIXTURES, 'reference.json'), 'utf8')) as {
  prompt_ids: number[];
  ppl_ids: number[];
  ppl_max_length: number;
  ppl_stride: number;
  tied: { logits: string; ppl: { ppl_token_weighted: number; scored_tokens: number } };
};

const root = await mkdtemp(join(tmpdir(), 'scalewise-cli-ckpt-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('scalewise model export / info on a MobileLLM checkpoint folder (pytorch_model.bin + tokenizer.model)', () => {
  it('exports an ONNX folder whose logits and strided perplexity match PyTorch', async () => {
    const io = captureIO(root);
    expect(await exportCommand.run([join(FIXTURES, 'mobilellm-tiny'), '--out', 'tiny', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out) as { weights: string; files: Array<{ path: string }>; external_data: boolean };
    expect(report.weights).toContain('pytorch_model.bin; stored F32');
    expect(report.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['onnx/model.onnx', 'onnx/model.onnx_data', 'tokenizer.json', 'config.json']),
    );
    expect(report.external_data).toBe(true);
    const hf = JSON.parse(await readFile(join(root, 'tiny', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(hf).toMatchObject({ bos_token_id: 1, eos_token_id: 2, tie_word_embeddings: true, vocab_size: 384 });

    // transformers.js (the other backend) reads the external-data folder to the same logits.
    const viaTransformers = await loadModel(join(root, 'tiny'), { backend: 'transformers' });
    const tjs = (await viaTransformers.logits([Int32Array.from(reference.prompt_ids)])).data;
    await viaTransformers.dispose();
    const lm = await loadModel(join(root, 'tiny'));
    try {
      const { data } = await lm.logits([Int32Array.from(reference.prompt_ids)]);
      const bytes = Buffer.from(reference.tied.logits, 'base64');
      const expected = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      let diff = 0;
      for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(data[i]! - expected[i]!));
      expect(diff).toBeLessThan(1e-4);
      let tjsDiff = 0;
      for (let i = 0; i < expected.length; i++) tjsDiff = Math.max(tjsDiff, Math.abs(tjs[i]! - expected[i]!));
      expect(tjsDiff).toBeLessThan(1e-4);
      // The HF strided recipe (ids already start with BOS), scored by eval on the exported model.
      const windows = rollingWindows(reference.ppl_ids, {
        maxLength: reference.ppl_max_length,
        stride: reference.ppl_stride,
        prefixToken: null,
      });
      const loss = await windowLoss(lm, windows);
      expect(loss.tokens).toBe(reference.tied.ppl.scored_tokens);
      expect(Math.abs(loss.perplexity / reference.tied.ppl.ppl_token_weighted - 1)).toBeLessThan(1e-5);
    } finally {
      await lm.dispose();
    }
  });

  it('model info reads the MobileLLM config.json of the folder', async () => {
    const io = captureIO(root);
    expect(await infoCommand.run([join(FIXTURES, 'mobilellm-tiny'), '--json'], io)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({
      name: 'mobilellm-tiny',
      config: { vocabSize: 384, layers: 2, kvHeads: 2, tiedEmbeddings: true },
    });
  });

  it('refuses a malicious checkpoint with an input error before writing anything', async () => {
    const { mkdir, copyFile } = await import('node:fs/promises');
    const dir = join(root, 'evil');
    await mkdir(dir);
    await copyFile(join(FIXTURES, 'mobilellm-tiny', 'config.json'), join(dir, 'config.json'));
    await copyFile(join(FIXTURES, 'malicious', 'evil-os-system.bin'), join(dir, 'pytorch_model.bin'));
    await expect(exportCommand.run([dir, '--out', 'evil-out'], captureIO(root))).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining("global 'posix.system' is not allowed"),
    });
    expect(existsSync(join(root, 'evil-out'))).toBe(false);
    // The payload would `touch` a marker in the process's working directory.
    expect(existsSync(join(process.cwd(), 'scalewise-pwned-marker'))).toBe(false);
  });
});
