import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { ModelsInputError } from '../errors.js';

/**
 * A read-only view of a zip archive's entries (the container of PyTorch's `torch.save` format), reading only
 * the central directory up front and each entry on demand, so a 4 GB checkpoint is never held whole.
 * ZIP64 is supported (torch writes it past 4 GB); entries are stored (method 0, what torch writes) or deflated.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  private readonly fd: number;
  readonly size: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (error) {
      throw new ModelsInputError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    this.size = fstatSync(this.fd).size;
    try {
      this.readCentralDirectory();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private fail(message: string): never {
    throw new ModelsInputError(`${this.path}: not a PyTorch zip checkpoint: ${message}`);
  }

  private read(position: number, length: number): Buffer {
    if (position < 0 || position + length > this.size)
      this.fail(`reads bytes ${position}..${position + length} of a ${this.size}-byte file (truncated?)`);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const got = readSync(this.fd, out, done, length - done, position + done);
      if (got === 0) this.fail(`unexpected end of file at byte ${position + done}`);
      done += got;
    }
    return out;
  }

  private readCentralDirectory(): void {
    // End of central directory: 22 bytes + a comment of up to 65535 bytes, at the end of the file.
    const tailLength = Math.min(this.size, 22 + 65535);
    const tail = this.read(this.size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) this.fail('no zip end-of-central-directory record (is it an old, pre-1.6 torch.save file or not a checkpoint?)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locatorAt = this.size - tailLength + eocd - 20;
      const locator = this.read(locatorAt, 20);
      if (locator.readUInt32LE(0) !== 0x07064b50) this.fail('ZIP64 locator missing');
      const zip64 = this.read(Number(locator.readBigUInt64LE(8)), 56);
      if (zip64.readUInt32LE(0) !== 0x06064b50) this.fail('ZIP64 end-of-central-directory record missing');
      count = Number(zip64.readBigUInt64LE(32));
      cdSize = Number(zip64.readBigUInt64LE(40));
      cdOffset = Number(zip64.readBigUInt64LE(48));
    }
    const cd = this.read(cdOffset, cdSize);
    let at = 0;
    for (let n = 0; n < count; n++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) this.fail(`central directory entry ${n} is malformed`);
      const method = cd.readUInt16LE(at + 10);
      let compressedSize = cd.readUInt32LE(at + 20);
      let size = cd.readUInt32LE(at + 24);
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      let localHeaderOffset = cd.readUInt32LE(at + 42);
      const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
      // ZIP64 extra field (id 1): 8-byte values for whichever of the three fields were saturated, in this order.
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = cd.readUInt16LE(extra);
        const length = cd.readUInt16LE(extra + 2);
        if (id === 1) {
          let p = extra + 4;
          if (size === 0xffffffff) {
            size = Number(cd.readBigUInt64LE(p));
            p += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(p));
            p += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cd.readBigUInt64LE(p));
        }
        extra += 4 + length;
      }
      if (method !== 0 && method !== 8)
        this.fail(`entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are read`);
      this.entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
      at = extraEnd + commentLength;
    }
  }

  /** The bytes of an entry (a fresh buffer, so typed arrays over it are aligned). */
  readEntry(name: string): Buffer {
    const entry = this.entries.get(name);
    if (!entry) this.fail(`entry '${name}' is missing`);
    const local = this.read(entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== 0x04034b50) this.fail(`entry '${name}' has no local file header`);
    const dataAt = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = this.read(dataAt, entry.compressedSize);
    if (entry.method === 0) return raw;
    // Capped at the size the directory declares, so a zip bomb fails instead of exhausting memory.
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      this.fail(`entry '${name}' does not inflate to its declared ${entry.size} bytes (${(error as Error).message})`);
    }
    if (inflated.length !== entry.size) this.fail(`entry '${name}' inflates to ${inflated.length} bytes, the directory says ${entry.size}`);
    return inflated;
  }
}
