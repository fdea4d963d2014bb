import { readFile } from 'node:fs/promises';
import { ScalewiseError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicSync, type AtomicWriteOptions } from './atomic.js';

/** JSON as scalewise writes it: two-space indent and a final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Write `value` as pretty JSON, atomically. */
export async function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, jsonText(value), options);
}

/** `writeJsonAtomic` for synchronous callers. */
export function writeJsonAtomicSync(path: string, value: unknown, options: AtomicWriteOptions = {}): void {
  writeFileAtomicSync(path, jsonText(value), options);
}

/** The parsed JSON at `path`, or `undefined` when there is no such file; unreadable or invalid files throw. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ScalewiseError(`could not read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ScalewiseError(`could not read ${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
