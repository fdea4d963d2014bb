export { main, mainHelp } from './main.js';
export { COMMANDS } from './commands/index.js';
export {
  UsageError,
  EXIT_OK,
  EXIT_FAILURE,
  EXIT_USAGE,
  EXIT_INTERRUPTED,
  parseFlags,
  numberFlag,
  printJson,
  processIO,
  type CliIO,
  type Command,
} from './kit.js';
export { createProgress, type ProgressEvent } from './progress.js';
