import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ScalewiseError } from '../errors.js';

/** Content of an atomic write: text (UTF-8), bytes, or chunks of either (e.g. a generator streaming a large file). */
export type AtomicData = string | Uint8Array | Iterable<string | Uint8Array>;
/** Content of an async atomic write: also async chunk sources. */
export type AtomicDataAsync = AtomicData | AsyncIterable<string | Uint8Array>;

export interface AtomicWriteOptions {
  /** Create missing parent folders (default true). */
  mkdir?: boolean;
  /** File mode of a new file (default 0o666 before umask). */
  mode?: number;
}

// A single write of more than 2 GiB fails in Node, so large chunks go in pieces.
const PIECE = 1 << 30;

function tempPath(path: string): string {
  // Same folder as the target, so the rename stays on one file system; pid + random bytes keep writers apart.
  return `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

function chunksOf(data: AtomicData): Iterable<string | Uint8Array> {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

function bytesOf(chunk: string | Uint8Array): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** Errors that are already scalewise errors keep their kind (e.g. bad input found by a chunk generator); others say which write failed. */
function writeError(path: string, error: unknown): Error {
  if (error instanceof ScalewiseError) return error;
  return new ScalewiseError(`could not write ${path}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/**
 * Write a file atomically: a temp file in the same folder, fsync, rename over `path`, then fsync the folder
 * (best effort). Readers see the old file or the whole new one, never part of it; on any failure the temp file
 * is removed and `path` is untouched. Resolves to the number of bytes written.
 */
export async function writeFileAtomic(path: string, data: AtomicDataAsync, options: AtomicWriteOptions = {}): Promise<number> {
  const folder = dirname(path);
  const temp = tempPath(path);
  let handle: FileHandle | undefined;
  let created = false;
  let bytes = 0;
  try {
    if (options.mkdir ?? true) await mkdir(folder, { recursive: true });
    // 'wx': never reuse (or clobber) a file that happens to have the temp name.
    handle = await open(temp, 'wx', options.mode);
    created = true;
    const source = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    for await (const chunk of source) {
      const buf = bytesOf(chunk);
      for (let offset = 0; offset < buf.byteLength;) {
        const { bytesWritten } = await handle.write(buf, offset, Math.min(PIECE, buf.byteLength - offset));
        offset += bytesWritten;
      }
      bytes += buf.byteLength;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    created = false;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (created) await rm(temp, { force: true }).catch(() => undefined);
    throw writeError(path, error);
  }
  await syncFolder(folder);
  return bytes;
}

/** `writeFileAtomic` for synchronous callers (same guarantees); returns the number of bytes written. */
export function writeFileAtomicSync(path: string, data: AtomicData, options: AtomicWriteOptions = {}): number {
  const folder = dirname(path);
  const temp = tempPath(path);
  let fd: number | undefined;
  let created = false;
  let bytes = 0;
  try {
    if (options.mkdir ?? true) mkdirSync(folder, { recursive: true });
    fd = openSync(temp, 'wx', options.mode);
    created = true;
    for (const chunk of chunksOf(data)) {
      const buf = bytesOf(chunk);
      for (let offset = 0; offset < buf.byteLength;) offset += writeSync(fd, buf, offset, Math.min(PIECE, buf.byteLength - offset));
      bytes += buf.byteLength;
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
    created = false;
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    if (created) rmSync(temp, { force: true });
    throw writeError(path, error);
  }
  syncFolderSync(folder);
  return bytes;
}

/** Make a rename durable: fsync the folder. Best effort: some platforms (Windows) cannot open folders. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // durability of the rename is a bonus; the write itself succeeded
  }
}

function syncFolderSync(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // as in syncFolder
  }
}
