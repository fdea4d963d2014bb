import { EXIT_OK, UsageError, type Command } from '../kit.js';
import { HELP as INFO_HELP } from './model-info.js';

// Subcommands load lazily: `model info` must not pay for onnxruntime, which `model export` needs.
const SUBCOMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  info: { summary: 'parameters (total, non-embedding), FLOPs per token, memory by dtype', load: async () => (await import('./model-info.js')).default },
  export: { summary: 'write an ONNX model folder (config.json, tokenizer, onnx/model.onnx)', load: loadExport },
};

async function loadExport(): Promise<Command> {
  const path = './model-export.js';
  try {
    return ((await import(path)) as { default: Command }).default;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('model-export')) {
      throw new Error('scalewise model export is not available yet in this build', { cause: error });
    }
    throw error;
  }
}

// main.ts prints the top-level command's help for any '--help' in argv, so this help carries the
// subcommands' own help texts too.
const EXPORT_HELP = await loadExport().then(
  (c) => c.help,
  () => 'scalewise model export: not available yet in this build.\n',
);

const HELP = `Usage: scalewise model <subcommand> [options]

Subcommands:
${Object.entries(SUBCOMMANDS).map(([name, s]) => `  ${name.padEnd(8)} ${s.summary}`).join('\n')}

Run 'scalewise model <subcommand> --help' for its options.

Examples:
  scalewise model info mobilellm-125m --json
  scalewise model export mobilellm-125m --out ./m125 --random --seed 1

--- model info ---
${INFO_HELP.trimEnd()}

--- model export ---
${EXPORT_HELP.trimEnd()}
`;

const command: Command = {
  summary: 'Model configs: `model info` (params, FLOPs, memory), `model export` (ONNX folder)',
  help: HELP,
  run: async (argv, io) => {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h') {
      io.stdout(HELP);
      return name === undefined ? 2 : EXIT_OK;
    }
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new UsageError(`unknown model subcommand '${name}'; expected one of: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    return (await sub.load()).run(rest, io);
  },
};

export default command;
