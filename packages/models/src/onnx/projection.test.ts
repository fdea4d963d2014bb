import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Graph, tensor } from './graph.js';
import { encodeModel } from './encode.js';
import { fusedProjection, type ProjectionLayout } from './projection.js';

// x [2, 3] and three weights [out, in = 3] of 2, 1 and 2 rows: small integers, so every product is exact.
const X = [1, -2, 3, 0, 4, -1];
const WEIGHTS = [
  [1, 0, 2, -1, 3, 1],
  [2, 2, -1],
  [0, 1, 1, 5, -2, 0],
];

/** x·Wᵀ per weight, concatenated along the last axis: the projection written out by hand. */
function expected(): number[][] {
  return [0, 1].map((r) =>
    WEIGHTS.flatMap((w) =>
      Array.from({ length: w.length / 3 }, (_, o) => [0, 1, 2].reduce((s, i) => s + X[r * 3 + i]! * w[o * 3 + i]!, 0)),
    ),
  );
}

async function project(layout: ProjectionLayout, widths: number[]): Promise<number[][]> {
  const g = new Graph('projection');
  const x = g.input('x', 'float32', [2, 3]);
  const ws = WEIGHTS.map((w, i) => g.initializer(`w${i}`, tensor.float32(w, [w.length / 3, 3])));
  const parts = fusedProjection(g, x, ws, widths, 'proj', layout);
  parts.forEach((p, i) => g.output(p, 'float32', [2, widths[i]!], `y${i}`));
  const session = await ort.InferenceSession.create(encodeModel(g));
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(X), [2, 3]) });
  return [0, 1].map((r) =>
    parts.flatMap((_, i) => Array.from(out[`y${i}`]!.data as Float32Array).slice(r * widths[i]!, (r + 1) * widths[i]!)),
  );
}

describe('fusedProjection', () => {
  for (const layout of ['stacked-rows', 'transposed-columns'] as const) {
    it(`${layout}: one MatMul split per weight equals x·Wᵀ per weight`, async () => {
      expect(await project(layout, [2, 1, 2])).toEqual(expected());
    });
    it(`${layout}: merged neighbours split into the given widths`, async () => {
      expect(await project(layout, [3, 2])).toEqual(expected());
    });
  }

  it('a single weight gives Transpose + MatMul, without Concat or Split', () => {
    const g = new Graph('single');
    const x = g.input('x', 'float32', [2, 3]);
    const w = g.initializer('w', tensor.float32(WEIGHTS[0]!, [2, 3]));
    fusedProjection(g, x, [w], [2], 'proj', 'transposed-columns');
    expect(g.nodes.map((n) => n.opType)).toEqual(['Transpose', 'MatMul']);
  });
});
