import { endianness } from 'node:os';
import { ModelsInputError } from '../errors.js';
import { unpickle, type PickledTensor, type StorageDType } from './pickle.js';
import { ZipReader } from './zip.js';

/**
 * Read a PyTorch `torch.save` state dict (`pytorch_model.bin`, the zip format of torch >= 1.6):
 * `<archive>/data.pkl` (read by the safe interpreter in ./pickle.ts) names storages `<archive>/data/<key>`,
 * each read once and converted to one Float32Array; tensors are views into their storage (offset and strides
 * honoured; a contiguous tensor shares the storage's memory, so a tied head costs nothing).
 */
export interface CheckpointTensor {
  shape: number[];
  data: Float32Array;
  dtype: StorageDType;
}

const BYTES: Record<StorageDType, number> = { F32: 4, F16: 2, BF16: 2 };
const LITTLE_ENDIAN = endianness() === 'LE';

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Storage bytes (little-endian, as torch writes them on every platform it supports) to float32 values. */
export function decodeStorage(bytes: Buffer, dtype: StorageDType): Float32Array {
  const n = bytes.length / BYTES[dtype];
  if (dtype === 'F32' && LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = bytes.readFloatLE(i * 4);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = halfToFloat(bytes.readUInt16LE(i * 2));
  else {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = bytes.readUInt16LE(i * 2) << 16;
  }
  return out;
}

/** The tensor's values in row-major order: a view when contiguous, else gathered through its strides. */
function materialize(t: PickledTensor, storage: Float32Array, name: string, where: string): Float32Array {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (numel === 0) return new Float32Array(0);
  let last = t.offset;
  for (let d = 0; d < t.shape.length; d++) last += (t.shape[d]! - 1) * t.stride[d]!;
  if (last >= storage.length) {
    throw new ModelsInputError(
      `${where}: tensor '${name}' [${t.shape.join(', ')}] with offset ${t.offset} and strides [${t.stride.join(', ')}] reads past ` +
        `its storage of ${storage.length} values`,
    );
  }
  let contiguous = true;
  for (let d = t.shape.length - 1, expect = 1; d >= 0; d--) {
    if (t.shape[d] !== 1 && t.stride[d] !== expect) contiguous = false;
    expect *= t.shape[d]!;
  }
  if (contiguous) return storage.subarray(t.offset, t.offset + numel);
  const out = new Float32Array(numel);
  const index = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < numel; i++) {
    let at = t.offset;
    for (let d = 0; d < index.length; d++) at += index[d]! * t.stride[d]!;
    out[i] = storage[at]!;
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < t.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Load every tensor of a `pytorch_model.bin` (F32, F16 or BF16 storages) as Float32Arrays, by state-dict name. */
export function loadTorchBin(path: string): Map<string, CheckpointTensor> {
  const zip = new ZipReader(path);
  try {
    const pickles = [...zip.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
    if (pickles.length !== 1) {
      throw new ModelsInputError(
        `${path}: expected one '<archive>/data.pkl' in the zip (torch.save format), found ` +
          `${pickles.length === 0 ? 'none' : pickles.join(', ')}`,
      );
    }
    const prefix = pickles[0]!.slice(0, -'data.pkl'.length);
    const byteorder = zip.entries.has(`${prefix}byteorder`) ? zip.readEntry(`${prefix}byteorder`).toString('utf8').trim() : 'little';
    if (byteorder !== 'little')
      throw new ModelsInputError(`${path}: storages are ${byteorder}-endian; only little-endian checkpoints are read`);
    const root = unpickle(zip.readEntry(pickles[0]!), path);
    if (!(root instanceof Map)) throw new ModelsInputError(`${path}: expected a state dict (a dict of tensors) at the top level`);
    const storages = new Map<string, Float32Array>();
    const tensors = new Map<string, CheckpointTensor>();
    for (const [key, value] of root) {
      if (typeof key !== 'string') throw new ModelsInputError(`${path}: state dict key ${JSON.stringify(key)} is not a string`);
      if (typeof value !== 'object' || value === null || (value as PickledTensor).kind !== 'tensor') {
        throw new ModelsInputError(`${path}: state dict entry '${key}' is not a tensor`);
      }
      const t = value as PickledTensor;
      let storage = storages.get(t.storage.key);
      if (!storage) {
        const entry = `${prefix}data/${t.storage.key}`;
        const bytes = zip.readEntry(entry);
        if (bytes.length !== t.storage.numel * BYTES[t.storage.dtype]) {
          throw new ModelsInputError(
            `${path}: storage '${entry}' has ${bytes.length} bytes, ${t.storage.numel} ${t.storage.dtype} values need ` +
              `${t.storage.numel * BYTES[t.storage.dtype]}`,
          );
        }
        storage = decodeStorage(bytes, t.storage.dtype);
        storages.set(t.storage.key, storage);
      }
      tensors.set(key, { shape: t.shape, data: materialize(t, storage, key, path), dtype: t.storage.dtype });
    }
    return tensors;
  } finally {
    zip.close();
  }
}
