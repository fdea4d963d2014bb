import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '@scalewise/core';

/** Exit codes shared by every command: 0 ok, 1 failure, 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** A run stopped by Ctrl-C (128 + SIGINT, as shells report it): it checkpointed and can continue. */
export const EXIT_INTERRUPTED = 130;

/** Bad usage or bad input (kind 'input'): printed as one line, exit code 2. */
export class UsageError extends InputError {
  override readonly name = 'UsageError';
}

/**
 * Text that came from input files or arguments, made safe for a terminal: control characters (ESC, OSC, BEL,
 * C1, raw binary) are shown escaped (`\x1b`, `\u009b`), so input can never drive the user's terminal.
 * Tab and newline stay as they are. Idempotent: escaping an escaped text changes nothing.
 * main() applies it to all stdout and to error messages; a command needs it only for input text it writes to
 * stderr itself (warnings, progress details), because on a terminal stderr keeps `\r` and `ESC[K` (terminalSafe).
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// Progress bars on a terminal redraw their line with a carriage return and "erase to end of line"; nothing else passes.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TTY_ALLOWED = /\r|\u001b\[K/g;

/**
 * Everything a command writes, made safe at the one place it leaves the program: `printable()` for pipes and
 * files; on a terminal the progress bar's `\r` and `ESC[K` are kept (scalewise writes them, input never can reach
 * them unescaped: text from input is escaped before it is put into a line).
 */
export function terminalSafe(text: string, tty: boolean): string {
  if (!tty) return printable(text);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(TTY_ALLOWED)) {
    out += printable(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + printable(text.slice(last));
}

/** Where a command writes: results on stdout, progress and diagnostics on stderr. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress bars instead of periodic lines). */
  isTTY: boolean;
  /** Working directory that relative paths are resolved against. */
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}

export interface Command {
  /** One line shown in `scalewise --help`. */
  summary: string;
  /** Full help text with usage and examples. */
  help: string;
  run: (argv: string[], io: CliIO) => Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

type Flags<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof COMMON_FLAGS; allowPositionals: true; strict: true }>
>;

/** A value such as -5, -1e21 or -.5: after a string flag it is the flag's value, never a flag of its own. */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/;

/**
 * `--predict -5` (or `-r -5`) becomes `--predict=-5`, so the command's own check can judge the value: parseArgs
 * would refuse it as "ambiguous" before the command could name what the flag expects. Stops at `--`.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const longOf = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const name = /^--[^=]+$/.test(arg) ? arg.slice(2) : /^-[^-]$/.test(arg) ? longOf.get(arg.slice(1)) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && Object.hasOwn(options, name) && options[name]!.type === 'string' && next && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** parseArgs' messages span up to three lines; a scalewise error is one line that names the flag. */
function oneLine(message: string): string {
  const ambiguous = /^Option '([^' ]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value; for a value that starts with a dash write ${ambiguous[1]}=VALUE`;
  const missing = /^Option '([^' ]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return `unknown flag '${unknown[1]}' (see --help; a file name starting with '-' goes after '--')`;
  return message.replace(/\s*\n\s*/g, ' ');
}

/**
 * Parse flags strictly; unknown flags and missing values become one-line UsageErrors naming the flag.
 * A negative number after a string flag is its value. `--help`, `--json` and `--debug` are accepted by every command.
 */
export function parseFlags<const O extends Options>(argv: string[], options: O): Flags<O> {
  const all = { ...options, ...COMMON_FLAGS };
  try {
    return parseArgs({ args: joinNegativeValues(argv, all), options: all, allowPositionals: true, strict: true }) as Flags<O>;
  } catch (error) {
    throw new UsageError(oneLine((error as Error).message), { cause: error });
  }
}

/** Parse a numeric flag, naming the flag when the value is not a finite number. */
export function numberFlag(name: string, value: string | undefined, fallback: number): number;
export function numberFlag(name: string, value: string | undefined): number | undefined;
export function numberFlag(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new UsageError(`--${name} expects a number, found '${value}'`);
  }
  return parsed;
}

/** Whole-number flag bounds; `max` defaults to the largest safe integer (printed as "an integer >= min"). */
export interface IntRange {
  min: number;
  max?: number;
}

/**
 * Parse a whole-number flag (seeds, counts, thread numbers) in [min, max], naming the flag and the value it found;
 * absent gives `fallback`. The one integer-flag parser of every command.
 */
export function intFlag(name: string, value: string | undefined, range: IntRange, fallback: number): number;
export function intFlag(name: string, value: string | undefined, range: IntRange): number | undefined;
export function intFlag(name: string, value: string | undefined, range: IntRange, fallback?: number): number | undefined {
  const n = numberFlag(name, value);
  if (n === undefined) return fallback;
  const max = Math.min(range.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(n) || n < range.min || n > max) {
    const bounds = max === Number.MAX_SAFE_INTEGER ? `>= ${range.min}` : `in [${range.min}, ${max.toLocaleString('en-US')}]`;
    throw new UsageError(`--${name} expects an integer ${bounds}, found '${value}'`);
  }
  return n;
}

/** Print one JSON object followed by a newline (the `--json` contract: exactly one object on stdout). */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
