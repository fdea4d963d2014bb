import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Graph, attr, tensor } from './graph.js';
import { encodeModel } from './encode.js';

describe('ONNX graph builder', () => {
  it('builds a graph that onnxruntime runs with the expected result (Gemm with transB, float attributes)', async () => {
    const g = new Graph('tiny');
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.initializer('w', tensor.float32([1, 2, 3, 4, 5, 6], [2, 3])); // [out=2, in=3]
    const y = g.op1('Gemm', [x, w], { transB: attr.int(1), alpha: attr.float(0.5) });
    const z = g.op1('Add', [y, g.constant(tensor.float32([10, 20]))]);
    g.output(z, 'float32', ['batch', 2], 'z');
    const session = await ort.InferenceSession.create(encodeModel(g));
    const input = new Float32Array([1, 0, -1, 2, 1, 0]);
    const { z: out } = await session.run({ x: new ort.Tensor('float32', input, [2, 3]) });
    // row 0: [1,0,-1]·W^T = [1-3, 4-6] = [-2,-2] → ×0.5 + [10,20]
    // row 1: [2,1,0]·W^T = [2+2, 8+5] = [4,13]
    expect(Array.from(out!.data as Float32Array)).toEqual([9, 19, 12, 26.5]);
    expect(out!.dims).toEqual([2, 2]);
  });

  it('refuses a node that reads an undefined value, naming it', () => {
    const g = new Graph('broken');
    const x = g.input('x', 'float32', [2]);
    g.output(g.op1('Add', [x, 'missing']), 'float32', [2], 'y');
    expect(() => encodeModel(g)).toThrow(/reads 'missing' before it is defined/);
  });

  it('refuses an int attribute that is not an integer and a tensor whose data mismatches its dims', () => {
    expect(() => attr.int(0.5)).toThrow(/integer/);
    const g = new Graph('bad');
    expect(() => g.initializer('w', tensor.float32([1, 2, 3], [2, 2]))).toThrow(/need 4 elements, found 3/);
  });
});
