import { pathToFileURL } from 'node:url';
import { errorKind } from '@scalewise/core';
import { COMMANDS } from './commands/index.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, printable, processIO, terminalSafe, type CliIO } from './kit.js';

const VERSION = '0.1.0';

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'scalewise — scaling laws for small language models',
    '',
    'Usage: scalewise <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options: --help, --json (machine-readable output on stdout), --debug (stack traces)',
    'Exit codes: 0 ok, 1 failure, 2 bad usage or input.',
    '',
    'Examples:',
    '  scalewise study --quick',
    '  scalewise fit results.csv --form power --x num_params --y perplexity --json',
    '  scalewise model info mobilellm-125m',
    '',
    "Run `scalewise <command> --help` for a command's options.",
    '',
  ].join('\n');
}

/** Run the CLI with argv (without node and script); returns the exit code. */
export async function main(argv: string[], rawIO: CliIO = processIO()): Promise<number> {
  // No control character from any input (a CSV header, a file name, a config field) reaches the user's terminal.
  const io: CliIO = {
    ...rawIO,
    stdout: (text) => rawIO.stdout(terminalSafe(text, false)),
    stderr: (text) => rawIO.stderr(terminalSafe(text, rawIO.isTTY)),
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    if (name !== undefined) return EXIT_OK;
    io.stderr("scalewise: no command given; see the list above or 'scalewise --help'.\n");
    return EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT_OK;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(
      `scalewise: unknown command '${printable(name)}'. Known commands: ${Object.keys(COMMANDS).join(', ')}. See 'scalewise --help'.\n`,
    );
    return EXIT_USAGE;
  }
  const debug = rest.includes('--debug');
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${command.help.trimEnd()}\n`);
      return EXIT_OK;
    }
    return await command.run(rest, io);
  } catch (error) {
    const err = error as Partial<Error> & { exitCode?: number };
    // Every scalewise error says what it is: kind 'input' (UsageError and each package's *InputError) exits 2.
    const usage = err?.exitCode === EXIT_USAGE || errorKind(error) === 'input';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`scalewise ${name}: ${printable(message)}\n`);
    if (debug && err?.stack) io.stderr(`${err.stack}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
