import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

describe('scalewise model info', () => {
  it('--json gives the documented fields with the published MobileLLM-125M count', async () => {
    const io = captureIO();
    expect(await main(['model', 'info', 'mobilellm-125m', '--seq', '2048', '--json'], io)).toBe(0);
    const info = JSON.parse(io.out);
    expect(info).toMatchObject({ params_total: 124_635_456, params_embedding: 18_432_000, params_non_embedding: 106_203_456 });
    expect(Object.keys(info.memory_bytes).sort()).toEqual(['fp16', 'fp32', 'int4', 'int8']);
    expect(info.memory_bytes.fp32).toBe(4 * 124_635_456);
    expect(info.flops_per_token_train).toBe(3 * info.flops_per_token_forward);
    // Forward ≈ 2N (minus norms) + causal attention 4·L·H·hd·(T+1)/2.
    expect(info.flops_per_token_forward).toBe(2 * (124_635_456 - 61 * 576) + (30 * 4 * 9 * 64 * 2049) / 2);
    expect(info.flops_per_token_palm_train).toBe(6 * 124_635_456 + 12 * 30 * 9 * 64 * 2048);
    expect(io.err).toBe('');
  });

  it('prints a human summary with units', async () => {
    const io = captureIO();
    expect(await main(['model', 'info', 'mobilellm-ls-350m', '--seq', '512'], io)).toBe(0);
    expect(io.out).toContain('345,355,200');
    expect(io.out).toMatch(/layer sharing: 64 blocks run/);
    expect(io.out).toMatch(/FLOPs per token at context 512/);
    expect(io.out).toMatch(/fp32 1\.38 GB, fp16 690\.71 MB, int8 345\.36 MB, int4 172\.68 MB/);
  });

  it('reads a config.json and names the bad field (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-info-'));
    const hf = {
      hidden_size: 64,
      intermediate_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      vocab_size: 259,
    };
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(hf));
    let io = captureIO(dir);
    expect(await main(['model', 'info', 'ok.json', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out).params_total).toBe(259 * 64 + 2 * (2 * 64 + 2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * 128) + 64);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...hf, num_key_value_heads: 3 }));
    io = captureIO(dir);
    expect(await main(['model', 'info', 'bad.json'], io)).toBe(2);
    expect(io.err).toMatch(/field 'num_key_value_heads' \(3\) must divide num_attention_heads \(4\)/);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.out).toBe('');
  });

  it('unknown preset and bad flags exit 2 with the valid choices', async () => {
    let io = captureIO();
    expect(await main(['model', 'info', 'gpt-5'], io)).toBe(2);
    expect(io.err).toMatch(/unknown model preset 'gpt-5'; valid presets: mobilellm-125m, .*mobilellm-ls-1\.5b/);
    io = captureIO();
    expect(await main(['model', 'info', 'mobilellm-125m', '--seq', '0'], io)).toBe(2);
    expect(io.err).toMatch(/--seq expects an integer >= 1, found '0'/);
    io = captureIO();
    expect(await main(['model', 'frob'], io)).toBe(2);
    expect(io.err).toMatch(/unknown model subcommand 'frob'; expected one of: info, export/);
  });

  it('help lists the subcommands and shows the info options', async () => {
    const io = captureIO();
    expect(await main(['model', 'info', '--help'], io)).toBe(0);
    expect(io.out).toMatch(/info\s+parameters/);
    expect(io.out).toMatch(/--seq N/);
  });
});
