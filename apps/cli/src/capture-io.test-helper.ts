import type { CliIO } from './kit.js';

/** A CliIO that records what a command prints, for tests that call `main()` in-process. */
export function captureIO(cwd: string = process.cwd()): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    cwd,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}
