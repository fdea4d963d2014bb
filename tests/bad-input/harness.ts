/**
 * The bad-input suite's harness: each case runs one CLI command in a fresh temp folder holding only the case's
 * fixture files, then checks what every bad input must get (issue #20): the expected exit code, a message that
 * names what it should, no stack trace, no control character, no NaN, and no pre-existing file changed.
 *
 * Cases run in-process through `main()` (fast); a case that could hang or exhaust memory sets `isolate` and runs
 * as a child process with a hard timeout, so a regression fails the case instead of freezing the suite.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { main, type CliIO } from '@scalewise/cli';
import { ROOT } from '../helpers.js';

/** A fixture entry: file contents, a folder (with its entries), or a symbolic link. */
export type Fixture = string | Uint8Array | { dir: Record<string, Fixture> } | { symlink: string };

export interface BadCase {
  /** Short stable id (e.g. F02, D23 from shared/bad-inputs-found.md, or a new one). */
  id: string;
  /** What the case is about, shown in the test name. */
  title: string;
  /** CLI arguments; relative paths resolve inside the case's temp folder. `$DIR` is replaced by that folder. */
  argv: string[];
  /** Files and folders to create in the temp folder before the run. */
  files?: Record<string, Fixture>;
  /** Expected exit code (default 2). */
  code?: number;
  /** Patterns the stderr must match (e.g. the file, row or field it must name). */
  stderr?: RegExp[];
  /** Patterns the stdout must match. */
  stdout?: RegExp[];
  /** Paths (relative to the temp folder) that must exist after the run. */
  exists?: string[];
  /** Paths that must not exist after the run. */
  absent?: string[];
  /** Pre-existing paths the command may change (default: none may change). */
  mayChange?: string[];
  /** Run as a child process with this timeout in ms (for cases that could hang or blow memory). */
  isolate?: number;
  /** Extra check after the run. */
  check?: (result: CaseResult) => void | Promise<void>;
}

export interface CaseResult {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
}

async function writeFixture(target: string, fixture: Fixture): Promise<void> {
  if (typeof fixture === 'string' || fixture instanceof Uint8Array) {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, fixture);
  } else if ('dir' in fixture) {
    await mkdir(target, { recursive: true });
    for (const [name, child] of Object.entries(fixture.dir)) await writeFixture(path.join(target, name), child);
  } else {
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(fixture.symlink, target);
  }
}

/** Path → content hash (files), 'dir' (folders) or 'link:<target>' for everything under `root`. */
export async function snapshotTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir)) {
      const full = path.join(dir, entry);
      const rel = path.relative(root, full);
      const st = await lstat(full);
      if (st.isSymbolicLink()) out.set(rel, `link:${await readlink(full)}`);
      else if (st.isDirectory()) {
        out.set(rel, 'dir');
        await walk(full);
      } else
        out.set(
          rel,
          createHash('sha256')
            .update(await readFile(full))
            .digest('hex'),
        );
    }
  };
  await walk(root);
  return out;
}

async function runInProcess(argv: string[], dir: string): Promise<CaseResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    isTTY: false,
    cwd: dir,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, dir };
}

// tsx by absolute URL: the child runs in the case's temp folder, where a bare 'tsx' does not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function runChild(argv: string[], dir: string, timeoutMs: number): CaseResult {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@scalewise/source', '--import', TSX, path.join(ROOT, 'apps/cli/src/main.ts'), ...argv],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0', NODE_OPTIONS: '--max-old-space-size=2048' },
    },
  );
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', dir };
}

// Anything but tab and newline in 0x00-0x1f, DEL, and the C1 range: raw terminal control reaching the user.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const STACK = /\n\s+at .+[:(]\d+|^\s+at .+:\d+:\d+/m;

/** Run one case and assert the bad-input contract; returns the result for extra checks. */
export async function runCase(c: BadCase): Promise<CaseResult> {
  const dir = await mkdtemp(path.join(tmpdir(), `scalewise-bad-${c.id}-`));
  try {
    for (const [name, fixture] of Object.entries(c.files ?? {})) await writeFixture(path.join(dir, name), fixture);
    const before = await snapshotTree(dir);
    const argv = c.argv.map((a) => a.replaceAll('$DIR', dir));
    const result = c.isolate ? runChild(argv, dir, c.isolate) : await runInProcess(argv, dir);
    const shown = `exit ${result.code}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout.slice(0, 2000)}`;
    expect(result.code, `${c.id}: exit code\n${shown}`).toBe(c.code ?? 2);
    expect(CONTROL.test(result.stderr) || CONTROL.test(result.stdout), `${c.id}: control character in output\n${shown}`).toBe(false);
    expect(STACK.test(result.stderr), `${c.id}: stack trace in stderr\n${shown}`).toBe(false);
    expect(/\bNaN\b/.test(result.stdout) || /\bNaN\b/.test(result.stderr), `${c.id}: NaN in output\n${shown}`).toBe(false);
    if ((c.code ?? 2) !== 0) expect(result.stderr.trim().length > 0, `${c.id}: a failing command says why\n${shown}`).toBe(true);
    for (const pattern of c.stderr ?? [])
      expect(pattern.test(result.stderr), `${c.id}: stderr should match ${pattern}\n${shown}`).toBe(true);
    for (const pattern of c.stdout ?? [])
      expect(pattern.test(result.stdout), `${c.id}: stdout should match ${pattern}\n${shown}`).toBe(true);
    const after = await snapshotTree(dir);
    const may = new Set(c.mayChange ?? []);
    for (const [rel, hash] of before) {
      if (may.has(rel) || [...may].some((m) => rel.startsWith(`${m}${path.sep}`))) continue;
      expect(after.get(rel), `${c.id}: pre-existing ${rel} was changed or removed\n${shown}`).toBe(hash);
    }
    for (const rel of c.exists ?? []) expect(after.has(rel), `${c.id}: ${rel} should exist\n${shown}`).toBe(true);
    for (const rel of c.absent ?? []) expect(after.has(rel), `${c.id}: ${rel} should not exist\n${shown}`).toBe(false);
    if ((c.code ?? 2) === 2) {
      const created = [...after.keys()].filter((rel) => !before.has(rel));
      expect(created, `${c.id}: exit 2 must come before any output is written\n${shown}`).toEqual([]);
    }
    await c.check?.(result);
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
