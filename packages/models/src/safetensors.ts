import { endianness } from 'node:os';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { writeFileAtomicSync } from '@scalewise/core/node';
import { ModelsError, ModelsInputError } from './errors.js';

/**
 * safetensors (huggingface/safetensors) reading and writing:
 *   [8 bytes: header length N, u64 little-endian] [N bytes: JSON header] [raw little-endian tensor data]
 * Header: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ...,
 *           "__metadata__": { "<key>": "<string>" } }, offsets relative to the start of the data section.
 * We write F32 (or F16), tensors in the given order, packed, header padded with spaces to 8 bytes.
 * We read F32, F16 and BF16 (converted to Float32Array) and check every offset.
 */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16';

const BYTES: Record<SafetensorsDType, number> = { F32: 4, F16: 2, BF16: 2 };

export interface SafetensorsFile {
  tensors: Map<string, { shape: number[]; data: Float32Array; dtype: SafetensorsDType }>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

// --- fp16 / bf16 conversion -------------------------------------------------------------------------

const LITTLE_ENDIAN = endianness() === 'LE';
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    if ((mant >> (shift - 1)) & 1 && (mant & ((1 << (shift - 1)) - 1) || half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  // Round to nearest even.
  if (mant & 0x1000 && (mant & 0xfff || half & 1)) half++;
  return sign | half;
}

// --- header --------------------------------------------------------------------------------------------

function fail(where: string, message: string): never {
  throw new ModelsInputError(`${where}: invalid safetensors file: ${message}`);
}

/** Parse and validate a header against the size of the data section; entries sorted by offset. */
function parseHeader(headerBytes: Uint8Array, dataLength: number, where: string): { entries: Entry[]; metadata: Record<string, string> } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    fail(where, `header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(where, 'header must be a JSON object');
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, '__metadata__ must be an object of strings');
      for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(where, `__metadata__.${key} must be a string, found ${JSON.stringify(value)}`);
        metadata[key] = value;
      }
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof info !== 'object' || info === null) fail(where, `tensor '${name}' must be an object`);
    if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
      fail(where, `tensor '${name}' has dtype ${JSON.stringify(info.dtype)}; supported: F32, F16, BF16`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(where, `tensor '${name}' shape must be an array of non-negative integers, found ${JSON.stringify(shape)}`);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(where, `tensor '${name}' data_offsets must be [begin, end], found ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== count * BYTES[info.dtype]) {
      fail(
        where,
        `tensor '${name}' [${shape.join(', ')}] ${info.dtype} needs ${count * BYTES[info.dtype]} bytes, data_offsets [${begin}, ` +
          `${end}] give ${end - begin}`,
      );
    }
    if (end > dataLength) fail(where, `tensor '${name}' ends at byte ${end} of a ${dataLength}-byte data section (file truncated?)`);
    entries.push({ name, dtype: info.dtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);
  let cursor = 0;
  for (const entry of entries) {
    if (entry.begin !== cursor) {
      fail(
        where,
        entry.begin < cursor
          ? `tensor '${entry.name}' overlaps the previous tensor`
          : `gap before tensor '${entry.name}' at byte ${cursor}`,
      );
    }
    cursor = entry.end;
  }
  if (cursor !== dataLength) fail(where, `data section has ${dataLength} bytes but the tensors cover ${cursor}`);
  return { entries, metadata };
}

function decodeTensor(bytes: Uint8Array, dtype: SafetensorsDType): Float32Array {
  if (dtype === 'F32' && LITTLE_ENDIAN) return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / BYTES[dtype];
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  else
    for (let i = 0; i < n; i++) {
      u32[0] = view.getUint16(i * 2, true) << 16;
      out[i] = f32[0]!;
    }
  return out;
}

function encodeTensor(data: Float32Array, dtype: 'F32' | 'F16'): Uint8Array {
  if (dtype === 'F32' && LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * BYTES[dtype]);
  const view = new DataView(bytes.buffer);
  if (dtype === 'F32') for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  else for (let i = 0; i < data.length; i++) view.setUint16(i * 2, floatToHalf(data[i]!), true);
  return bytes;
}

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

function buildHeader(tensors: Map<string, TensorToWrite>, metadata: Record<string, string>, dtype: 'F32' | 'F16'): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length)
      throw new ModelsInputError(
        `safetensors: tensor '${name}' has shape [${shape.join(', ')}] (${count} values) but ${data.length} values`,
      );
    header[name] = { dtype, shape, data_offsets: [offset, offset + count * BYTES[dtype]] };
    offset += count * BYTES[dtype];
  }
  const text = JSON.stringify(header);
  const padded = text + ' '.repeat((8 - ((8 + Buffer.byteLength(text)) % 8)) % 8);
  return new TextEncoder().encode(padded);
}

/** Encode tensors (in map order) and string metadata into safetensors bytes. */
export function encodeSafetensors(
  tensors: Map<string, TensorToWrite>,
  metadata: Record<string, string> = {},
  dtype: 'F32' | 'F16' = 'F32',
): Uint8Array {
  const header = buildHeader(tensors, metadata, dtype);
  const parts = [...tensors.values()].map((t) => encodeTensor(t.data, dtype));
  const total = 8 + header.length + parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let offset = 8 + header.length;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function headerLength(prefix: Uint8Array, fileLength: number, where: string): number {
  if (fileLength < 8) fail(where, `file has ${fileLength} bytes, fewer than the 8-byte header length`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileLength - 8)) fail(where, `header length ${n} exceeds the ${fileLength - 8} bytes after it`);
  if (n > 100_000_000n) fail(where, `header length ${n} is implausibly large (> 100 MB)`);
  return Number(n);
}

/** Decode safetensors bytes; validates the header, offsets and sizes, converts to Float32Array. */
export function decodeSafetensors(bytes: Uint8Array, where = 'safetensors'): SafetensorsFile {
  const n = headerLength(bytes, bytes.length, where);
  const { entries, metadata } = parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, where);
  const base = 8 + n;
  const tensors: SafetensorsFile['tensors'] = new Map();
  for (const e of entries)
    tensors.set(e.name, { shape: e.shape, dtype: e.dtype, data: decodeTensor(bytes.subarray(base + e.begin, base + e.end), e.dtype) });
  return { tensors, metadata };
}

/**
 * Write a safetensors file atomically (temp file + rename), tensor by tensor so files larger than a
 * Node buffer can be written.
 */
export function saveSafetensors(
  path: string,
  tensors: Map<string, TensorToWrite>,
  metadata: Record<string, string> = {},
  dtype: 'F32' | 'F16' = 'F32',
): void {
  const header = buildHeader(tensors, metadata, dtype);
  function* chunks(): Generator<Uint8Array> {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(header.length), true);
    yield len;
    yield header;
    for (const t of tensors.values()) {
      // Chunks of 4M values keep the temporary byte buffers small.
      for (let i = 0; i < t.data.length; i += 1 << 22) yield encodeTensor(t.data.subarray(i, i + (1 << 22)), dtype);
    }
  }
  try {
    writeFileAtomicSync(path, chunks(), { mkdir: false });
  } catch (error) {
    throw new ModelsError(
      `cannot write safetensors file ${path}: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

/** Read and validate a safetensors file (tensor by tensor; converted to Float32Array). */
export function loadSafetensors(path: string): SafetensorsFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new ModelsInputError(`cannot read safetensors file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) fail(path, 'expected a .safetensors file, found a folder or a special file');
    const size = stat.size;
    if (size < 8) fail(path, `file has ${size} bytes, fewer than the 8-byte header length`);
    const prefix = new Uint8Array(8);
    readAll(fd, prefix, 0);
    const n = headerLength(prefix, size, path);
    const headerBytes = new Uint8Array(n);
    readAll(fd, headerBytes, 8);
    const { entries, metadata } = parseHeader(headerBytes, size - 8 - n, path);
    const tensors: SafetensorsFile['tensors'] = new Map();
    for (const e of entries) {
      const bytes = new Uint8Array(e.end - e.begin);
      readAll(fd, bytes, 8 + n + e.begin);
      tensors.set(e.name, { shape: e.shape, dtype: e.dtype, data: decodeTensor(bytes, e.dtype) });
    }
    return { tensors, metadata };
  } catch (error) {
    // Every failure names the file: read errors (EISDIR, EIO) are the file's fault as much as a bad header.
    if (error instanceof ModelsInputError && error.message.includes(path)) throw error;
    throw new ModelsInputError(`${path}: not a readable safetensors file (${(error as Error).message})`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

function readAll(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new ModelsInputError(`unexpected end of file at byte ${position + done}`);
    done += got;
  }
}
