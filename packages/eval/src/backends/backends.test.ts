import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomTable, writeBigramFolder } from '../testing/models.js';
import { loadOrtModel } from './ort.js';
import { loadTransformersModel } from './transformers.js';
import { loadModel } from './load.js';

const V = 13;
const dir = mkdtempSync(join(tmpdir(), 'eval-backends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backends', () => {
  const folder = writeBigramFolder(join(dir, 'bigram-kv'), randomTable(V, 21), V, { kvCache: true, bosTokenId: 1 });
  const windows = [Int32Array.from([1, 4, 7, 2, 12]), Int32Array.from([1, 3]), Int32Array.from([5, 5, 5, 0])];

  it('onnxruntime-node and transformers.js give the same logits on the same folder (1e-4), padded batches included', async () => {
    const a = await loadOrtModel(folder, { threads: 1 });
    const b = await loadTransformersModel(folder, { threads: 1 });
    const la = await a.logits(windows);
    const lb = await b.logits(windows);
    expect([lb.batch, lb.seqLen, lb.vocab]).toEqual([3, 5, V]);
    windows.forEach((w, i) => {
      for (let t = 0; t < w.length; t++) {
        for (let v = 0; v < V; v++) {
          const k = (i * la.seqLen + t) * V + v;
          expect(Math.abs((la.data[k] as number) - (lb.data[k] as number))).toBeLessThan(1e-4);
        }
      }
    });
    expect(a.info).toMatchObject({ backend: 'onnxruntime-node', threads: 1, vocabSize: V, bosTokenId: 1, kvCache: true });
    expect(b.info).toMatchObject({ backend: 'transformers.js', vocabSize: V, bosTokenId: 1 });
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('KV-cache decoding returns the logits of a full forward pass and grows the cache', async () => {
    for (const lm of [await loadOrtModel(folder), await loadTransformersModel(folder)]) {
      const ids = Int32Array.from([1, 4, 7, 2, 12, 3]);
      const full = await lm.logits([ids]);
      const s = lm.startDecode();
      const first = await s.feed(ids.subarray(0, 4));
      const rest = [await s.feed(ids.subarray(4, 5)), await s.feed(ids.subarray(5, 6))];
      const stepped = Float32Array.from([...first, ...rest.flatMap((r) => Array.from(r))]);
      expect(Array.from(stepped)).toEqual(Array.from(full.data));
      expect(s.length).toBe(6);
      // 1 layer × key+value × 1 head × 6 positions × head_dim 2 × 4 bytes
      expect(s.cacheBytes()).toBe(2 * 6 * 2 * 4);
      await lm.dispose();
    }
  });

  it('exits with input errors naming missing files and wrong input names', async () => {
    await expect(loadModel(join(dir, 'nope'))).rejects.toMatchObject({
      name: 'EvalInputError',
      message: expect.stringMatching(/does not exist/),
    });
    mkdirSync(join(dir, 'empty'));
    await expect(loadModel(join(dir, 'empty'))).rejects.toThrow(/has no ONNX graph: expected onnx\/model.onnx or model.onnx/);
    const { Graph, encodeModel } = await import('@scalewise/models/internals');
    const g = new Graph('wrong');
    g.output(g.op1('Identity', [g.input('tokens', 'int64', [1, 'n'])]), 'int64', [1, 'n'], 'logits');
    writeFileSync(join(dir, 'wrong.onnx'), encodeModel(g));
    await expect(loadModel(join(dir, 'wrong.onnx'))).rejects.toMatchObject({
      name: 'EvalInputError',
      message: expect.stringMatching(/expected inputs input_ids.*found inputs \[tokens\]/),
    });
    await expect(loadModel(join(dir, 'empty'), { backend: 'transformers' })).rejects.toThrow(/no ONNX graph/);
  });
});
