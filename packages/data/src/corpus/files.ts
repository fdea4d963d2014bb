import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { DataInputError } from '../errors.js';

/** A file of a corpus, with its path relative to the corpus root (used in document ids). */
export interface CorpusFile {
  path: string;
  rel: string;
  size: number;
}

/**
 * The files of a corpus path: the file itself, or every file under a folder whose name ends in one
 * of `extensions` (sorted by relative path, so the order never depends on the file system).
 */
export async function listFiles(path: string, extensions: readonly string[]): Promise<CorpusFile[]> {
  const root = resolve(path);
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    throw new DataInputError(`corpus: expected a file or folder at '${path}', found nothing there`, { cause: error });
  }
  if (info.isFile()) return [{ path: root, rel: relative(resolve(root, '..'), root), size: info.size }];
  const out: CorpusFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && extensions.some((ext) => entry.name.toLowerCase().endsWith(ext))) {
        out.push({ path: full, rel: relative(root, full).split('\\').join('/'), size: (await stat(full)).size });
      }
    }
  };
  await walk(root);
  out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  if (out.length === 0) {
    throw new DataInputError(`corpus: expected files ending in ${extensions.join(', ')} under '${path}', found none`);
  }
  return out;
}
