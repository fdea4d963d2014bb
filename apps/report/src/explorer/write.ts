/** Writing the explorer page: bundles built, the initial table checked, one atomic file. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../write.js';
import { explorerBundles } from './bundle.js';
import { EXPLORER_MARK, explorerPageHtml } from './html.js';
import { MAX_TABLE_CHARS, readExplorerTable } from './table.js';

/** Largest initial table (characters; ~bytes for CSV): a bigger file belongs to `scalewise fit`. */
export const MAX_EXPLORER_TABLE_CHARS = MAX_TABLE_CHARS;

/** File name of the page under the output folder. */
export const EXPLORER_FILE = 'explorer.html';

export interface ExplorerOptions {
  /** A table (CSV or JSON text, and the file name shown in the page) loaded when the page opens. */
  data?: { name: string; text: string };
}

export interface WrittenExplorer {
  /** Path of the page (under the folder as given). */
  path: string;
  bytes: number;
  /** The initial table's size, when one was embedded. */
  data?: { name: string; rows: number; columns: string[] };
}

/** Whether an existing page is one this package wrote (so it may be replaced). */
export function isExplorerPage(text: string): boolean {
  return text.includes(EXPLORER_MARK);
}

/** The page as one self-contained HTML string. A bad initial table throws LawsInputError (file, row, column) first. */
export async function explorerHtml(options: ExplorerOptions = {}): Promise<string> {
  if (options.data) readExplorerTable(options.data.text, options.data.name);
  return explorerPageHtml(await explorerBundles(), options.data ?? null);
}

/** Write `explorer.html` under `dir` (created if missing), atomically; the table is checked before anything is written. */
export async function writeExplorer(dir: string, options: ExplorerOptions = {}): Promise<WrittenExplorer> {
  const table = options.data ? readExplorerTable(options.data.text, options.data.name) : null;
  const html = explorerPageHtml(await explorerBundles(), options.data ?? null);
  await mkdir(dir, { recursive: true });
  const path = join(dir, EXPLORER_FILE);
  await atomicWrite(path, html);
  const written: WrittenExplorer = { path, bytes: Buffer.byteLength(html) };
  if (table) written.data = { name: table.name, rows: table.rows, columns: table.columns };
  return written;
}
