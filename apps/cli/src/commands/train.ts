import { EXIT_FAILURE, type Command } from '../kit.js';

// Placeholder until its issue lands: listed in --help, fails clearly when run.
const command: Command = {
  summary: 'train',
  help: 'scalewise train: not implemented yet.',
  run: async (_argv, io) => {
    io.stderr('scalewise train: not implemented yet\n');
    return EXIT_FAILURE;
  },
};

export default command;
