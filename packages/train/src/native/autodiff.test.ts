import { describe, expect, it } from 'vitest';
import { Graph, attr, tensor } from '@scalewise/models/internals';
import { checkGradients, weightedSum, type Param } from './testing.js';
import { differentiate } from './autodiff.js';

/** Build a float64 graph over `params` inputs, differentiate, compare with central differences (h = 1e-5). */
async function check(params: Param[], body: (g: Graph, x: string[]) => { out: string; shape: number[] }) {
  const g = new Graph('check');
  const names = params.map((p) => g.input(p.name, 'float64', p.shape));
  const { out, shape } = body(g, names);
  const loss = shape.length === 0 ? out : weightedSum(g, out, shape);
  const r = await checkGradients(g, loss, params);
  expect(r.checked).toBeGreaterThan(0);
  expect(r.maxAbs).toBeGreaterThan(1e-3); // the check must be able to fail
  expect(r.maxAbsErr).toBeLessThan(1e-7 * Math.max(1, r.maxAbs));
}

const ints = (g: Graph, v: number[]) => g.constant(tensor.int64(v));
const f64 = (g: Graph, v: number[], dims: number[] = [v.length]) => g.constant(tensor.float64(v, dims));

describe('reverse-mode autodiff (float64 graphs vs finite differences in ORT)', () => {
  it('Add/Sub/Mul/Div/Neg with numpy broadcasting, reduced back to each input shape', async () => {
    await check(
      [
        { name: 'a', shape: [2, 3] },
        { name: 'b', shape: [3] },
        { name: 'c', shape: [2, 1] },
        { name: 'd', shape: [1, 3], lo: 1, hi: 2 },
        { name: 'e', shape: [1] },
      ],
      (g, [a, b, c, d, e]) => {
        const s = g.op1('Add', [a!, b!]);
        const m = g.op1('Mul', [s, c!]);
        const q = g.op1('Div', [m, d!]);
        return { out: g.op1('Neg', [g.op1('Sub', [q, e!])]), shape: [2, 3] };
      },
    );
  });

  it('Pow (constant exponents 2 and 3), Sqrt, Reciprocal, Exp, Log, Tanh, Sigmoid, Relu, Elu, Where', async () => {
    await check(
      [
        { name: 'x', shape: [2, 4], lo: 0.5, hi: 2 },
        { name: 'y', shape: [2, 4] },
      ],
      (g, [x, y]) => {
        const p2 = g.op1('Pow', [y!, f64(g, [2], [])]);
        const p3 = g.op1('Pow', [x!, f64(g, [3], [])]);
        const t = g.op1('Sum', [
          p2,
          p3,
          g.op1('Sqrt', [x!]),
          g.op1('Reciprocal', [x!]),
          g.op1('Exp', [y!]),
          g.op1('Log', [x!]),
          g.op1('Tanh', [y!]),
          g.op1('Sigmoid', [y!]),
        ]);
        const r = g.op1('Mul', [g.op1('Relu', [y!]), g.op1('Elu', [y!], { alpha: attr.float(0.7) })]);
        const w = g.op1('Where', [g.op1('Greater', [y!, f64(g, [0.1], [])]), x!, r]);
        return { out: g.op1('Add', [t, w]), shape: [2, 4] };
      },
    );
  });

  it('SiLU x·σ(x) (fused rule), with σ(x) also used elsewhere and either operand order', async () => {
    await check(
      [
        { name: 'x', shape: [2, 5], lo: -3, hi: 3 },
        { name: 'z', shape: [2, 5] },
      ],
      (g, [x, z]) => {
        const s = g.op1('Sigmoid', [x!]);
        const silu = g.op1('Mul', [x!, s]);
        const swapped = g.op1('Mul', [s, x!]);
        return { out: g.op1('Sum', [silu, g.op1('Mul', [swapped, z!]), g.op1('Mul', [s, z!])]), shape: [2, 5] };
      },
    );
  });

  it('ReduceMean / ReduceSum with and without keepdims, Softmax and LogSoftmax', async () => {
    await check([{ name: 'x', shape: [2, 3, 4] }], (g, [x]) => {
      const mean = g.op1('ReduceMean', [x!, ints(g, [-1])], { keepdims: attr.int(1) });
      const sum = g.op1('ReduceSum', [x!, ints(g, [1])], { keepdims: attr.int(0) });
      const sm = g.op1('Softmax', [x!], { axis: attr.int(-1) });
      const lsm = g.op1('LogSoftmax', [x!], { axis: attr.int(1) });
      const a = g.op1('Mul', [g.op1('Add', [sm, lsm]), mean]);
      return { out: g.op1('Add', [a, g.op1('Unsqueeze', [sum, ints(g, [1])])]), shape: [2, 3, 4] };
    });
  });

  it('MatMul 2-D, 3-D × weight, batched with a broadcast operand (the GQA layout) and Gemm with every transpose', async () => {
    await check(
      [
        { name: 'x', shape: [2, 3, 4] },
        { name: 'w', shape: [4, 5] },
        { name: 'q', shape: [2, 1, 2, 3, 4] },
        { name: 'k', shape: [2, 1, 1, 4, 3] },
      ],
      (g, [x, w, q, k]) => {
        const y = g.op1('MatMul', [x!, w!]); // [2,3,5]
        const s = g.op1('MatMul', [q!, k!]); // [2,1,2,3,3]
        const a = g.op1('ReduceSum', [s, ints(g, [1, 2, 4])], { keepdims: attr.int(0) }); // [2,3]
        return { out: g.op1('Mul', [y, g.op1('Unsqueeze', [a, ints(g, [-1])])]), shape: [2, 3, 5] };
      },
    );
    for (const [tA, tB] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ] as const) {
      await check(
        [
          { name: 'a', shape: tA ? [4, 3] : [3, 4] },
          { name: 'b', shape: tB ? [5, 4] : [4, 5] },
          { name: 'c', shape: [5] },
        ],
        (g, [a, b, c]) => ({
          out: g.op1('Gemm', [a!, b!, c!], { transA: attr.int(tA), transB: attr.int(tB), alpha: attr.float(0.5), beta: attr.float(2) }),
          shape: [3, 5],
        }),
      );
    }
  });

  it('Gather (repeated ids accumulate), GatherElements, Reshape/Transpose/Unsqueeze/Squeeze/Slice/Concat/Expand', async () => {
    await check(
      [
        { name: 'emb', shape: [5, 4] },
        { name: 'z', shape: [2, 3, 1] },
      ],
      (g, [emb, z]) => {
        const ids = g.constant(tensor.int64([1, 3, 1, 0, 1, 4], [2, 3]));
        const x = g.op1('Gather', [emb!, ids], { axis: attr.int(0) }); // [2,3,4]
        const index = g.constant(tensor.int64([0, 3, 2, 1, 1, 0], [2, 3, 1]));
        const picked = g.op1('GatherElements', [x, index], { axis: attr.int(2) }); // [2,3,1]
        const r = g.op1('Transpose', [g.op1('Reshape', [x, ints(g, [0, 0, 2, 2])])], { perm: attr.ints([0, 2, 1, 3]) }); // [2,2,3,2]
        const lo = g.op1('Slice', [r, ints(g, [0]), ints(g, [1]), ints(g, [-1])]);
        const hi = g.op1('Slice', [r, ints(g, [1]), ints(g, [2]), ints(g, [-1])]);
        const swapped = g.op1('Concat', [hi, g.op1('Neg', [lo])], { axis: attr.int(-1) }); // [2,2,3,2]
        const sq = g.op1('Squeeze', [g.op1('Unsqueeze', [swapped, ints(g, [0])]), ints(g, [0])]);
        const e = g.op1('Expand', [g.op1('Mul', [z!, picked]), ints(g, [2, 2, 3, 2])]);
        return { out: g.op1('Mul', [sq, e]), shape: [2, 2, 3, 2] };
      },
    );
  });

  it('Concat of Slices that tile one tensor (RoPE cat(x2, x1), 3 blocks, identity order): Split + Concat, no Pad', async () => {
    const shapes: Param[] = [{ name: 'x', shape: [2, 3, 6] }];
    for (const [blocks, axisConst] of [
      [
        [
          [3, 6],
          [0, 3],
        ],
        -1,
      ],
      [
        [
          [4, 6],
          [0, 1],
          [1, 4],
        ],
        2,
      ],
      [
        [
          [0, 2],
          [2, 6],
        ],
        -1,
      ],
    ] as [number[][], number][]) {
      let graph: Graph | undefined;
      await check(shapes, (g, [x]) => {
        graph = g;
        const parts = blocks.map(([s, e]) => g.op1('Slice', [x!, ints(g, [s!]), ints(g, [e!]), ints(g, [axisConst])]));
        const cat = g.op1('Concat', parts, { axis: attr.int(axisConst) });
        // x also reaches the output directly, as in RoPE's x·cos + cat(x2, x1)·sin: contributions must add up.
        return { out: g.op1('Add', [g.op1('Mul', [x!, f64(g, [0.5])]), g.op1('Mul', [cat, cat])]), shape: [2, 3, 6] };
      });
      expect(
        graph!.nodes.some((n) => n.opType === 'Pad'),
        JSON.stringify(blocks),
      ).toBe(false);
    }
    // Overlapping or partial slices are not a permutation: the per-slice rule (Pad) still applies.
    let partial: Graph | undefined;
    await check(shapes, (g, [x]) => {
      partial = g;
      const a = g.op1('Slice', [x!, ints(g, [1]), ints(g, [4]), ints(g, [-1])]);
      const b = g.op1('Slice', [x!, ints(g, [0]), ints(g, [2]), ints(g, [-1])]);
      return { out: g.op1('Concat', [a, b], { axis: attr.int(-1) }), shape: [2, 3, 5] };
    });
    expect(partial!.nodes.some((n) => n.opType === 'Pad')).toBe(true);
  });

  it('Split (sizes input, any axis): parts concatenated back, zeros for a part with no gradient, fan-out summed', async () => {
    for (const axis of [1, -1]) {
      await check([{ name: 'x', shape: [2, 6, 7] }], (g, [x]) => {
        const sizes = axis === 1 ? [1, 3, 2] : [2, 4, 1];
        const [a, , c] = g.op('Split', [x!, ints(g, sizes)], { axis: attr.int(axis) }, { outputs: 3 });
        const y = g.op1('Mul', [a!, a!]);
        const z = g.op1('Mul', [c!, f64(g, [1.5])]);
        const sum = g.op1('Add', [
          g.op1('ReduceSum', [y, ints(g, [axis])], { keepdims: attr.int(1) }),
          g.op1('ReduceSum', [z, ints(g, [axis])], { keepdims: attr.int(1) }),
        ]);
        return {
          out: g.op1('Add', [sum, g.op1('ReduceSum', [c!, ints(g, [axis])], { keepdims: attr.int(1) })]),
          shape: axis === 1 ? [2, 1, 7] : [2, 6, 1],
        };
      });
    }
  });

  it('RMSNorm x / √(mean(x²) + ε) as one rule (x² as Pow or x·x), also when x and the rms have other consumers', async () => {
    for (const [form, rmsUsedElsewhere] of [
      ['Pow', true],
      ['Mul', true],
      ['Pow', false],
    ] as const) {
      let graph: Graph | undefined;
      await check(
        [
          { name: 'x', shape: [2, 3, 5] },
          { name: 'w', shape: [5], lo: 0.5, hi: 1.5 },
        ],
        (g, [x, w]) => {
          graph = g;
          const sq = form === 'Pow' ? g.op1('Pow', [x!, f64(g, [2], [])]) : g.op1('Mul', [x!, x!]);
          const ms = g.op1('ReduceMean', [sq, ints(g, [-1])], { keepdims: attr.int(1) });
          const r = g.op1('Sqrt', [g.op1('Add', [ms, f64(g, [1e-5], [])])]);
          // x also feeds a residual-like term: both of its gradients must arrive.
          const y = g.op1('Add', [g.op1('Mul', [g.op1('Div', [x!, r]), w!]), g.op1('Mul', [x!, f64(g, [0.3], [])])]);
          return { out: rmsUsedElsewhere ? g.op1('Add', [y, g.op1('Mul', [r, r])]) : y, shape: [2, 3, 5] };
        },
      );
      // The fused rule fired: the ReduceMean rule's Expand appears only for r's second consumer (plus one from the test's loss).
      expect(graph!.nodes.filter((nd) => nd.opType === 'Expand').length, `${form} ${rmsUsedElsewhere}`).toBe(rmsUsedElsewhere ? 2 : 1);
    }
  });

  it('attention Softmax (sole consumer O = P·V, GQA broadcast V, causal mask): row sums from dO ⊙ O, none over [T, T]', async () => {
    const params: Param[] = [
      { name: 's', shape: [2, 1, 2, 4, 4] },
      { name: 'v', shape: [2, 1, 1, 4, 3] },
    ];
    let graph: Graph | undefined;
    await check(params, (g, [sc, v]) => {
      graph = g;
      const mask = f64(
        g,
        Array.from({ length: 16 }, (_, i) => (i % 4 <= Math.floor(i / 4) ? 0 : -1e9)),
        [4, 4],
      );
      const p = g.op1('Softmax', [g.op1('Add', [sc!, mask])], { axis: attr.int(-1) });
      const o = g.op1('MatMul', [p, v!]); // [2,1,2,4,3]
      // O reaches the loss twice, so dO is a Sum of contributions.
      return { out: g.op1('Add', [g.op1('Mul', [o, o]), o]), shape: [2, 1, 2, 4, 3] };
    });
    const reducesOverScores = graph!.nodes.filter(
      (n) =>
        n.opType === 'ReduceSum' &&
        graph!.nodes.some(
          (m) =>
            m.outputs[0] === n.inputs[0] &&
            m.opType === 'Mul' &&
            m.inputs.some((i) => graph!.nodes.find((k) => k.outputs[0] === i)?.opType === 'Softmax'),
        ),
    );
    expect(reducesOverScores).toEqual([]);
    // With a second consumer of P the generic rule applies (and stays correct).
    await check(params, (g, [sc, v]) => {
      const p = g.op1('Softmax', [sc!], { axis: attr.int(-1) });
      const o = g.op1('MatMul', [p, v!]);
      return {
        out: g.op1('Add', [g.op1('ReduceSum', [o, ints(g, [-1])], { keepdims: attr.int(1) }), g.op1('Mul', [p, p])]),
        shape: [2, 1, 2, 4, 4],
      };
    });
  });

  it('accumulates fan-out, gives zeros to unused values, and takes runtime shape ops for symbolic dims', async () => {
    const g = new Graph('dyn');
    const x = g.input('x', 'float64', ['n', 3]);
    const w = g.input('w', 'float64', ['k']); // a symbol that hides the broadcast
    const unused = g.input('u', 'float64', [2]);
    g.op1('Mul', [unused, unused]); // a dead branch
    const y = g.op1('Mul', [g.op1('Add', [x, w]), w]); // w used twice, broadcast over symbolic n
    const loss = g.op1('ReduceSum', [g.op1('Mul', [y, y])], { keepdims: attr.int(0) });
    const grads = differentiate(g, loss, [w, unused, x], { dtype: 'float64' });
    expect(g.nodes.some((n) => n.opType === 'NonZero')).toBe(true); // the runtime reduction path was used
    const ort = await import('onnxruntime-node');
    const { encodeModel } = await import('@scalewise/models/internals');
    grads.forEach((d, i) => g.output(d, 'float64', i === 2 ? ['n', 3] : [i === 0 ? 3 : 2], `g${i}`));
    const s = await ort.InferenceSession.create(encodeModel(g));
    const xs = [1, 2, 3, -1, 0.5, 2],
      ws = [0.5, -2, 1.5];
    const out = await s.run({
      x: new ort.Tensor('float64', Float64Array.from(xs), [2, 3]),
      w: new ort.Tensor('float64', Float64Array.from(ws), [3]),
      u: new ort.Tensor('float64', Float64Array.from([1, 2]), [2]),
    });
    // loss = Σ ((x+w)·w)²; ∂/∂w_j = Σ_i 2·(x_ij+w_j)·w_j·(x_ij + 2 w_j)
    const expected = ws.map((wj, j) => [0, 1].reduce((acc, i) => acc + 2 * (xs[i * 3 + j]! + wj) * wj * (xs[i * 3 + j]! + 2 * wj), 0));
    Array.from(out.g0!.data as Float64Array).forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 10));
    expect(Array.from(out.g1!.data as Float64Array)).toEqual([0, 0]);
    expect(out.g2!.dims).toEqual([2, 3]);
  });

  it('names the op when a gradient rule is missing', () => {
    const g = new Graph('missing');
    const x = g.input('x', 'float32', [2]);
    const loss = g.op1('ReduceSum', [g.op1('Sin', [x])], { keepdims: attr.int(0) });
    expect(() => differentiate(g, loss, [x])).toThrow(/no gradient rule for Sin/);
  });
});
