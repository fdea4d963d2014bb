import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isInputError } from '@scalewise/core';
import { forward } from '../forward/model.js';
import { fromHfConfig } from '../hf-config.js';
import { checkpointWeightName, isCheckpointFolder, loadCheckpoint } from './folder.js';
import { unpickle } from './pickle.js';
import { loadTorchBin } from './torch-bin.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as {
  prompt_ids: number[];
  tied: { logits: string };
  untied: { logits: string };
  f16_views: { logits: string };
};
const decode = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const tmp = mkdtempSync(join(tmpdir(), 'scalewise-ckpt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('checkpoint folders as published (fixtures from tools/fixtures/make-checkpoints.py, PyTorch references)', () => {
  const cases = [
    ['mobilellm-tiny', 'pytorch_model.bin', 'tied'],
    ['mobilellm-tiny-f16-views', 'pytorch_model.bin', 'f16_views'],
    // Deflated entries and ZIP64 records (sizes, offsets and the end record saturated), as written past 4 GB.
    ['mobilellm-tiny-f16-zip64-deflated', 'pytorch_model.bin', 'f16_views'],
    ['mobilellm-tiny-sharded-safetensors', 'model.safetensors.index.json', 'untied'],
    ['mobilellm-tiny-sharded-bin', 'pytorch_model.bin.index.json', 'untied'],
  ] as const;
  for (const [folder, format, ref] of cases) {
    it(`${folder}: logits of the reference forward match PyTorch within 1e-4`, () => {
      const dir = join(FIXTURES, folder);
      expect(isCheckpointFolder(dir)).toBe(true);
      const ckpt = loadCheckpoint(dir);
      expect(ckpt.format).toBe(format);
      expect(ckpt.config.tiedEmbeddings).toBe(ref !== 'untied');
      expect(ckpt.weights.has('lm_head.weight')).toBe(ref === 'untied');
      const logits = forward(ckpt.config, ckpt.weights, reference.prompt_ids);
      const diff = maxAbsDiff(logits, decode(reference[ref].logits));
      expect(diff).toBeLessThan(1e-4);
    });
  }

  it('reads MobileLLM config keys: model_type mobilellm, share_embedding wins over tie_word_embeddings', () => {
    const ckpt = loadCheckpoint(join(FIXTURES, 'mobilellm-tiny'));
    expect(ckpt.config).toMatchObject({
      vocabSize: 384,
      dim: 32,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      headDim: 8,
      ffnHidden: 64,
      tiedEmbeddings: true,
    });
    expect(ckpt.storedDtypes).toEqual(['F32']);
    expect(loadCheckpoint(join(FIXTURES, 'mobilellm-tiny-sharded-bin')).storedDtypes).toEqual(['BF16', 'F32']);
    expect(loadCheckpoint(join(FIXTURES, 'mobilellm-tiny-sharded-safetensors')).files).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
  });

  it('a tied head shares its storage with the embedding: one copy in memory, no conversion', () => {
    const tensors = loadTorchBin(join(FIXTURES, 'mobilellm-tiny', 'pytorch_model.bin'));
    const embed = tensors.get('model.embed_tokens.weight')!;
    const head = tensors.get('lm_head.weight')!;
    expect(head.data.buffer).toBe(embed.data.buffer);
    expect(head.shape).toEqual([384, 32]);
  });

  it('honours storage offsets and strides (a slice at an offset, a transposed view) in F16', () => {
    const tensors = loadTorchBin(join(FIXTURES, 'mobilellm-tiny-f16-views', 'pytorch_model.bin'));
    const q = tensors.get('model.layers.0.self_attn.q_proj.weight')!;
    expect(q.dtype).toBe('F16');
    expect(q.shape).toEqual([32, 32]);
    // The fixture prepends three zero rows to q's storage; a reader ignoring the offset would start with zeros.
    expect(q.data.slice(0, 32).some((x) => x !== 0)).toBe(true);
  });

  it('maps HF llama name variants to scalewise names', () => {
    expect(checkpointWeightName('layers.3.mlp.up_proj.weight')).toBe('model.layers.3.mlp.up_proj.weight');
    expect(checkpointWeightName('module.model.norm.weight')).toBe('model.norm.weight');
    expect(checkpointWeightName('model.layers.0.self_attn.rotary_emb.inv_freq')).toBeNull();
    expect(checkpointWeightName('lm_head.weight')).toBe('lm_head.weight');
  });
});

describe('the .bin reader refuses everything but tensors, and executes nothing', () => {
  const marker = join(process.cwd(), 'scalewise-pwned-marker');

  it('a pickle calling os.system is refused with an input error naming the file and the global', () => {
    const path = join(FIXTURES, 'malicious', 'evil-os-system.bin');
    const error = thrown(() => loadTorchBin(path));
    expect(isInputError(error)).toBe(true);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/global '(posix|os)\.system' is not allowed/);
    expect(existsSync(marker)).toBe(false);
  });

  it('REDUCE on an allowed but non-callable global (a storage class) is refused', () => {
    const error = thrown(() => loadTorchBin(join(FIXTURES, 'malicious', 'evil-reduce-storage.bin')));
    expect(isInputError(error)).toBe(true);
    expect(error.message).toContain("REDUCE on global 'torch.FloatStorage' is not allowed");
  });

  it('refuses other opcodes, unsupported storage dtypes and STACK_GLOBAL imports by name', () => {
    expect(thrown(() => unpickle(Uint8Array.from([0x80, 2, 0x69, 0x2e]), 'x.bin')).message).toContain('opcode INST');
    const double = Buffer.from('\x80\x02ctorch\nDoubleStorage\n.', 'latin1');
    expect(thrown(() => unpickle(double, 'x.bin')).message).toContain("global 'torch.DoubleStorage' (dtype Double is not supported");
    const stackGlobal = Buffer.concat([
      Buffer.from([0x80, 4, 0x8c, 8]),
      Buffer.from('builtins'),
      Buffer.from([0x8c, 4]),
      Buffer.from('eval'),
      Buffer.from([0x93, 0x2e]),
    ]);
    expect(thrown(() => unpickle(stackGlobal, 'x.bin')).message).toContain("global 'builtins.eval' is not allowed");
    expect(thrown(() => unpickle(Uint8Array.from([0x80, 2, 0x58, 9, 0, 0]), 'x.bin')).message).toContain('truncated');
  });

  it('a file that is not a zip is an input error, not a crash', () => {
    const path = join(tmp, 'legacy.bin');
    writeFileSync(path, Buffer.from('\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.', 'latin1'));
    const error = thrown(() => loadTorchBin(path));
    expect(isInputError(error)).toBe(true);
    expect(error.message).toContain('not a PyTorch zip checkpoint');
  });
});

describe('folder errors name the file and the field', () => {
  it('a shape that disagrees with config.json names the tensor', () => {
    const dir = join(tmp, 'wrong-shape');
    rmSync(dir, { recursive: true, force: true });
    const config = JSON.parse(readFileSync(join(FIXTURES, 'mobilellm-tiny', 'config.json'), 'utf8')) as Record<string, unknown>;
    // vocab_size 400 disagrees with the stored [384, 32] embedding.
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, vocab_size: 400 }));
    copyFileSync(join(FIXTURES, 'mobilellm-tiny', 'pytorch_model.bin'), join(dir, 'pytorch_model.bin'));
    const error = thrown(() => loadCheckpoint(dir));
    expect(isInputError(error)).toBe(true);
    expect(error.message).toContain("tensor 'model.embed_tokens.weight' has shape [384, 32], config.json implies [400, 32]");
  });

  it('a folder without weights lists what it expected', () => {
    const dir = join(tmp, 'no-weights');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(FIXTURES, 'mobilellm-tiny', 'config.json'), join(dir, 'config.json'));
    expect(isCheckpointFolder(dir)).toBe(false);
    expect(thrown(() => loadCheckpoint(dir)).message).toContain('no weights: expected one of model.safetensors');
  });

  it('model_type other than llama/mobilellm and rope_scaling are refused by name', () => {
    const base = { hidden_size: 32, num_attention_heads: 4, num_hidden_layers: 1, intermediate_size: 64, vocab_size: 10 };
    expect(thrown(() => fromHfConfig({ ...base, model_type: 'gpt2' }, 'c.json')).message).toContain(
      "c.json: field 'model_type' must be one of llama, mobilellm",
    );
    expect(thrown(() => fromHfConfig({ ...base, rope_scaling: { type: 'linear', factor: 2 } }, 'c.json')).message).toContain(
      "field 'rope_scaling'",
    );
    expect(fromHfConfig({ ...base, model_type: 'mobilellm', share_embedding: false, tie_word_embeddings: true }).tiedEmbeddings).toBe(
      false,
    );
  });
});
