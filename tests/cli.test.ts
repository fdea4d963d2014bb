import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Run the CLI from source the way `pnpm scalewise` does, as a real child process. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}) {
  const result = spawnSync(process.execPath, ['--conditions=@scalewise/source', '--import', 'tsx', path.join(ROOT, 'apps/cli/src/main.ts'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scalewise CLI process', () => {
  it('prints help and exits 0', () => {
    const { code, stdout } = runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Commands:');
    expect(stdout).toContain('study');
  });

  it('exits 2 on an unknown command with one clear line and no stack trace', () => {
    const { code, stderr } = runCli(['nope']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'nope'");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
