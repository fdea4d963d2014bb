import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHfConfig, toHfConfig } from './hf-config.js';
import { parseConfigJson, resolveConfig } from './load-config.js';
import { getPreset, presetNames } from './presets.js';

describe('presets', () => {
  it('has the five MobileLLM sizes and their layer-sharing variants', () => {
    expect(presetNames()).toHaveLength(10);
    const p = getPreset('mobilellm-1.5b');
    expect([p.dim, p.layers, p.heads, p.kvHeads, p.headDim, p.ffnHidden, p.vocabSize]).toEqual([1600, 54, 25, 5, 64, 4352, 32000]);
    expect(getPreset('mobilellm-ls-350m').layerRepeat).toBe(2);
    expect(getPreset('MobileLLM-350M-LS')).toEqual(getPreset('mobilellm-ls-350m'));
    expect(getPreset('mobilellm-350m').layerRepeat).toBe(1);
  });

  it('returns copies and lists the valid names for an unknown one', () => {
    getPreset('mobilellm-125m').dim = 1;
    expect(getPreset('mobilellm-125m').dim).toBe(576);
    expect(() => getPreset('mobilellm-7b')).toThrow(
      /unknown model preset 'mobilellm-7b'; valid presets: mobilellm-125m, mobilellm-ls-125m, .*mobilellm-ls-1\.5b/,
    );
  });
});

describe('HF config.json', () => {
  it('round-trips every preset and a non-default attention kind', () => {
    for (const name of presetNames())
      expect(fromHfConfig(JSON.parse(JSON.stringify(toHfConfig(getPreset(name)))))).toEqual(getPreset(name));
    const sw = { ...getPreset('mobilellm-125m'), attention: { kind: 'sliding-window', window: 128 } as const, tiedEmbeddings: false };
    expect(fromHfConfig(toHfConfig(sw))).toEqual(sw);
  });

  it('writes the llama fields transformers reads', () => {
    const hf = toHfConfig(getPreset('mobilellm-ls-125m'));
    expect(hf).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      hidden_size: 576,
      intermediate_size: 1536,
      num_hidden_layers: 30,
      num_attention_heads: 9,
      num_key_value_heads: 3,
      head_dim: 64,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      max_position_embeddings: 2048,
      tie_word_embeddings: true,
      share_embedding: true,
      layer_sharing: true,
      vocab_size: 32000,
    });
  });

  it("reads MobileLLM's own config (share_embedding overrides tie_word_embeddings: false)", () => {
    const mobile = {
      architectures: ['MobileLLMForCausalLM'],
      model_type: 'mobilellm',
      hidden_size: 576,
      intermediate_size: 1536,
      num_hidden_layers: 30,
      num_attention_heads: 9,
      num_key_value_heads: 3,
      vocab_size: 32000,
      rms_norm_eps: 1e-5,
      rope_theta: 10000.0,
      hidden_act: 'silu',
      max_position_embeddings: 2048,
      share_embedding: true,
      tie_word_embeddings: false,
      layer_sharing: false,
      _name_or_path: 'mobilellm-125m',
    };
    expect(fromHfConfig(mobile)).toEqual(getPreset('mobilellm-125m'));
  });

  it('reads back an exported folder whose layer sharing was unrolled for transformers.js', () => {
    const unrolled = {
      ...toHfConfig(getPreset('mobilellm-ls-125m')),
      num_hidden_layers: 60,
      layer_repeat: 1,
      layer_sharing: false,
      scalewise_layer_sharing: { num_hidden_layers: 30, layer_repeat: 2 },
    };
    expect(fromHfConfig(unrolled)).toEqual(getPreset('mobilellm-ls-125m'));
  });

  it('names the bad field', () => {
    const good = toHfConfig(getPreset('mobilellm-125m'));
    expect(() => fromHfConfig({ ...good, num_key_value_heads: 4 }, 'x.json')).toThrow(
      /x\.json: field 'num_key_value_heads' \(4\) must divide num_attention_heads \(9\)/,
    );
    expect(() => fromHfConfig({ ...good, hidden_size: '576' })).toThrow(/field 'hidden_size' must be a positive integer, found "576"/);
    expect(() => fromHfConfig({ ...good, vocab_size: undefined })).toThrow(
      /field 'vocab_size' must be a positive integer, found nothing \(missing\)/,
    );
    expect(() => fromHfConfig({ ...good, rms_norm_eps: -1 })).toThrow(/field 'rms_norm_eps' must be a positive number/);
    expect(() => fromHfConfig({ ...good, hidden_act: 'gelu' })).toThrow(/field 'hidden_act' must be 'silu'/);
    expect(() => fromHfConfig({ ...good, scalewise_attention: { kind: 'sliding-window', window: 0 } })).toThrow(
      /attention\.window must be a positive integer/,
    );
    expect(() => fromHfConfig([1])).toThrow(/expected a JSON object, found an array/);
  });
});

describe('resolveConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-models-'));
  it('accepts presets, HF config files, scalewise configs and model folders', () => {
    expect(resolveConfig('mobilellm-600m')).toEqual(getPreset('mobilellm-600m'));
    writeFileSync(join(dir, 'hf.json'), JSON.stringify(toHfConfig(getPreset('mobilellm-1b'))));
    expect(resolveConfig('hf.json', dir)).toEqual(getPreset('mobilellm-1b'));
    writeFileSync(join(dir, 'sw.json'), JSON.stringify({ name: 'mine', vocabSize: 259, dim: 32, layers: 2, heads: 4, ffnHidden: 64 }));
    expect(resolveConfig('sw.json', dir)).toMatchObject({ vocabSize: 259, headDim: 8, kvHeads: 4, normEps: 1e-5, tiedEmbeddings: true });
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'folder', 'config.json'), JSON.stringify(toHfConfig(getPreset('mobilellm-125m'))));
    expect(resolveConfig('./folder', dir)).toEqual(getPreset('mobilellm-125m'));
  });

  it('names the file and field on error', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ dim: 32, layers: 2, heads: 3, kvHeads: 2, ffnHidden: 64, vocabSize: 10 }));
    expect(() => resolveConfig('bad.json', dir)).toThrow(/bad\.json: .*heads \(3\) must be divisible by kvHeads \(2\)/);
    expect(() => parseConfigJson({ dim: 8 }, 'c')).toThrow(/c: field 'vocabSize' is missing/);
    expect(() => parseConfigJson({ foo: 1 }, 'c')).toThrow(/found neither/);
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(() => resolveConfig('broken.json', dir)).toThrow(/broken\.json: not valid JSON/);
    expect(() => resolveConfig('nope.json', dir)).toThrow(/neither a preset .* nor a readable config file/);
  });
});
