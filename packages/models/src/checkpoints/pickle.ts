/**
 * A safe interpreter for the pickle subset `torch.save` writes for a state dict (protocol 2). It never imports
 * or calls anything: the few globals PyTorch needs are recognised by name and turned into plain values
 * (an OrderedDict becomes a Map, a tensor a `PickledTensor`); any other global or opcode is refused with an
 * input error naming the file and the offender. Opcode semantics follow CPython's `pickletools` documentation.
 */
import { ModelsInputError } from '../errors.js';
import { allowedGlobal, MARK, NAMES, reduceGlobal, storageFromPersistentId, type GlobalRef, type Value } from './pickle-globals.js';

export { STORAGE_DTYPES, type PickledTensor, type StorageDType, type StorageRef } from './pickle-globals.js';

/** Interpret `bytes` (a `data.pkl`); `where` names the file in errors. Returns the unpickled top-level value. */
export function unpickle(bytes: Uint8Array, where: string): Value {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string): never => {
    throw new ModelsInputError(
      `${where}: refused to load: ${message} (only the pickle subset torch.save writes for tensors is read; nothing is executed)`,
    );
  };
  const stack: Array<Value | typeof MARK> = [];
  const memo = new Map<number, Value>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) fail(`pickle truncated at byte ${pos}`);
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail(`pickle stack underflow at byte ${pos}`);
    return v as Value;
  };
  const popMark = (): Value[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail(`no MARK on the stack at byte ${pos}`);
    const items = stack.splice(at) as Array<Value | typeof MARK>;
    return items.slice(1) as Value[];
  };
  const top = (): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail(`pickle stack underflow at byte ${pos}`);
    return v as Value;
  };
  const global = (name: string): GlobalRef => allowedGlobal(name, fail);
  const setItems = (target: Value, items: Value[]) => {
    if (!(target instanceof Map)) fail('SETITEMS on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (target as Map<Value, Value>).set(items[i]!, items[i + 1]!);
  };
  const reduce = (fn: Value, args: Value): Value => reduceGlobal(fn, args, pos, fail);

  for (;;) {
    need(1);
    const op = buf[pos++]!;
    switch (op) {
      case 0x80:
        need(1);
        pos += 1;
        break; // PROTO
      case 0x95:
        need(8);
        pos += 8;
        break; // FRAME (protocol 4): a size hint
      case 0x2e: {
        // STOP
        const result = pop();
        return result;
      }
      case 0x28:
        stack.push(MARK);
        break;
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x29:
        stack.push({ kind: 'tuple', items: [] });
        break; // EMPTY_TUPLE
      case 0x74:
        stack.push({ kind: 'tuple', items: popMark() });
        break; // TUPLE
      case 0x85:
      case 0x86:
      case 0x87: {
        // TUPLE1..3
        const n = op - 0x84;
        const items: Value[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push({ kind: 'tuple', items });
        break;
      }
      case 0x58: {
        need(4);
        const n = buf.readUInt32LE(pos);
        pos += 4;
        need(n);
        stack.push(buf.toString('utf8', pos, pos + n));
        pos += n;
        break;
      } // BINUNICODE
      case 0x8c: {
        need(1);
        const n = buf[pos++]!;
        need(n);
        stack.push(buf.toString('utf8', pos, pos + n));
        pos += n;
        break;
      } // SHORT_BINUNICODE
      case 0x54: {
        need(4);
        const n = buf.readInt32LE(pos);
        pos += 4;
        if (n < 0) fail('negative string length');
        need(n);
        stack.push(buf.toString('latin1', pos, pos + n));
        pos += n;
        break;
      } // BINSTRING
      case 0x55: {
        need(1);
        const n = buf[pos++]!;
        need(n);
        stack.push(buf.toString('latin1', pos, pos + n));
        pos += n;
        break;
      } // SHORT_BINSTRING
      case 0x4a:
        need(4);
        stack.push(buf.readInt32LE(pos));
        pos += 4;
        break; // BININT
      case 0x4b:
        need(1);
        stack.push(buf[pos++]!);
        break; // BININT1
      case 0x4d:
        need(2);
        stack.push(buf.readUInt16LE(pos));
        pos += 2;
        break; // BININT2
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        need(1);
        const n = buf[pos++]!;
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + i]!);
        if (n > 0 && buf[pos + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) fail('integer too large');
        stack.push(Number(v));
        break;
      }
      case 0x47:
        need(8);
        stack.push(buf.readDoubleBE(pos));
        pos += 8;
        break; // BINFLOAT
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x71:
        need(1);
        memo.set(buf[pos++]!, top());
        break; // BINPUT
      case 0x72:
        need(4);
        memo.set(buf.readUInt32LE(pos), top());
        pos += 4;
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        // BINGET, LONG_BINGET
        const long = op === 0x6a;
        need(long ? 4 : 1);
        const key = long ? buf.readUInt32LE(pos) : buf[pos]!;
        pos += long ? 4 : 1;
        if (!memo.has(key)) fail(`memo key ${key} is not defined`);
        stack.push(memo.get(key)!);
        break;
      }
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const end1 = buf.indexOf(0x0a, pos);
        const end2 = end1 < 0 ? -1 : buf.indexOf(0x0a, end1 + 1);
        if (end2 < 0) fail('GLOBAL without module and name lines');
        const name = `${buf.toString('utf8', pos, end1)}.${buf.toString('utf8', end1 + 1, end2)}`;
        pos = end2 + 1;
        stack.push(global(name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const qualname = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof qualname !== 'string') fail('STACK_GLOBAL without module and name strings');
        stack.push(global(`${module as string}.${qualname as string}`));
        break;
      }
      case 0x51: {
        // BINPERSID: ('storage', StorageClass, key, location, numel)
        stack.push(storageFromPersistentId(pop(), fail));
        break;
      }
      case 0x52: {
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      } // REDUCE
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      } // SETITEMS
      case 0x61: {
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) fail('APPEND on a non-list');
        (list as Value[]).push(v);
        break;
      }
      case 0x65: {
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail('APPENDS on a non-list');
        (list as Value[]).push(...items);
        break;
      }
      case 0x62: {
        // BUILD: only an OrderedDict's attribute dict (state_dict()._metadata), which is dropped
        pop();
        if (!(top() instanceof Map)) fail('BUILD on something other than an OrderedDict');
        break;
      }
      default:
        fail(`pickle opcode ${NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`} at byte ${pos - 1} is not allowed`);
    }
  }
}
