import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

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
