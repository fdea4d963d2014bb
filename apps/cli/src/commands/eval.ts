import { EXIT_FAILURE, type Command } from '../kit.js';

// Placeholder until its issue lands: listed in --help, fails clearly when run.
const command: Command = {
  summary: 'eval',
  help: 'scalewise eval: not implemented yet.',
  run: async (_argv, io) => {
    io.stderr('scalewise eval: not implemented yet\n');
    return EXIT_FAILURE;
  },
};

export default command;
