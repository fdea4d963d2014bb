import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { COMMANDS } from './commands/index.js';
import type { CliIO } from './kit.js';

function captureIO(): CliIO & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false, cwd: process.cwd(), stdout: (t: string) => { io.out += t; }, stderr: (t: string) => { io.err += t; } };
  return io;
}

describe('scalewise main', () => {
  it('lists every command in --help and exits 0', async () => {
    const io = captureIO();
    expect(await main(['--help'], io)).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(io.out).toContain(`  ${name}`);
    expect(io.err).toBe('');
  });

  it('exits 2 with a one-line message naming an unknown command', async () => {
    const io = captureIO();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err).toMatch(/unknown command 'frobnicate'/);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.out).toBe('');
  });

  it('prints usage and exits 2 when no command is given', async () => {
    const io = captureIO();
    expect(await main([], io)).toBe(2);
    expect(io.out).toContain('Usage: scalewise <command>');
  });
});
