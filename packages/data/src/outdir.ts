import { accessSync, constants, lstatSync, readdirSync, rmSync, statSync, statfsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataInputError } from './errors.js';

// Pseudo file systems where a folder cannot be made (Node's recursive mkdir loops forever under /proc).
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x1cd1, 'devpts'],
]);

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** The nearest existing ancestor of `path` must be a real, writable folder (so `mkdir -p` can create the rest). */
function checkAncestor(label: string, path: string): void {
  let at = dirname(path);
  for (;;) {
    let info;
    try {
      info = lstatSync(at);
    } catch (error) {
      if (code(error) !== 'ENOENT' && code(error) !== 'ENOTDIR')
        throw new DataInputError(`${label} '${path}': cannot inspect '${at}' (${code(error) ?? 'error'})`);
      const up = dirname(at);
      if (up === at) throw new DataInputError(`${label} '${path}': no existing parent folder`);
      at = up;
      continue;
    }
    if (info.isSymbolicLink()) {
      try {
        info = statSync(at);
      } catch {
        throw new DataInputError(`${label} '${path}': '${at}' is a dangling symbolic link`);
      }
    }
    if (!info.isDirectory()) throw new DataInputError(`${label} '${path}': '${at}' exists and is not a folder`);
    try {
      accessSync(at, constants.W_OK);
    } catch {
      throw new DataInputError(`${label} '${path}': the folder '${at}' is not writable`);
    }
    const fsName = PSEUDO_FS.get(Number(statfsSync(at).type));
    if (fsName !== undefined)
      throw new DataInputError(`${label} '${path}': '${at}' is on the ${fsName} pseudo file system, where no output can be written`);
    return;
  }
}

/**
 * Check an output folder path before any work is done (issue #20): it must be absent (its missing parents
 * are created later, like `mkdir -p`, under a real writable folder) or an existing folder. A file, a
 * dangling symbolic link or a path on /proc is bad input (DataInputError, exit 2) and nothing is touched.
 * Returns whether the folder exists now.
 */
export function checkOutputFolder(path: string, label = 'output folder'): 'absent' | 'folder' {
  const full = resolve(path);
  let info;
  try {
    info = lstatSync(full);
  } catch (error) {
    if (code(error) === 'ENOTDIR') throw new DataInputError(`${label} '${path}': a parent of it is a file, not a folder`);
    if (code(error) !== 'ENOENT') throw new DataInputError(`${label} '${path}': cannot inspect it (${code(error) ?? 'error'})`);
    checkAncestor(label, full);
    return 'absent';
  }
  if (info.isSymbolicLink()) {
    try {
      info = statSync(full);
    } catch {
      throw new DataInputError(`${label} '${path}' is a dangling symbolic link; remove it or choose another path`);
    }
  }
  if (!info.isDirectory())
    throw new DataInputError(`${label} '${path}' exists and is not a folder; refusing to replace it (choose another path)`);
  checkAncestor(label, join(full, 'x'));
  return 'folder';
}

/**
 * A name taken from a file's contents (model name, `_name_or_path`, sweep spec name) made safe to use as one
 * path component: letters, digits, `.`, `_`, `-` only, no leading dot, at most 64 characters; never `..`.
 */
export function safeSlug(name: string, fallback = 'unnamed'): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/[.-]+$/, '')
    .slice(0, 64);
  return slug === '' ? fallback : slug;
}

/** Whether process `pid` is alive on this machine (EPERM: alive, owned by someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}

/**
 * Remove temp folders `<base>.tmp-<pid>-<ms>` left beside `target` by scalewise processes that were killed
 * (their pid is gone), holding only the files scalewise itself writes there (`allowed`). Returns what it removed.
 */
export function removeStaleTemps(target: string, allowed: (name: string) => boolean): string[] {
  const parent = dirname(resolve(target));
  const pattern = new RegExp(`^${basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-(\\d+)-\\d+$`);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    const full = join(parent, name);
    try {
      if (!lstatSync(full).isDirectory() || !readdirSync(full).every(allowed)) continue;
      rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // Another process cleaned it first, or it cannot be read: leave it.
    }
  }
  return removed;
}
