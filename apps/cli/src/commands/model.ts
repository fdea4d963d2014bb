import { EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../kit.js';
import { HELP as INFO_HELP } from './model-info.js';

// Subcommands load lazily: `model info` must not pay for onnxruntime, which `model export` needs.
const SUBCOMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  info: {
    summary: 'parameters (total, non-embedding), FLOPs per token, memory by dtype',
    load: async () => (await import('./model-info.js')).default,
  },
  export: { summary: 'write an ONNX model folder (config.json, tokenizer, onnx/model.onnx)', load: loadExport },
};

async function loadExport(): Promise<Command> {
  return (await import('./model-export.js')).default;
}

// main.ts prints the top-level command's help for any '--help' in argv, so this help carries the
// subcommands' own help texts too.
const EXPORT_HELP = (await loadExport()).help;

const HELP = `Usage: scalewise model <subcommand> [options]

Subcommands:
${Object.entries(SUBCOMMANDS)
  .map(([name, s]) => `  ${name.padEnd(8)} ${s.summary}`)
  .join('\n')}

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
      if (name !== undefined) return EXIT_OK;
      io.stderr(`scalewise model: no subcommand given; expected one of: ${Object.keys(SUBCOMMANDS).join(', ')}\n`);
      return EXIT_USAGE;
    }
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new UsageError(`unknown model subcommand '${name}'; expected one of: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    return (await sub.load()).run(rest, io);
  },
};

export default command;
