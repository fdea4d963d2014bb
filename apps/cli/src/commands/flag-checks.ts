import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError, intFlag } from '../kit.js';

/**
 * Up-front checks shared by eval, bench, model and report (issue #20): every flag and output path is checked
 * before any work or output, so bad input is exit 2 with a message naming the flag or path.
 */

/** Intra-op threads: at least one; more than 1024 is a typo, not a machine. */
export function threadsFlag(value: string | undefined): number | undefined {
  return intFlag('threads', value, { min: 1, max: 1024 });
}

function kind(path: string): 'missing' | 'file' | 'dir' | 'other' {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 'missing';
  }
  if (st.isSymbolicLink()) {
    try {
      st = statSync(path);
    } catch {
      return 'other'; // a dangling link: writing through it would create a file somewhere else
    }
  }
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
}

/**
 * An output file the command will write atomically: its folder must exist, and the path must not be a folder.
 * An existing file is replaced only when `ours(text)` says scalewise wrote it (never a file the user made).
 */
export function checkOutputFile(flag: string, path: string, ours: (text: string) => boolean): void {
  const parent = dirname(path);
  const p = path;
  const parentKind = kind(parent);
  if (parentKind === 'missing') throw new UsageError(`${flag} ${p}: folder ${parent} does not exist; create it first`);
  if (parentKind !== 'dir') throw new UsageError(`${flag} ${p}: ${parent} is not a folder`);
  const here = kind(path);
  if (here === 'dir') throw new UsageError(`${flag} ${p} is a folder; expected a file path`);
  if (here === 'other') throw new UsageError(`${flag} ${p} is not a regular file (a dangling link, a device or a socket)`);
  if (here === 'file') {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = '';
    }
    if (!ours(text))
      throw new UsageError(
        `${flag} ${p} exists and was not written by scalewise; refusing to overwrite it (choose another path or remove it)`,
      );
  }
}

/**
 * An output folder the command will create or fill: it must not be a file, and an existing folder must be empty or
 * hold a previous output of the same kind (`ours(entries, path)`), so no user folder is ever overwritten.
 */
export function checkOutputDir(flag: string, path: string, ours: (entries: string[], path: string) => boolean): void {
  const p = path;
  const here = kind(path);
  if (here === 'file') throw new UsageError(`${flag} ${p} is a file; expected a folder (a new one, or one scalewise wrote)`);
  if (here === 'other') throw new UsageError(`${flag} ${p} is not a folder (a dangling link, a device or a socket)`);
  if (here === 'missing') {
    // mkdir -p must be able to create it: the nearest existing ancestor has to be a folder.
    let up = dirname(path);
    while (kind(up) === 'missing' && dirname(up) !== up) up = dirname(up);
    if (kind(up) !== 'dir') throw new UsageError(`${flag} ${p}: ${up} is not a folder`);
    return;
  }
  const entries = readdirSync(path);
  if (entries.length > 0 && !ours(entries, path)) {
    throw new UsageError(
      `${flag} ${p} is a folder with other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); ` +
        `refusing to write into it (choose a new folder)`,
    );
  }
}

/** Whether `path` exists (file or folder); a helper for messages that name a missing input. */
export function mustExist(flag: string, path: string): void {
  if (!existsSync(path)) throw new UsageError(`${flag} ${path} does not exist`);
}
