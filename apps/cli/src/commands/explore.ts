import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXPLORER_FILE, isExplorerPage, MAX_EXPLORER_TABLE_CHARS, writeExplorer } from '@scalewise/report';
import { EXIT_OK, UsageError, parseFlags, printJson, printable, type Command } from '../kit.js';
import { checkOutputDir, checkOutputFile } from './flag-checks.js';

const HELP = `scalewise explore — write the offline fit explorer: one HTML page that fits scaling laws in your browser

Usage: scalewise explore [FILE] [--out DIR] [--json]

Writes DIR/${EXPLORER_FILE}: a self-contained page (@scalewise/laws, Vega-Lite figures, no network; open it
from disk) where you drop or pick a CSV/JSON table, choose columns, the form (every built-in form, or a
formula of your own), loss, method and intervals, and see the fit, residuals, predictions with bands, the
AICc comparison of forms and, for chinchilla, the compute-optimal frontier. Fits run in a Web Worker.
FILE, when given, is embedded in the page and loaded when it opens (checked first: a bad table is exit 2).

Options:
  --out DIR   folder to write into (default: the current folder); an ${EXPLORER_FILE} there is replaced
              only if scalewise wrote it
  --json      print one JSON object: page, bytes, data

Examples:
  scalewise explore
  scalewise explore chinchilla.csv --out explorer/
`;

/** FILE as text: a readable regular file of UTF-8 text, small enough to embed. */
async function readTable(path: string, shown: string): Promise<string> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new UsageError(`FILE ${printable(shown)} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}`);
    size = st.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`FILE ${printable(shown)}: cannot read it (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`);
  }
  if (size > MAX_EXPLORER_TABLE_CHARS)
    throw new UsageError(
      `FILE ${printable(shown)}: ${size} bytes, more than the explorer embeds (${MAX_EXPLORER_TABLE_CHARS}); use 'scalewise fit'`,
    );
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`FILE ${printable(shown)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`FILE ${printable(shown)}: not UTF-8 text`);
  }
}

const command: Command = {
  summary: 'Write the offline fit explorer (one HTML page: fit scaling laws in a browser)',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, { out: { type: 'string' } });
    if (positionals.length > 1) throw new UsageError(`expected at most one FILE, found ${printable(positionals.join(' '))}`);
    const file = positionals[0];
    if (file !== undefined && file.trim() === '') throw new UsageError('expected a FILE, found an empty argument');
    if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out expects a folder, found an empty value');
    const out = resolve(io.cwd, values.out ?? '.');
    // Every check before anything is written: the table, the folder, and an explorer.html that is not ours.
    const text = file === undefined ? undefined : await readTable(resolve(io.cwd, file), file);
    checkOutputDir('--out', out, () => true);
    // A folder that does not exist yet holds nothing to protect (writeExplorer creates it).
    if (existsSync(out)) checkOutputFile('--out', join(out, EXPLORER_FILE), isExplorerPage);
    const written = await writeExplorer(out, text === undefined ? {} : { data: { name: file!, text } });
    if (values.json) {
      printJson(io, { page: written.path, bytes: written.bytes, data: written.data ? { file, ...written.data } : null });
    } else {
      io.stdout(`Explorer: ${printable(written.path)} (${(written.bytes / 1e6).toFixed(2)} MB; open it in a browser, no network needed)\n`);
      if (written.data) io.stdout(`Data: ${printable(file!)} (${written.data.rows} rows) loads when the page opens\n`);
    }
    return EXIT_OK;
  },
};

export default command;
