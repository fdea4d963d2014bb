// Value types, opcode names and allow-listed globals of the safe pickle reader (pickle.ts), and how GLOBAL,
// BINPERSID and REDUCE of those globals become plain values; split from pickle.ts to keep it short.
export type StorageDType = 'F32' | 'F16' | 'BF16';

/** Storage classes torch writes in persistent ids, by the dtype of their elements. */
export const STORAGE_DTYPES: Record<string, StorageDType> = {
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
};

export const CALLABLES = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
]);

export interface StorageRef {
  kind: 'storage';
  key: string;
  dtype: StorageDType;
  numel: number;
}
export interface PickledTensor {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}
export interface GlobalRef {
  kind: 'global';
  name: string;
}
export interface Tuple {
  kind: 'tuple';
  items: Value[];
}
export type Value = null | boolean | number | string | Value[] | Map<Value, Value> | Tuple | GlobalRef | StorageRef | PickledTensor;

export const MARK = Symbol('mark');

// prettier-ignore
export const NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4c: 'LONG', 0x50: 'PERSID',
  0x53: 'STRING', 0x56: 'UNICODE', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x69: 'INST', 0x6c: 'LIST', 0x6f: 'OBJ', 0x70: 'PUT',
  0x67: 'GET', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x8b: 'LONG4', 0x92: 'NEWOBJ_EX', 0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER', 0x43: 'SHORT_BINBYTES', 0x42: 'BINBYTES', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS', 0x91: 'FROZENSET',
};

export const isTuple = (v: unknown): v is Tuple => typeof v === 'object' && v !== null && (v as Tuple).kind === 'tuple';
export const isGlobal = (v: unknown): v is GlobalRef => typeof v === 'object' && v !== null && (v as GlobalRef).kind === 'global';

export function intList(value: Value, what: string, fail: (m: string) => never): number[] {
  const items = isTuple(value) ? value.items : Array.isArray(value) ? value : null;
  if (!items || !items.every((x) => Number.isInteger(x) && (x as number) >= 0)) fail(`${what} must be a tuple of non-negative integers`);
  return items as number[];
}

/** REDUCE of an allow-listed callable: an OrderedDict, a tensor rebuilt from its storage, or a parameter (its tensor). */
export function reduceGlobal(fn: Value, args: Value, pos: number, fail: (m: string) => never): Value {
  if (!isGlobal(fn)) fail(`REDUCE on a non-global value at byte ${pos}`);
  const name = (fn as GlobalRef).name;
  if (!CALLABLES.has(name)) fail(`REDUCE on global '${name}' is not allowed`);
  if (!isTuple(args)) fail(`REDUCE arguments of '${name}' are not a tuple`);
  const a = (args as Tuple).items;
  if (name === 'collections.OrderedDict') {
    const map = new Map<Value, Value>();
    if (a.length === 1 && Array.isArray(a[0])) {
      for (const pair of a[0]) {
        if (!isTuple(pair) || pair.items.length !== 2) fail('OrderedDict built from something other than (key, value) pairs');
        map.set((pair as Tuple).items[0]!, (pair as Tuple).items[1]!);
      }
    } else if (a.length !== 0) {
      fail('OrderedDict with unexpected arguments');
    }
    return map;
  }
  if (name === 'torch._utils._rebuild_tensor_v2') {
    const [storage, offset, size, stride] = a;
    if (typeof storage !== 'object' || storage === null || (storage as StorageRef).kind !== 'storage')
      fail('_rebuild_tensor_v2 without a storage');
    if (!Number.isInteger(offset) || (offset as number) < 0) fail('_rebuild_tensor_v2 with a bad storage offset');
    const shape = intList(size!, 'tensor size', fail);
    const strides = intList(stride!, 'tensor stride', fail);
    if (shape.length !== strides.length) fail(`tensor size [${shape}] and stride [${strides}] differ in length`);
    return { kind: 'tensor', storage: storage as StorageRef, offset: offset as number, shape, stride: strides };
  }
  // _rebuild_parameter(data, requires_grad, hooks[, state]): the parameter is its tensor.
  const data = a[0];
  if (typeof data !== 'object' || data === null || (data as PickledTensor).kind !== 'tensor') fail(`${name} without a tensor`);
  return data as PickledTensor;
}

/** A GLOBAL reference, refused unless it is an allow-listed callable or a supported storage class. */
export function allowedGlobal(name: string, fail: (m: string) => never): GlobalRef {
  if (!CALLABLES.has(name) && !(name in STORAGE_DTYPES)) {
    const storage = /^torch\.(\w+)Storage$/.exec(name);
    fail(storage ? `global '${name}' (dtype ${storage[1]} is not supported; F32, F16 and BF16 are)` : `global '${name}' is not allowed`);
  }
  return { kind: 'global', name };
}

/** BINPERSID of a torch storage, ('storage', StorageClass, key, location, numel): a reference to its bytes. */
export function storageFromPersistentId(pid: Value, fail: (m: string) => never): StorageRef {
  if (!isTuple(pid) || pid.items[0] !== 'storage' || pid.items.length < 5) fail('persistent id is not a torch storage tuple');
  const [, type, key, , numel] = (pid as Tuple).items;
  if (!isGlobal(type) || !(type.name in STORAGE_DTYPES)) fail('persistent id names no allowed storage class');
  if (typeof key !== 'string' || !Number.isInteger(numel) || (numel as number) < 0) fail('persistent id has a bad storage key or size');
  return { kind: 'storage', key: key as string, dtype: STORAGE_DTYPES[(type as GlobalRef).name]!, numel: numel as number };
}
