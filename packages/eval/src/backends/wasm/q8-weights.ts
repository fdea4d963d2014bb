import { EvalInputError } from '../../errors.js';
import type { Q8Source, Q8Weights } from './engine.js';
import type { OnnxInitializers } from './onnx-initializers.js';

/**
 * The int8 matrices of a folder written by `writeInt8ModelFolder` (quantize/int8.ts), found by the initializer names it
 * gives them: `<W>_q8` (uint8 [N, K/bs, bs]) and `<W>_scale` (float32 [N · K/bs]) for one weight W [N, in], or
 * `<W₁>_fused<n>_q8` / `_scale` for n weights stacked along N (fused q/k/v, gate/up). Weights quantized one by one
 * are stacked here (row-major [N, …] stacks by concatenation). The block size follows from the shapes.
 */
export function int8Weights(init: OnnxInitializers): Q8Weights {
  const file = init.file;
  // The graph builder makes names unique with a numeric suffix (`…_q8_60`): index them by the name without it.
  const actual = new Map<string, string>();
  for (const { name } of init.list) {
    const m = /^(.*_(?:q8|scale))(?:_\d+)?$/.exec(name);
    if (m && !actual.has(m[1] as string)) actual.set(m[1] as string, name);
  }
  const get = (name: string) => init.get(actual.get(name) ?? name);
  const read = (label: string, outs: number[], inDim: number): Q8Source => {
    const q = get(`${label}_q8`);
    const s = get(`${label}_scale`);
    const N = outs.reduce((a, b) => a + b, 0);
    const [n, blocks, bs] = q?.dims ?? [];
    const ok =
      q !== undefined &&
      s !== undefined &&
      q.dims.length === 3 &&
      n === N &&
      blocks !== undefined &&
      bs !== undefined &&
      Number.isInteger(Math.log2(bs)) &&
      bs >= 16 &&
      blocks === Math.ceil(inDim / bs) &&
      s.dims.join() === String(N * blocks);
    if (!ok) {
      throw new EvalInputError(
        `ONNX file '${file}': int8 weight '${label}_q8' should be uint8 [${N}, ⌈${inDim}/block⌉, block] with '${label}_scale' ` +
          `[${N}·⌈${inDim}/block⌉], found ${q ? `[${q.dims.join(', ')}]` : 'none'} and ${s ? `[${s.dims.join(', ')}]` : 'none'}`,
      );
    }
    return { q: init.uint8(q.name), scales: init.float32(s.name), K: blocks * bs, N, blockSize: bs };
  };
  return (names, inDim) => {
    const outs = names.map((name) => get(`${name}_q8`)?.dims[0] ?? 0);
    const fused = `${names[0]}_fused${names.length}`;
    // The stacked height is checked by the engine against the config's.
    if (names.length > 1 && get(`${fused}_q8`)) return read(fused, [get(`${fused}_q8`)?.dims[0] ?? 0], inDim);
    if (outs.every((o) => o === 0)) return undefined;
    const parts = names.map((name, i) => read(name, [outs[i] as number], inDim));
    if (parts.length === 1) return parts[0];
    const bs = new Set(parts.map((p) => p.blockSize));
    if (bs.size !== 1) throw new EvalInputError(`ONNX file '${file}': ${names.join(', ')} have different int8 block sizes`);
    const concat = <T extends Uint8Array | Float32Array>(xs: T[], make: (n: number) => T) => {
      const out = make(xs.reduce((a, x) => a + x.length, 0));
      let at = 0;
      for (const x of xs) {
        out.set(x, at);
        at += x.length;
      }
      return out;
    };
    return {
      q: concat(
        parts.map((p) => p.q),
        (n) => new Uint8Array(n),
      ),
      scales: concat(
        parts.map((p) => p.scales),
        (n) => new Float32Array(n),
      ),
      K: parts[0]?.K as number,
      N: parts.reduce((a, p) => a + p.N, 0),
      blockSize: parts[0]?.blockSize as number,
    };
  };
}
