import { describe, expect, it } from 'vitest';
import { ScalewiseError } from '@scalewise/core';
import { LawsError, LawsInputError } from '@scalewise/laws';
import { main } from './main.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './kit.js';
import { captureIO } from './capture-io.test-helper.js';

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

  it('maps exit codes by error kind (input → 2, anything else → 1), not by class name, and escapes the message', async () => {
    class OddlyNamedInputError extends Error {
      override name = 'OddlyNamedInputError';
    }
    class Refusal extends ScalewiseError {
      override name = 'Refusal';
      override readonly kind = 'input' as const;
    }
    const cases: Array<[unknown, number]> = [
      [new LawsInputError('bad row'), 2],
      [new UsageError('bad flag'), 2],
      [new Refusal('no'), 2],
      [Object.assign(new Error('legacy'), { exitCode: 2 }), 2],
      [new LawsError('did not converge'), 1],
      [new OddlyNamedInputError('a name alone decides nothing'), 1],
      [new Error('bug'), 1],
      ['a thrown string', 1],
    ];
    COMMANDS['throws-for-test'] = {
      summary: 'test only',
      load: async () => ({
        summary: 'test only',
        help: 'test',
        run: async () => {
          throw current;
        },
      }),
    };
    let current: unknown;
    try {
      for (const [error, code] of cases) {
        current = error;
        const io = captureIO();
        expect(await main(['throws-for-test'], io), String(error)).toBe(code);
        expect(io.err.trim().split('\n')).toHaveLength(1);
      }
      current = new LawsInputError('name \u001b[31mred\u0007');
      const io = captureIO();
      expect(await main(['throws-for-test'], io)).toBe(2);
      expect(io.err).toBe('scalewise throws-for-test: name \\x1b[31mred\\x07\n');
    } finally {
      delete COMMANDS['throws-for-test'];
    }
  });
});
