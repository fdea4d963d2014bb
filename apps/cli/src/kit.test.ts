import { describe, expect, it } from 'vitest';
import { UsageError, intFlag, numberFlag, parseFlags, printable, terminalSafe } from './kit.js';

describe('parseFlags', () => {
  it('types and returns flags and positionals, with the common flags', () => {
    const { values, positionals } = parseFlags(['file.csv', '--form', 'power', '--json'], { form: { type: 'string' } });
    expect(values.form).toBe('power');
    expect(values.json).toBe(true);
    expect(positionals).toEqual(['file.csv']);
  });

  it('turns an unknown flag into a UsageError naming it', () => {
    expect(() => parseFlags(['--nope'], {})).toThrow(UsageError);
    expect(() => parseFlags(['--nope'], {})).toThrow(/--nope/);
  });

  it('takes a negative number after a string flag as its value, long or short, but not after --', () => {
    const opts = { predict: { type: 'string' }, reps: { type: 'string', short: 'r' }, all: { type: 'boolean' } } as const;
    expect(parseFlags(['--predict', '-5', '-r', '-1e21'], opts).values).toMatchObject({ predict: '-5', reps: '-1e21' });
    expect(parseFlags(['--predict', '-.5'], opts).values.predict).toBe('-.5');
    expect(parseFlags(['--predict', '1', '--', '--reps', '-2'], opts).positionals).toEqual(['--reps', '-2']);
    expect(() => parseFlags(['--all', '-5'], opts)).toThrow(UsageError);
  });

  it('turns every parseArgs error into one line naming the flag', () => {
    const opts = { out: { type: 'string' } } as const;
    for (const argv of [['--out', '-x'], ['--out'], ['--nope'], ['--json=1'], ['-q']]) {
      let message = '';
      try {
        parseFlags(argv, opts);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        message = (error as Error).message;
      }
      expect(message).toContain(argv[0]!.split('=')[0]!);
      expect(message).not.toContain('\n');
    }
    expect(() => parseFlags(['--out', '-x'], opts)).toThrow('--out needs a value; for a value that starts with a dash write --out=VALUE');
  });

  it('rejects a non-numeric number flag by name', () => {
    expect(numberFlag('seed', '42')).toBe(42);
    expect(numberFlag('seed', undefined, 7)).toBe(7);
    expect(() => numberFlag('seed', 'abc')).toThrow("--seed expects a number, found 'abc'");
    expect(() => numberFlag('seed', 'NaN')).toThrow(UsageError);
  });
});

describe('intFlag', () => {
  it('accepts integers in range, falls back when absent, and names the flag and value otherwise', () => {
    expect(intFlag('limit', '3', { min: 1, max: 10 })).toBe(3);
    expect(intFlag('limit', undefined, { min: 1, max: 10 }, 7)).toBe(7);
    expect(intFlag('limit', '1e1', { min: 1, max: 10 })).toBe(10);
    for (const bad of ['0', '11', '2.5', '-1'])
      expect(() => intFlag('limit', bad, { min: 1, max: 10 })).toThrow(`--limit expects an integer in [1, 10], found '${bad}'`);
    expect(() => intFlag('seed', '5', { min: 0, max: 2 ** 32 - 1 })).not.toThrow();
    expect(() => intFlag('seed', '2e10', { min: 0, max: 2 ** 32 - 1 })).toThrow(
      "--seed expects an integer in [0, 4,294,967,295], found '2e10'",
    );
    expect(() => intFlag('limit', 'x', { min: 1, max: 10 })).toThrow(/--limit expects a number, found 'x'/);
  });

  it('without a max, bounds at the largest safe integer and says so as ">= min"', () => {
    expect(intFlag('tokens', '9007199254740991', { min: 1 })).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => intFlag('tokens', '1e16', { min: 1 })).toThrow("--tokens expects an integer >= 1, found '1e16'");
    expect(() => intFlag('seed', '-1', { min: 0 })).toThrow("--seed expects an integer >= 0, found '-1'");
  });
});

describe('printable', () => {
  it('escapes ESC, OSC, BEL, C1 and NUL but keeps tab and newline, and is idempotent', () => {
    const hostile = 'a\u001b]8;;http://x\u0007b\u009bc\u0000d\te\nf';
    const safe = printable(hostile);
    expect(safe).toBe('a\\x1b]8;;http://x\\x07b\\x9bc\\x00d\te\nf');
    expect(printable(safe)).toBe(safe);
  });
});

describe('terminalSafe', () => {
  it("keeps only the progress bar's carriage return and erase-line on a terminal; escapes everything in a pipe", () => {
    const bar = '\r[train] 3/10\u001b[K';
    const hostile = 'name\u001b]0;pwned\u0007';
    expect(terminalSafe(bar + hostile, true)).toBe('\r[train] 3/10\u001b[Kname\\x1b]0;pwned\\x07');
    expect(terminalSafe(bar, false)).toBe('\\x0d[train] 3/10\\x1b[K');
    expect(terminalSafe('a\tb\n', false)).toBe('a\tb\n');
  });
});
