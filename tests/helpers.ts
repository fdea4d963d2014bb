import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** Run the CLI from source the way `pnpm scalewise` does, as a real child process. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@scalewise/source', '--import', 'tsx', path.join(ROOT, 'apps/cli/src/main.ts'), ...args],
    {
      cwd: options.cwd ?? ROOT,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface BackgroundCli {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  /** Exit code (or the signal's name) once the process ended; rejects after timeoutMs. */
  exited: (timeoutMs: number) => Promise<number | string>;
  /** Resolves once stderr matches; rejects after timeoutMs or if the process exits first. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
}

/** Start the CLI from source in the background (same argv as runCli), for workers and long sweeps. */
export function startCli(args: string[], options: { cwd?: string } = {}): BackgroundCli {
  // tsx by absolute URL, so that the working folder can be anywhere.
  const tsx = pathToFileURL(path.join(ROOT, 'tests/node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(
    process.execPath,
    ['--conditions=@scalewise/source', '--import', tsx, path.join(ROOT, 'apps/cli/src/main.ts'), ...args],
    {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const timeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}; stderr:\n${stderr.slice(-3000)}`)),
        ms,
      );
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e as Error);
        },
      );
    });
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited: (ms) => timeout(done, ms, `exit of scalewise ${args[0]}`),
    waitFor: (pattern, ms) =>
      timeout(
        new Promise<RegExpMatchArray>((resolve, reject) => {
          const check = (): void => {
            const m = pattern.exec(stderr);
            if (m) {
              clearInterval(timer);
              resolve(m);
            }
          };
          const timer = setInterval(check, 50);
          void done.then(() => {
            check();
            clearInterval(timer);
            reject(new Error(`scalewise ${args[0]} exited before ${pattern}; stderr:\n${stderr.slice(-3000)}`));
          });
        }),
        ms,
        String(pattern),
      ),
  };
}
