import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, type ModelConfig } from './config.js';
import { initWeights } from './init.js';
import { createRng } from '@scalewise/core';
import { decodeSafetensors, encodeSafetensors, loadSafetensors } from './safetensors.js';
import { loadWeights, saveWeights } from './weights-io.js';

const config: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'io',
  vocabSize: 31,
  dim: 16,
  layers: 3,
  heads: 4,
  kvHeads: 2,
  headDim: 4,
  ffnHidden: 24,
  layerRepeat: 2,
};

describe('rng', () => {
  it('is reproducible, seed-sensitive, uniform and normal', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(createRng(43).nextUint32()).not.toBe(xs[0]);
    const r = createRng(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let u = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
      u += r.next();
    }
    // Standard errors: mean 1/√n ≈ 0.0022, var √(2/n) ≈ 0.0032, uniform mean 0.29/√n ≈ 0.00065.
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.015);
    expect(Math.abs(u / n - 0.5)).toBeLessThan(0.003);
  });
});

describe('initWeights', () => {
  it('follows the documented scheme and is seeded per tensor', () => {
    const big = { ...config, dim: 64, ffnHidden: 256, heads: 4, headDim: 16 };
    const w = initWeights(big, 7);
    const std = (t: Float32Array): number => Math.sqrt(t.reduce((s, x) => s + x * x, 0) / t.length);
    expect(std(w.get('model.layers.0.mlp.up_proj.weight')!)).toBeCloseTo(0.02, 3);
    expect(std(w.get('model.layers.0.mlp.down_proj.weight')!)).toBeCloseTo(0.02 / Math.sqrt(2 * 3 * 2), 3);
    expect(std(w.get('model.layers.2.self_attn.o_proj.weight')!)).toBeCloseTo(0.02 / Math.sqrt(12), 3);
    expect(w.get('model.norm.weight')!.every((x) => x === 1)).toBe(true);
    expect(initWeights(big, 7).get('model.layers.1.self_attn.q_proj.weight')).toEqual(w.get('model.layers.1.self_attn.q_proj.weight'));
    expect(initWeights(big, 8).get('model.layers.1.self_attn.q_proj.weight')).not.toEqual(w.get('model.layers.1.self_attn.q_proj.weight'));
    // Per-tensor streams: q_proj of layer 0 does not depend on the depth.
    expect(initWeights({ ...big, layers: 1 }, 7).get('model.layers.0.self_attn.q_proj.weight')).toEqual(
      w.get('model.layers.0.self_attn.q_proj.weight'),
    );
  });
});

describe('safetensors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-st-'));

  it('round-trips model weights through a file, atomically', () => {
    const w = initWeights(config, 3);
    const path = join(dir, 'model.safetensors');
    saveWeights(path, config, w);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const { weights, metadata } = loadWeights(path, config);
    expect(metadata.format).toBe('pt');
    expect(JSON.parse(metadata.scalewise_config!)).toEqual(config);
    expect([...weights.keys()]).toEqual([...w.keys()]);
    for (const [name, t] of w) expect(weights.get(name)).toEqual(t);
    // F16: values within half precision.
    saveWeights(path, config, w, { dtype: 'F16' });
    const half = loadWeights(path, config).weights.get('model.embed_tokens.weight')!;
    const orig = w.get('model.embed_tokens.weight')!;
    for (let i = 0; i < orig.length; i++)
      expect(Math.abs(half[i]! - orig[i]!)).toBeLessThanOrEqual(Math.abs(orig[i]!) * 2 ** -11 + 2 ** -25);
  });

  it('reads a header written by hand (F32, F16 and BF16, with padding and metadata)', () => {
    const header =
      JSON.stringify({
        __metadata__: { note: 'hand' },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F16', shape: [1, 2], data_offsets: [8, 12] },
        c: { dtype: 'BF16', shape: [], data_offsets: [12, 14] },
      }) + '   ';
    const hb = Buffer.from(header, 'utf8');
    const data = Buffer.alloc(14);
    data.writeFloatLE(1.5, 0);
    data.writeFloatLE(-2, 4);
    data.writeUInt16LE(0x3c00, 8); // 1.0 in fp16
    data.writeUInt16LE(0xc500, 10); // -5.0 in fp16
    data.writeUInt16LE(0x4049, 12); // bf16 of ~3.140625
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(hb.length));
    const file = decodeSafetensors(Buffer.concat([len, hb, data]));
    expect(file.metadata).toEqual({ note: 'hand' });
    expect([...file.tensors.get('a')!.data]).toEqual([1.5, -2]);
    expect([...file.tensors.get('b')!.data]).toEqual([1, -5]);
    expect(file.tensors.get('b')!.shape).toEqual([1, 2]);
    expect(file.tensors.get('c')!.data[0]).toBe(3.140625);
  });

  it('writes what the format specifies, byte for byte', () => {
    const bytes = encodeSafetensors(new Map([['x', { shape: [1], data: new Float32Array([1]) }]]), { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    expect(JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString())).toEqual({
      __metadata__: { k: 'v' },
      x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    });
    expect([...bytes.subarray(8 + n)]).toEqual([0, 0, 0x80, 0x3f]);
  });

  it('rejects damaged files with a clear message', () => {
    const good = encodeSafetensors(new Map([['x', { shape: [2], data: new Float32Array([1, 2]) }]]));
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, good.subarray(0, good.length - 1));
    expect(() => loadSafetensors(path)).toThrow(
      /bad\.safetensors: invalid safetensors file: tensor 'x' ends at byte 8 of a 7-byte data section/,
    );
    writeFileSync(path, good.subarray(0, 5));
    expect(() => loadSafetensors(path)).toThrow(/fewer than the 8-byte header length/);
    const edit = (h: object): Uint8Array => {
      const hb = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(hb.length));
      return Buffer.concat([len, hb, Buffer.alloc(8)]);
    };
    expect(() => decodeSafetensors(edit({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }))).toThrow(
      /dtype "I64"; supported: F32, F16, BF16/,
    );
    expect(() => decodeSafetensors(edit({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }))).toThrow(
      /needs 12 bytes, data_offsets \[0, 8\] give 8/,
    );
    expect(() => decodeSafetensors(edit({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }))).toThrow(
      /data section has 8 bytes but the tensors cover 4/,
    );
    expect(() => decodeSafetensors(edit({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }))).toThrow(/gap before tensor 'x'/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1000n, true);
    expect(() => decodeSafetensors(huge)).toThrow(/header length 1000 exceeds the 8 bytes after it/);
  });

  it('checks names and shapes against a config', () => {
    const path = join(dir, 'other.safetensors');
    saveWeights(path, { ...config, ffnHidden: 32 }, initWeights({ ...config, ffnHidden: 32 }, 1));
    expect(() => loadWeights(path, config)).toThrow(
      /tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[32, 16\], config 'io' expects \[24, 16\]/,
    );
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });
});
