/**
 * A tiny WebAssembly byte builder: just what the hand-written kernels need (LEB128 numbers, sections, the few
 * opcodes they use), so no toolchain or binary blob is shipped.
 */

/** The parts of the WebAssembly global this package uses (its TypeScript lib has no DOM types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const PAGE_BYTES = 65536;

/** Value type bytes, for parameters, results and locals. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** Opcodes (with their immediates) as small functions, so kernel bodies read like the text format. */
export const op = {
  get: (i: number) => [0x20, ...leb(i)],
  set: (i: number) => [0x21, ...leb(i)],
  tee: (i: number) => [0x22, ...leb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  and: [0x71],
  shl: [0x74],
  ltU: [0x49],
  geU: [0x4f],
  eqz: [0x45],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...leb(depth)],
  br: (depth: number) => [0x0c, ...leb(depth)],
  /** v128.load / v128.store with a constant byte offset (alignment hint 16 bytes). */
  load: (offset: number) => [0xfd, 0x00, 0x04, ...leb(offset)],
  store: (offset: number) => [0xfd, 0x0b, 0x04, ...leb(offset)],
  /** v128.load32_splat: one f32 broadcast to four lanes. */
  splat: (offset: number) => [0xfd, 0x09, 0x02, ...leb(offset)],
  zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  f32x4Sub: [0xfd, 0xe5, 0x01],
  f32x4Div: [0xfd, 0xe7, 0x01],
  f32x4Sqrt: [0xfd, 0xe3, 0x01],
  f32x4Min: [0xfd, 0xe8, 0x01],
  f32x4Neg: [0xfd, 0xe1, 0x01],
  f32x4Ge: [0xfd, 0x46],
  v128And: [0xfd, 0x4e],
  i32x4Shl: [0xfd, 0xab, 0x01],
  /** v128.const holding `v` in all four f32 (or i32) lanes. */
  f32x4Const: (v: number) => [0xfd, 0x0c, ...new Uint8Array(Float32Array.of(v, v, v, v).buffer)],
  i32x4Const: (v: number) => [0xfd, 0x0c, ...new Uint8Array(Int32Array.of(v, v, v, v).buffer)],
  lane: (i: number) => [0xfd, 0x1f, i],
  f32Add: [0x92],
  f32Sub: [0x93],
  /** f32.load with a constant byte offset (alignment hint 4 bytes). */
  f32Load: (offset: number) => [0x2a, 0x02, ...leb(offset)],
  /** call function `index` of the module. */
  call: (index: number) => [0x10, ...leb(index)],
  divU: [0x6e],
  or: [0x72],
  shrU: [0x76],
  /** f32.store with a constant byte offset (alignment hint 4 bytes). */
  f32Store: (offset: number) => [0x38, 0x02, ...leb(offset)],
  /** v128.load8x8_s: 8 int8 at a constant byte offset, sign-extended to i16x8 (alignment hint 8 bytes). */
  load8x8S: (offset: number) => [0xfd, 0x01, 0x03, ...leb(offset)],
  i16x8ExtendLowI8x16S: [0xfd, 0x87, 0x01],
  i16x8ExtendHighI8x16S: [0xfd, 0x88, 0x01],
  /** i32x4.dot_i16x8_s: lane i = a[2i]·b[2i] + a[2i+1]·b[2i+1]. */
  i32x4DotI16x8S: [0xfd, 0xba, 0x01],
  i32x4Add: [0xfd, 0xae, 0x01],
  /** i8x16.shuffle picking i32 lanes: a, b from the first operand (0-3), c, d from the second (4-7), as x64 shufps. */
  shuffle32: (lanes: [number, number, number, number]) => [0xfd, 0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])],
  f32x4ConvertI32x4S: [0xfd, 0xfa, 0x01],
  f32x4Abs: [0xfd, 0xe0, 0x01],
  f32x4Max: [0xfd, 0xe9, 0x01],
  /** f32x4.nearest: round half to even. */
  f32x4Nearest: [0xfd, 0x6a],
  f32x4Splat: [0xfd, 0x13],
  i32x4TruncSatF32x4S: [0xfd, 0xf8, 0x01],
  i16x8NarrowI32x4S: [0xfd, 0x85, 0x01],
  f32Const: (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
  f32Div: [0x95],
  f32Mul: [0x94],
  f32Sqrt: [0x91],
  f32Max: [0x97],
  f32Ne: [0x5c],
  select: [0x1b],
  /** v128.load64_zero: two f32 at a constant byte offset into the low half, zeros above (alignment hint 8 bytes). */
  load64Zero: (offset: number) => [0xfd, 0x5d, 0x03, ...leb(offset)],
  /** v128.store64_lane 0: the low 8 bytes (two f32) at a constant byte offset (alignment hint 8 bytes). */
  store64Low: (offset: number) => [0xfd, 0x5b, 0x03, ...leb(offset), 0],
  /** f64x2.promote_low_f32x4 (the two low f32 lanes, exactly) and f32x4.demote_f64x2_zero (rounded to nearest). */
  f64x2PromoteLow: [0xfd, 0x5f],
  f32x4DemoteF64x2Zero: [0xfd, 0x5e],
  f64x2Splat: [0xfd, 0x14],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Sub: [0xfd, 0xf1, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
  f64x2Div: [0xfd, 0xf3, 0x01],
  f64x2Sqrt: [0xfd, 0xef, 0x01],
};

export interface WasmFunction {
  name: string;
  params: number;
  /** Parameter type bytes (I32, F32, F64, V128); default all I32. */
  paramTypes?: number[];
  /** Result type byte (e.g. F32) or null for none. */
  result: number | null;
  /** Local declarations after the parameters: [count, type byte]. */
  locals: Array<[number, number]>;
  body: number[];
}

/**
 * A module importing one memory as `env.mem` (shared with the given maximum pages, or plain) and exporting `functions`,
 * whose parameters are i32 unless their `paramTypes` say otherwise.
 */
export function moduleBytes(functions: WasmFunction[], memory: { shared: boolean; maxPages: number }): Uint8Array {
  const types = functions.flatMap((f) => [
    0x60,
    ...leb(f.params),
    ...(f.paramTypes ?? new Array<number>(f.params).fill(I32)),
    ...(f.result === null ? [0] : [1, f.result]),
  ]);
  const limits = memory.shared ? [0x03, 0x00, ...leb(memory.maxPages)] : [0x00, 0x00];
  const codes = functions.map((f) => {
    const body = [...leb(f.locals.length), ...f.locals.flatMap(([count, type]) => [...leb(count), type]), ...f.body, 0x0b];
    return [...leb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...leb(functions.length), ...types]),
    ...section(2, [0x01, ...name('env'), ...name('mem'), 0x02, ...limits]),
    ...section(3, [...leb(functions.length), ...functions.map((_, i) => i)]),
    ...section(7, [...leb(functions.length), ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...leb(i)])]),
    ...section(10, [...leb(functions.length), ...codes.flat()]),
  ]);
}
