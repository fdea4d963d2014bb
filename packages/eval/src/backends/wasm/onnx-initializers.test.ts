import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, initWeights, writeModelFolder, type ModelConfig } from '@scalewise/models';
import { buildInferenceGraph, encodeModel } from '@scalewise/models/internals';
import { quantizeGraphInt8 } from '../../quantize/int8.js';
import { readOnnxInitializers } from './onnx-initializers.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-onnx-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'init-test',
  vocabSize: 50,
  dim: 32,
  layers: 2,
  heads: 2,
  kvHeads: 1,
  headDim: 16,
  ffnHidden: 48,
  maxPositions: 32,
  tiedEmbeddings: false,
};
const weights = initWeights(config, 3);
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** A protobuf varint / length-delimited field, to hand-build what scalewise never writes (float_data). */
const varint = (n: number): number[] => (n < 128 ? [n] : [(n % 128) | 128, ...varint(Math.floor(n / 128))]);
const field = (num: number, body: number[]) => [...varint(num * 8 + 2), ...varint(body.length), ...body];
const floatBytes = (values: number[]) => Array.from(new Uint8Array(Float32Array.from(values).buffer));

describe('readOnnxInitializers', () => {
  it('reads every initializer of an encoded inference graph bit-exactly (weights and float32 constants)', () => {
    const graph = buildInferenceGraph(config, weights);
    const file = join(dir, 'inline.onnx');
    writeFileSync(file, encodeModel(graph));
    const init = readOnnxInitializers(file);
    expect(init.list.map((t) => t.name)).toEqual([...graph.initializers.keys()]);
    let floats = 0;
    for (const [name, tensor] of graph.initializers) {
      expect(init.get(name)?.dims).toEqual(tensor.dims);
      if (tensor.dtype === 'float32') {
        expect(bits(init.float32(name))).toEqual(bits(tensor.data as Float32Array));
        floats++;
      } else {
        expect(() => init.float32(name)).toThrow(new RegExp(`'${file}': initializer '${name}' is ${tensor.dtype}; only float32`));
      }
    }
    expect(floats).toBeGreaterThan(graph.initializers.size / 2);
  });

  it('reads the uint8 blocks of an int8 graph bit-exactly, and refuses uint8 reads of other types', () => {
    const graph = buildInferenceGraph(config, weights);
    quantizeGraphInt8(graph, { blockSize: 16 });
    const file = join(dir, 'int8.onnx');
    writeFileSync(file, encodeModel(graph));
    const init = readOnnxInitializers(file);
    let bytes = 0;
    for (const [name, tensor] of graph.initializers) {
      if (tensor.dtype !== 'uint8') continue;
      expect(Array.from(init.uint8(name))).toEqual(Array.from(tensor.data as Uint8Array));
      bytes++;
    }
    expect(bytes).toBe(2 * 4 + 1); // per layer fused qkv, o, fused gate/up, down; the head
    expect(() => init.uint8('model.norm.weight')).toThrow(/initializer 'model\.norm\.weight' is float32, expected uint8/);
    expect(() => init.uint8('nothing')).toThrow(/has no initializer 'nothing'/);
  });

  it('reads weights kept in model.onnx_data (external data) bit-exactly', async () => {
    const folder = join(dir, 'external');
    const result = await writeModelFolder(folder, { config, weights, externalData: true });
    expect(result.externalData).toBe(true);
    const init = readOnnxInitializers(join(folder, 'onnx', 'model.onnx'));
    for (const [name, w] of weights) expect(bits(init.float32(name))).toEqual(bits(w));
    // A cut-short data file is refused naming both files.
    truncateSync(join(folder, 'onnx', 'model.onnx_data'), 1000);
    expect(() => init.float32('lm_head.weight')).toThrow(
      /model\.onnx': initializer 'lm_head\.weight': external data .*model\.onnx_data' is truncated/,
    );
  });

  it('reads float_data, packed and unpacked', () => {
    const dims = [...varint(8), 2, ...varint(8), 3];
    const packed = [...dims, ...varint(16), 1, ...field(4, floatBytes([1, 2, 3, 4, 5, 6])), ...field(8, [...Buffer.from('p')])];
    const unpacked = [...dims, 16, 1, ...[0.5, -2].flatMap((v) => [37, ...floatBytes([v])]), ...field(8, [...Buffer.from('u')])];
    const file = join(dir, 'float-data.onnx');
    writeFileSync(file, Uint8Array.from([...varint(8), 8, ...field(7, [...field(5, packed), ...field(5, unpacked)])]));
    const init = readOnnxInitializers(file);
    expect(init.get('p')?.dims).toEqual([2, 3]);
    expect(Array.from(init.float32('p'))).toEqual([1, 2, 3, 4, 5, 6]);
    // dims [2, 3] but two values: refused, naming the tensor.
    expect(() => init.float32('u')).toThrow(/initializer 'u' holds 2 float32 values, its dims \[2, 3\] need 6/);
  });

  it('refuses truncated files, files without a graph and external data outside the folder, naming the file', () => {
    const whole = readFileSync(join(dir, 'inline.onnx'));
    const cut = join(dir, 'cut.onnx');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(() => readOnnxInitializers(cut)).toThrow(new RegExp(`ONNX file '${cut}' is truncated or not an ONNX model`));
    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, '');
    expect(() => readOnnxInitializers(empty)).toThrow(/has no graph/);
    expect(() => readOnnxInitializers(join(dir, 'missing.onnx'))).toThrow(/cannot read ONNX file/);
    const entry = (k: string, v: string) => field(13, [...field(1, [...Buffer.from(k)]), ...field(2, [...Buffer.from(v)])]);
    const tensor = [...varint(8), 4, 16, 1, ...field(8, [...Buffer.from('w')]), ...entry('location', '../w.bin'), ...varint(112), 1];
    mkdirSync(join(dir, 'escape'));
    const file = join(dir, 'escape', 'model.onnx');
    writeFileSync(file, Uint8Array.from(field(7, field(5, tensor))));
    expect(() => readOnnxInitializers(file).float32('w')).toThrow(/external data location "\.\.\/w\.bin" must be a file beside the model/);
  });
});
