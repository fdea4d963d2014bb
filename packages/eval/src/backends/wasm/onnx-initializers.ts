import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { EvalInputError } from '../../errors.js';

/**
 * A minimal protobuf reader for the initializers of an ONNX file (ModelProto.graph.initializer), enough for what
 * scalewise's `encodeModel` writes: dims, data_type, name, raw_data, float_data and external data (location, offset,
 * length). Nodes, inputs and outputs are skipped unread. Data is decoded only when asked for, so a 500 MB model is
 * read once and copied once per tensor.
 */

/** ONNX TensorProto.DataType names, for messages. */
const DATA_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  16: 'bfloat16',
};
const FLOAT = 1;
const UINT8 = 2;

export interface OnnxInitializer {
  name: string;
  dims: number[];
  /** ONNX TensorProto data type (1 = float32). */
  dataType: number;
}

interface Located extends OnnxInitializer {
  raw?: [number, number];
  floatData?: [number, number];
  floatValues?: number[];
  external?: { location: string; offset: number; length: number };
}

export interface OnnxInitializers {
  /** The ONNX file read. */
  readonly file: string;
  readonly list: readonly OnnxInitializer[];
  get(name: string): OnnxInitializer | undefined;
  /** A float32 initializer's values (a fresh copy); EvalInputError naming the file for other types or missing data. */
  float32(name: string): Float32Array;
  /** A uint8 initializer's values (a fresh copy), e.g. MatMulNBits' 8-bit weights; EvalInputError like `float32`. */
  uint8(name: string): Uint8Array;
}

/** Cursor over protobuf bytes; every read past `end` is a truncated file. */
class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly file: string,
  ) {}
  fail(what: string): never {
    throw new EvalInputError(`ONNX file '${this.file}' is truncated or not an ONNX model: ${what} at byte ${this.pos}`);
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end');
      const b = this.bytes[this.pos++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) this.fail('integer too large');
        return value;
      }
      scale *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }
  /** A length-delimited field: returns [start, end) and moves past it. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (start + length > this.end) this.fail(`field of ${length} bytes runs past the end`);
    this.pos = start + length;
    return [start, start + length];
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.span();
    else if (wire === 5) this.advance(4);
    else this.fail(`unsupported wire type ${wire}`);
  }
  advance(n: number): void {
    if (this.pos + n > this.end) this.fail(`${n}-byte field runs past the end`);
    this.pos += n;
  }
  /** Iterate the fields of the message in [pos, end): calls `on(field, wire)`, which must consume the value or return false. */
  fields(on: (field: number, wire: number) => boolean): void {
    while (this.pos < this.end) {
      const key = this.varint();
      const wire = key & 7;
      if (!on(Math.floor(key / 8), wire)) this.skip(wire);
    }
  }
  sub(span: [number, number]): Reader {
    return new Reader(this.bytes, span[0], span[1], this.file);
  }
}

const text = new TextDecoder('utf-8', { fatal: false });

function readTensor(r: Reader): Located {
  const t: Located = { name: '', dims: [], dataType: 0 };
  r.fields((field, wire) => {
    if (field === 1 && wire === 0) t.dims.push(r.varint());
    else if (field === 1 && wire === 2) {
      const p = r.sub(r.span());
      while (p.pos < p.end) t.dims.push(p.varint());
    } else if (field === 2 && wire === 0) t.dataType = r.varint();
    else if (field === 4 && wire === 2) t.floatData = r.span();
    else if (field === 4 && wire === 5) {
      const view = new DataView(r.bytes.buffer, r.bytes.byteOffset + r.pos, 4);
      r.advance(4);
      (t.floatValues ??= []).push(view.getFloat32(0, true));
    } else if (field === 8 && wire === 2) t.name = text.decode(r.bytes.subarray(...r.span()));
    else if (field === 9 && wire === 2) t.raw = r.span();
    else if (field === 13 && wire === 2) {
      const entry = r.sub(r.span());
      let key = '';
      let value = '';
      entry.fields((f, w) => {
        if (w !== 2 || (f !== 1 && f !== 2)) return false;
        const s = text.decode(r.bytes.subarray(...entry.span()));
        if (f === 1) key = s;
        else value = s;
        return true;
      });
      const ext = (t.external ??= { location: '', offset: 0, length: -1 });
      if (key === 'location') ext.location = value;
      else if (key === 'offset') ext.offset = Number(value);
      else if (key === 'length') ext.length = Number(value);
    } else return false;
    return true;
  });
  return t;
}

/** Read the initializer table of an ONNX file (its data stays in the file bytes until `float32` copies it out). */
export function readOnnxInitializers(file: string): OnnxInitializers {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new EvalInputError(`cannot read ONNX file '${file}': ${(cause as Error).message}`, { cause });
  }
  const top = new Reader(bytes, 0, bytes.length, file);
  const found: Located[] = [];
  let sawGraph = false;
  top.fields((field, wire) => {
    if (field !== 7 || wire !== 2) return false;
    sawGraph = true;
    const g = top.sub(top.span());
    g.fields((f, w) => {
      if (f !== 5 || w !== 2) return false;
      found.push(readTensor(g.sub(g.span())));
      return true;
    });
    return true;
  });
  if (!sawGraph) throw new EvalInputError(`ONNX file '${file}' has no graph (empty, truncated or not an ONNX model)`);
  const byName = new Map(found.map((t) => [t.name, t]));

  const external = (t: Located, count: number, elementBytes: number): Uint8Array => {
    const ext = t.external as NonNullable<Located['external']>;
    const where = `ONNX file '${file}': initializer '${t.name}'`;
    if (ext.location === '' || isAbsolute(ext.location) || normalize(ext.location).split(sep).includes('..')) {
      throw new EvalInputError(`${where}: external data location ${JSON.stringify(ext.location)} must be a file beside the model`);
    }
    const length = ext.length < 0 ? count * elementBytes : ext.length;
    if (!Number.isSafeInteger(ext.offset) || ext.offset < 0 || length !== count * elementBytes) {
      const type = DATA_TYPES[t.dataType] ?? `data type ${t.dataType}`;
      throw new EvalInputError(`${where}: external data offset ${ext.offset} / length ${length} do not fit ${count} ${type} values`);
    }
    const path = join(dirname(file), ext.location);
    const out = new Uint8Array(count * elementBytes);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (cause) {
      throw new EvalInputError(`${where}: cannot open external data '${path}': ${(cause as Error).message}`, { cause });
    }
    try {
      if (ext.offset + length > fstatSync(fd).size) {
        throw new EvalInputError(`${where}: external data '${path}' is truncated (needs bytes up to ${ext.offset + length})`);
      }
      for (let done = 0; done < length;) {
        const n = readSync(fd, out, done, length - done, ext.offset + done);
        if (n <= 0) throw new EvalInputError(`${where}: external data '${path}' ended early`);
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  };

  return {
    file,
    list: found.map(({ name, dims, dataType }) => ({ name, dims, dataType })),
    get: (name) => {
      const t = byName.get(name);
      return t && { name: t.name, dims: t.dims, dataType: t.dataType };
    },
    float32(name) {
      const t = byName.get(name);
      if (!t) throw new EvalInputError(`ONNX file '${file}' has no initializer '${name}'`);
      if (t.dataType !== FLOAT) {
        const type = DATA_TYPES[t.dataType] ?? `data type ${t.dataType}`;
        throw new EvalInputError(`ONNX file '${file}': initializer '${name}' is ${type}; only float32 weights are supported here`);
      }
      const count = t.dims.reduce((a, b) => a * b, 1);
      if (t.external) return new Float32Array(external(t, count, 4).buffer);
      if (t.floatValues) return check(t, Float32Array.from(t.floatValues), count);
      const span = t.raw ?? t.floatData;
      if (!span) return check(t, new Float32Array(0), count);
      // Copy into a fresh buffer: the bytes may not be 4-byte aligned in the file (raw_data and packed float_data are little-endian).
      if ((span[1] - span[0]) % 4 !== 0) return check(t, new Float32Array(0), count);
      const values = new Float32Array((span[1] - span[0]) / 4);
      new Uint8Array(values.buffer).set(bytes.subarray(span[0], span[1]));
      return check(t, values, count);
    },
    uint8,
  };

  function uint8(name: string): Uint8Array {
    const t = byName.get(name);
    if (!t) throw new EvalInputError(`ONNX file '${file}' has no initializer '${name}'`);
    if (t.dataType !== UINT8) {
      const type = DATA_TYPES[t.dataType] ?? `data type ${t.dataType}`;
      throw new EvalInputError(`ONNX file '${file}': initializer '${name}' is ${type}, expected uint8`);
    }
    const count = t.dims.reduce((a, b) => a * b, 1);
    const values = t.external ? external(t, count, 1) : t.raw ? bytes.slice(t.raw[0], t.raw[1]) : new Uint8Array(0);
    if (values.length !== count) {
      throw new EvalInputError(
        `ONNX file '${file}': initializer '${name}' holds ${values.length} uint8 values, its dims [${t.dims.join(', ')}] need ${count}`,
      );
    }
    return values;
  }

  function check(t: Located, values: Float32Array, count: number): Float32Array {
    if (values.length !== count) {
      throw new EvalInputError(
        `ONNX file '${file}': initializer '${t.name}' holds ${values.length} float32 values, its dims [${t.dims.join(', ')}] need ${count}`,
      );
    }
    return values;
  }
}
